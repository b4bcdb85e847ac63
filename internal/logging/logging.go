// Package logging makes the one log format indexer and searchd share:
// text for a person at a terminal, JSON lines for a log collector, or
// whichever -log-format asks for.
package logging

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"golang.org/x/term"
)

// Formats -log-format accepts.
const (
	Auto = "auto" // text when the output is a terminal, JSON otherwise
	Text = "text"
	JSON = "json"
)

// FlagUsage is the usage line of -log-format.
const FlagUsage = "log format: text, json, or auto (text on a terminal, JSON otherwise) (env NEWSEARCH_LOG_FORMAT)"

// IsTerminal reports whether w is a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// New returns a logger writing to w in format at level.
func New(w io.Writer, format string, level slog.Level) (*slog.Logger, error) {
	opts := &slog.HandlerOptions{Level: level}
	switch format {
	case Auto, "":
		if IsTerminal(w) {
			return slog.New(slog.NewTextHandler(w, opts)), nil
		}
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	case Text:
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case JSON:
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("-log-format %q: want text, json or auto", format)
}

// Logged is an error already written to the log: a command's main exits
// 1 without printing it a second time, in another format.
type Logged struct{ Err error }

func (e Logged) Error() string { return e.Err.Error() }
func (e Logged) Unwrap() error { return e.Err }

// Fail writes err to log at level ERROR and returns it marked Logged.
func Fail(log *slog.Logger, err error) error {
	var l Logged
	if err == nil || errors.As(err, &l) {
		return err
	}
	log.Error("exiting", "err", err.Error())
	return Logged{err}
}

// Exit ends a command that failed with err: printed as "prog: err" unless
// it was logged already, then exit status 1.
func Exit(prog string, err error) {
	var l Logged
	if !errors.As(err, &l) {
		fmt.Fprintln(os.Stderr, prog+":", err)
	}
	os.Exit(1)
}
