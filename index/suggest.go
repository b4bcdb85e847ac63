package index

import "context"

// Suggest returns q with its words that the index does not know replaced
// by the closest known words, or "" when every word is known or no close
// word exists.
func (r *Reader) Suggest(ctx context.Context, q string) string {
	return ""
}
