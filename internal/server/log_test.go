package server

import (
	"io"
	"log/slog"
	"sync"
)

// syncWriter serialises writes of concurrent handlers into one writer.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func newTestLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(&syncWriter{w: w}, nil))
}
