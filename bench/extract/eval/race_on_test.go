//go:build race

package eval

// raceEnabled: the race detector slows extraction several times over, so
// the floor test scores a fixed sample of the set instead of all of it.
const raceEnabled = true
