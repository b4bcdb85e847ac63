// Package flagenv gives command-line flags their defaults from the
// environment, so that a container sets NEWSEARCH_* variables instead of
// arguments.
package flagenv

import "os"

// String returns the value of the environment variable name, or def when
// it is unset or empty.
func String(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}
