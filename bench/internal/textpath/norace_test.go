//go:build !race

package textpath

const raceEnabled = false
