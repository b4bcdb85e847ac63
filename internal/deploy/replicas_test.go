package deploy

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/newsroom/newsearch/internal/s3test"
)

// replicaService is what the replicas file says of a service.
type replicaService struct {
	Image       string            `yaml:"image"`
	Entrypoint  []string          `yaml:"entrypoint"`
	Command     []string          `yaml:"command"`
	Environment map[string]string `yaml:"environment"`
	Ports       []string          `yaml:"ports"`
	Volumes     []string          `yaml:"volumes"`
	ReadOnly    bool              `yaml:"read_only"`
}

// TestReplicasComposeRunsNatively runs docker-compose.replicas.yml's
// services as composed, natively: a real S3-compatible server in place of
// the s3 service, the indexer uploading to it, both searchd replicas
// following it, and nginx with deploy/nginx.conf in front of them when
// nginx is installed.
func TestReplicasComposeRunsNatively(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the programs")
	}
	b, err := os.ReadFile(filepath.Join(root, "docker-compose.replicas.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Services map[string]replicaService `yaml:"services"`
		Volumes  map[string]any            `yaml:"volumes"`
	}
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("docker-compose.replicas.yml: %v", err)
	}
	var replicas []string
	for name, s := range c.Services {
		if strings.HasPrefix(name, "searchd") {
			replicas = append(replicas, name)
			if !s.ReadOnly {
				t.Errorf("%s's file system is not read-only", name)
			}
		}
	}
	if len(replicas) < 2 {
		t.Fatalf("the replicas file has %d searchd services, want 2 or more", len(replicas))
	}
	idx, ok := c.Services["indexer"]
	if !ok {
		t.Fatal("no indexer service")
	}
	srv := s3test.Start(t) // skips where no S3-compatible server is installed

	bin := t.TempDir()
	for _, name := range []string{"indexer", "searchd"} {
		cmd := exec.Command("go", "build", "-trimpath", "-o", filepath.Join(bin, name), "./cmd/"+name)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("build %s: %v\n%s", name, err, out)
		}
	}
	work := t.TempDir()
	// argv maps a service's entrypoint and command to the host: the binary
	// built above, each volume's container path to a folder of the test.
	argv := func(name string, s replicaService) []string {
		if len(s.Entrypoint) != 1 {
			t.Fatalf("%s: entrypoint %v", name, s.Entrypoint)
		}
		paths := map[string]string{}
		for _, v := range s.Volumes {
			parts := strings.Split(v, ":")
			if len(parts) < 2 {
				t.Fatalf("%s: volume %q", name, v)
			}
			if strings.HasPrefix(parts[0], ".") {
				abs, err := filepath.Abs(filepath.Join(root, parts[0]))
				if err != nil {
					t.Fatal(err)
				}
				paths[parts[1]] = abs
			} else if _, ok := c.Volumes[parts[0]]; ok {
				paths[parts[1]] = filepath.Join(work, name+"-"+parts[0])
			} else {
				t.Fatalf("%s: volume %s is not declared", name, parts[0])
			}
		}
		args := []string{filepath.Join(bin, filepath.Base(s.Entrypoint[0]))}
		for _, a := range s.Command {
			if p, ok := paths[a]; ok {
				a = p
			}
			args = append(args, a)
		}
		return args
	}
	env := func(s replicaService) []string {
		e := os.Environ()
		for k, v := range s.Environment {
			if k == "AWS_ENDPOINT_URL" {
				v = srv.Endpoint // the test's server in place of the s3 service
			}
			e = append(e, k+"="+v)
		}
		return e
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	start := func(name string, args, env []string) (*exec.Cmd, *strings.Builder) {
		cmd := exec.CommandContext(ctx, args[0], args[1:]...)
		cmd.Dir, cmd.Env = work, env
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		return cmd, &out
	}
	indexer, idxOut := start("indexer", argv("indexer", idx), env(idx))

	ports := map[string]int{}
	var procs []*exec.Cmd
	for _, name := range replicas {
		s := c.Services[name]
		args := argv(name, s)
		ports[name] = freePort(t)
		for i, a := range args {
			if a == ":8080" {
				args[i] = fmt.Sprintf("127.0.0.1:%d", ports[name])
			}
		}
		p, out := start(name, args, env(s))
		procs = append(procs, p)
		base := fmt.Sprintf("http://127.0.0.1:%d", ports[name])
		waitFor(t, ctx, func() bool {
			resp, err := http.Get(base + "/readyz")
			if err != nil {
				return false
			}
			resp.Body.Close()
			return resp.StatusCode == http.StatusOK
		}, name+" to serve the indexer's first generation", joined{idxOut, out})
	}

	if nginx, err := exec.LookPath("nginx"); err != nil {
		t.Logf("nginx not installed: the load balancer's configuration is not run (.ci/run installs it)")
	} else {
		conf, err := os.ReadFile(filepath.Join(root, "deploy", "nginx.conf"))
		if err != nil {
			t.Fatal(err)
		}
		text := string(conf)
		for name, port := range ports {
			text = strings.ReplaceAll(text, name+":8080", fmt.Sprintf("127.0.0.1:%d", port))
		}
		lbPort := freePort(t)
		text = strings.Replace(text, "listen 8080;", fmt.Sprintf("listen 127.0.0.1:%d;", lbPort), 1)
		prefix := t.TempDir()
		text = strings.ReplaceAll(text, "/tmp/", prefix+"/")
		confPath := filepath.Join(prefix, "nginx.conf")
		if err := os.WriteFile(confPath, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		lb, lbOut := start("nginx", []string{nginx, "-p", prefix, "-c", confPath, "-g", "daemon off;"}, os.Environ())
		for i := range 6 {
			var resp *http.Response
			waitFor(t, ctx, func() bool {
				resp, err = http.Get(fmt.Sprintf("http://127.0.0.1:%d/api/search?q=espionage", lbPort))
				return err == nil
			}, "nginx to answer", lbOut)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("request %d through the load balancer: %s\n%s", i, resp.Status, lbOut)
			}
		}
		// The shard protocol is not routed to clients.
		resp, err := http.Post(fmt.Sprintf("http://127.0.0.1:%d/internal/shards/status", lbPort), "application/json", strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("POST /internal/shards/status through the load balancer: %s, want 404", resp.Status)
		}
		_ = lb.Process.Signal(syscall.SIGTERM)
	}
	for _, p := range append(procs, indexer) {
		_ = p.Process.Signal(syscall.SIGTERM)
		if err := p.Wait(); err != nil {
			t.Errorf("%s did not stop cleanly on SIGTERM: %v", filepath.Base(p.Path), err)
		}
	}
}

// joined shows several outputs one after the other.
type joined []*strings.Builder

func (j joined) String() string {
	var parts []string
	for _, b := range j {
		parts = append(parts, b.String())
	}
	return strings.Join(parts, "\n---\n")
}
