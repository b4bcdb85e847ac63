// Package s3test starts a real S3-compatible server (SeaweedFS's `weed`)
// for tests of code that talks to object storage. Tests skip, saying how
// to install it, where the binary is not found; .ci/run installs it.
package s3test

import (
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// Server is a running S3-compatible server.
type Server struct {
	// Endpoint is its S3 API: "http://127.0.0.1:PORT".
	Endpoint string
	cmd      *exec.Cmd
	log      *os.File
}

// Binary finds the server's binary: $NEWSEARCH_WEED, else `weed` on PATH.
func Binary() (string, error) {
	if p := os.Getenv("NEWSEARCH_WEED"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("NEWSEARCH_WEED=%s: %w", p, err)
		}
		return p, nil
	}
	return exec.LookPath("weed")
}

// Start runs a server for the test, with its data in a temporary folder,
// and stops it when the test ends. It skips the test when the binary is
// missing and fails it when the server does not answer.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := Binary()
	if err != nil {
		t.Skipf("%s", Missing(err))
	}
	s, err := Run(bin, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}

// Missing says why tests that need the server are skipped.
func Missing(err error) string {
	return fmt.Sprintf("no S3-compatible server to test against (%v): .ci/run builds SeaweedFS's weed; set NEWSEARCH_WEED to its path", err)
}

// Run starts the server binary with its data in dir (for a TestMain that
// shares one server among a package's tests); Stop ends it.
func Run(bin, dir string) (*Server, error) {
	ports, err := freePorts(4)
	if err != nil {
		return nil, err
	}
	// Each service also listens on its port + 10000 (gRPC).
	args := []string{"server", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-dir=" + dir,
		"-master.port=" + strconv.Itoa(ports[0]), "-volume.port=" + strconv.Itoa(ports[1]),
		"-filer", "-filer.port=" + strconv.Itoa(ports[2]),
		"-s3", "-s3.port=" + strconv.Itoa(ports[3]),
		// Small volumes, grown as needed, up to 32 GB in all: enough for
		// a 10M-paragraph index in the benchmarks.
		"-master.volumeSizeLimitMB=64", "-volume.max=500"}
	cmd := exec.Command(bin, args...)
	logPath := filepath.Join(dir, "weed.log")
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	s := &Server{Endpoint: "http://127.0.0.1:" + strconv.Itoa(ports[3]), cmd: cmd, log: logf}
	if err := s.waitReady(60 * time.Second); err != nil {
		s.Stop()
		b, _ := os.ReadFile(logPath)
		if len(b) > 4000 {
			b = b[len(b)-4000:]
		}
		return nil, fmt.Errorf("the S3 server did not answer: %w\n%s", err, b)
	}
	return s, nil
}

// Stop ends the server.
func (s *Server) Stop() {
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.log.Close()
}

// waitReady polls until the S3 API lists buckets.
func (s *Server) waitReady(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	var last error
	for time.Now().Before(deadline) {
		resp, err := http.Get(s.Endpoint + "/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode < 500 {
				// The gateway answers before the filer can store; give the
				// cluster a moment to elect its master and grow a volume.
				return nil
			}
			last = fmt.Errorf("status %s", resp.Status)
		} else {
			last = err
		}
		time.Sleep(200 * time.Millisecond)
	}
	return last
}

// freePorts returns n ports free on loopback, each with its port + 10000.
func freePorts(n int) ([]int, error) {
	var out []int
	used := map[int]bool{}
	for tries := 0; len(out) < n && tries < 1000; tries++ {
		p := 20000 + rand.IntN(25000)
		if used[p] || used[p+10000] || !free(p) || !free(p+10000) {
			continue
		}
		used[p], used[p+10000] = true, true
		out = append(out, p)
	}
	if len(out) < n {
		return nil, fmt.Errorf("no free ports on loopback")
	}
	return out, nil
}

func free(port int) bool {
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		return false
	}
	ln.Close()
	return true
}
