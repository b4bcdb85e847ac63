//go:build race

package index

// raceEnabled: the race detector slows the tokenizer tests some tenfold.
const raceEnabled = true
