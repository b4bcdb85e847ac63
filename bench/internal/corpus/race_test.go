//go:build race

package corpus

// raceEnabled: the race detector slows parsing some twentyfold.
const raceEnabled = true
