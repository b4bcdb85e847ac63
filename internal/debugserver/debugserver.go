// Package debugserver serves Go's profiling endpoints (/debug/pprof/) for
// operators, on a listener of their own so that a service's public port
// never exposes them. searchd and the indexer share it.
package debugserver

import (
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
)

// Start listens on addr and serves the profiling endpoints until stop is
// called; it returns the address bound (addr may ask for any port).
func Start(addr string) (stop func(), bound string, err error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", fmt.Errorf("listen %s: %w", addr, err)
	}
	go func() { _ = http.Serve(l, Handler()) }() // ends when l closes
	return func() { l.Close() }, l.Addr().String(), nil
}

// Handler serves Go's profiles.
func Handler() http.Handler {
	m := http.NewServeMux()
	m.HandleFunc("/debug/pprof/", pprof.Index)
	m.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	m.HandleFunc("/debug/pprof/profile", pprof.Profile)
	m.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	m.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return m
}
