package debugserver

import (
	"net/http"
	"testing"
)

func TestStartServesProfilesUntilStopped(t *testing.T) {
	stop, addr, err := Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + addr + "/debug/pprof/cmdline"
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	stop()
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	if resp, err := c.Get(url); err == nil {
		resp.Body.Close()
		t.Fatalf("GET %s after stop: %s, want no answer", url, resp.Status)
	}
}

func TestStartRefusesABadAddress(t *testing.T) {
	if _, _, err := Start("no-such-host.invalid:-1"); err == nil {
		t.Fatal("Start with a bad address: no error")
	}
}
