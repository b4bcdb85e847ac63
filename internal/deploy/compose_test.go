package deploy

import (
	"context"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

const root = "../.."

type service struct {
	Build       any      `yaml:"build"`
	Entrypoint  []string `yaml:"entrypoint"`
	Command     []string `yaml:"command"`
	Ports       []string `yaml:"ports"`
	Volumes     []string `yaml:"volumes"`
	ReadOnly    bool     `yaml:"read_only"`
	Healthcheck struct {
		Test []string `yaml:"test"`
	} `yaml:"healthcheck"`
}

type compose struct {
	Services map[string]service `yaml:"services"`
	Volumes  map[string]any     `yaml:"volumes"`
}

func loadCompose(t *testing.T) compose {
	b, err := os.ReadFile(filepath.Join(root, "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var c compose
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	return c
}

// dockerBinaries reads the Dockerfile's go build commands (output path →
// package) and the directory its final stage copies them into.
func dockerBinaries(t *testing.T) (map[string]string, string) {
	b, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	if !strings.Contains(text, "CGO_ENABLED=0") || strings.Count(text, "FROM ") < 2 {
		t.Error("Dockerfile is not a multi-stage build of static binaries")
	}
	builds := map[string]string{}
	for _, m := range regexp.MustCompile(`go build [^\n]*?-o (\S+) (\./cmd/\S+)`).FindAllStringSubmatch(text, -1) {
		builds[filepath.Base(m[1])] = m[2]
	}
	m := regexp.MustCompile(`COPY --from=build ((?:/out/\S+ )+)(\S+)`).FindStringSubmatch(text)
	if m == nil {
		t.Fatal("Dockerfile does not copy the binaries out of the build stage")
	}
	return builds, m[2]
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// volumeMap maps each service's container paths to host directories of the
// test: named volumes to one shared directory, bind mounts to the repo path
// (or a copy of it).
type mount struct {
	host     string
	readOnly bool
}

func TestComposeRunsNatively(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs both programs")
	}
	c := loadCompose(t)
	builds, binDir := dockerBinaries(t)
	for _, name := range []string{"indexer", "searchd"} {
		if _, ok := c.Services[name]; !ok {
			t.Fatalf("compose has no %s service", name)
		}
		if builds[name] != "./cmd/"+name {
			t.Fatalf("Dockerfile does not build %s from ./cmd/%s: %v", name, name, builds)
		}
	}
	// Build the binaries as the Dockerfile does.
	bin := t.TempDir()
	for name, pkg := range builds {
		cmd := exec.Command("go", "build", "-trimpath", "-o", filepath.Join(bin, name), pkg)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("build %s: %v\n%s", name, err, out)
		}
	}
	work := t.TempDir()
	named := map[string]string{}
	for v := range c.Volumes {
		named[v] = filepath.Join(work, "volume-"+v)
		os.MkdirAll(named[v], 0o755)
	}
	mounts := func(s service) map[string]mount {
		out := map[string]mount{}
		for _, v := range s.Volumes {
			parts := strings.Split(v, ":")
			if len(parts) < 2 {
				t.Fatalf("volume %q", v)
			}
			m := mount{readOnly: len(parts) == 3 && parts[2] == "ro"}
			if strings.HasPrefix(parts[0], ".") {
				abs, err := filepath.Abs(filepath.Join(root, parts[0]))
				if err != nil {
					t.Fatal(err)
				}
				m.host = abs
				if _, err := os.Stat(m.host); err != nil {
					t.Fatalf("bind mount %s: %v", parts[0], err)
				}
			} else if h, ok := named[parts[0]]; ok {
				m.host = h
			} else {
				t.Fatalf("volume %s is not declared", parts[0])
			}
			out[parts[1]] = m
		}
		return out
	}
	// argv turns a service's entrypoint + command into a host command line:
	// the binary from the build, container paths mapped to their mounts.
	argv := func(s service, ms map[string]mount) []string {
		if len(s.Entrypoint) != 1 || filepath.Dir(s.Entrypoint[0]) != strings.TrimSuffix(binDir, "/") {
			t.Fatalf("entrypoint %v is not a binary the Dockerfile copies to %s", s.Entrypoint, binDir)
		}
		name := filepath.Base(s.Entrypoint[0])
		if _, ok := builds[name]; !ok {
			t.Fatalf("entrypoint %s is not built by the Dockerfile", name)
		}
		args := []string{filepath.Join(bin, name)}
		for _, a := range s.Command {
			if m, ok := ms[a]; ok {
				a = m.host
			}
			args = append(args, a)
		}
		return args
	}
	flagValue := func(args []string, flag string) string {
		for i, a := range args {
			if a == flag && i+1 < len(args) {
				return args[i+1]
			}
		}
		return ""
	}

	idx := c.Services["indexer"]
	idxMounts := mounts(idx)
	idxArgs := argv(idx, idxMounts)
	seedsPath := flagValue(idx.Command, "-seeds")
	indexPath := flagValue(idx.Command, "-index")
	if m, ok := idxMounts[seedsPath]; !ok || !m.readOnly {
		t.Errorf("indexer's -seeds %s is not a read-only mount", seedsPath)
	}
	if m, ok := idxMounts[indexPath]; !ok || m.readOnly {
		t.Errorf("indexer's -index %s is not a writable mount", indexPath)
	}
	if !strings.Contains(strings.Join(idx.Command, " "), "-watch") {
		t.Error("indexer does not run in watch mode")
	}

	sd := c.Services["searchd"]
	sdMounts := mounts(sd)
	if m, ok := sdMounts[flagValue(sd.Command, "-index")]; !ok || !m.readOnly || m.host != idxMounts[indexPath].host {
		t.Errorf("searchd's -index is not the indexer's index volume mounted read-only")
	}
	if !sd.ReadOnly {
		t.Error("searchd's container file system is not read-only")
	}
	addr := flagValue(sd.Command, "-addr")
	_, containerPort, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatalf("searchd -addr %q: %v", addr, err)
	}
	if len(sd.Ports) != 1 || !strings.HasSuffix(sd.Ports[0], ":"+containerPort) || !strings.HasPrefix(sd.Ports[0], "8080:") {
		t.Errorf("ports %v do not publish searchd's port %s on 8080", sd.Ports, containerPort)
	}

	// Run the indexer exactly as composed until it publishes.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	indexer := exec.CommandContext(ctx, idxArgs[0], idxArgs[1:]...)
	indexer.Dir = work
	var idxOut strings.Builder
	indexer.Stdout, indexer.Stderr = &idxOut, &idxOut
	if err := indexer.Start(); err != nil {
		t.Fatal(err)
	}
	defer indexer.Process.Kill()
	indexHost := idxMounts[indexPath].host
	waitFor(t, ctx, func() bool { _, err := os.Stat(filepath.Join(indexHost, "CURRENT")); return err == nil }, "the indexer to publish", &idxOut)

	// Run searchd exactly as composed, on a free loopback port in place of
	// the container's port.
	port := freePort(t)
	sdArgs := argv(sd, sdMounts)
	for i, a := range sdArgs {
		if a == addr {
			sdArgs[i] = fmt.Sprintf("127.0.0.1:%d", port)
		}
	}
	before := tree(t, indexHost)
	searchd := exec.CommandContext(ctx, sdArgs[0], sdArgs[1:]...)
	searchd.Dir = work
	var sdOut strings.Builder
	searchd.Stdout, searchd.Stderr = &sdOut, &sdOut
	if err := searchd.Start(); err != nil {
		t.Fatal(err)
	}
	defer searchd.Process.Kill()
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	waitFor(t, ctx, func() bool {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	}, "searchd to be ready", &sdOut)

	// The healthcheck, as composed, against the running searchd.
	hc := sd.Healthcheck.Test
	if len(hc) < 2 || hc[0] != "CMD" {
		t.Fatalf("healthcheck %v", hc)
	}
	hcArgs := []string{filepath.Join(bin, filepath.Base(hc[1]))}
	for _, a := range hc[2:] {
		hcArgs = append(hcArgs, strings.Replace(a, "127.0.0.1:"+containerPort, fmt.Sprintf("127.0.0.1:%d", port), 1))
	}
	if !strings.HasSuffix(hc[len(hc)-1], "/readyz") {
		t.Errorf("healthcheck does not probe /readyz: %v", hc)
	}
	if out, err := exec.Command(hcArgs[0], hcArgs[1:]...).CombinedOutput(); err != nil {
		t.Errorf("healthcheck failed: %v\n%s", err, out)
	}
	resp, err := http.Get(base + "/api/search?q=espionage")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("search through the composed services: %v %v", err, resp)
	}
	resp.Body.Close()

	// searchd wrote nothing into the index volume.
	if after := tree(t, indexHost); after != before {
		t.Errorf("searchd changed the index directory:\nbefore %s\nafter  %s", before, after)
	}
	for _, p := range []*exec.Cmd{searchd, indexer} {
		p.Process.Signal(syscall.SIGTERM)
		if err := p.Wait(); err != nil {
			t.Errorf("%s did not stop cleanly on SIGTERM: %v", filepath.Base(p.Path), err)
		}
	}
}

func waitFor(t *testing.T, ctx context.Context, ok func() bool, what string, out fmt.Stringer) {
	t.Helper()
	for !ok() {
		select {
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %s\n%s", what, out)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// tree lists every file under dir with its size and modification time.
func tree(t *testing.T, dir string) string {
	var b strings.Builder
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		if !d.IsDir() {
			fmt.Fprintf(&b, "%s %d %d; ", strings.TrimPrefix(p, dir), info.Size(), info.ModTime().UnixNano())
		}
		return nil
	})
	return b.String()
}

// TestImageServesAsIs: the image's defaults serve something. The
// Dockerfile bakes an index of the bundled seeds into the image and points
// NEWSEARCH_INDEX at it, so that `docker run` with no flags searches; the
// test builds that index as the Dockerfile's RUN does and runs searchd
// with no -index, from an empty working directory, with the image's
// environment. Both compose services run the one image, and the build
// context leaves out history, local indexes and binaries.
func TestImageServesAsIs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an index and runs searchd")
	}
	b, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	env := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^ENV (.+)$`).FindAllStringSubmatch(text, -1) {
		for _, kv := range strings.Fields(m[1]) {
			if k, v, ok := strings.Cut(kv, "="); ok {
				env[k] = v
			}
		}
	}
	imageIndex := env["NEWSEARCH_INDEX"]
	if imageIndex == "" || !filepath.IsAbs(imageIndex) {
		t.Fatalf("the image sets no absolute NEWSEARCH_INDEX (%q): searchd's default data/index depends on the working directory", imageIndex)
	}
	run := regexp.MustCompile(`/out/indexer -seeds (\S+) -index (\S+)`).FindStringSubmatch(text)
	if run == nil {
		t.Fatal("the Dockerfile does not index the bundled seeds at build time")
	}
	if !regexp.MustCompile(`cp -r seeds ` + regexp.QuoteMeta(run[1]) + `\b`).MatchString(text) {
		t.Errorf("the indexed seeds %s are not the bundled seeds", run[1])
	}
	if !regexp.MustCompile(`COPY --from=build \S* ?` + regexp.QuoteMeta(run[2]) + ` ` + regexp.QuoteMeta(imageIndex) + `\n`).MatchString(text) {
		t.Errorf("the index built at %s is not copied to NEWSEARCH_INDEX %s", run[2], imageIndex)
	}

	c := loadCompose(t)
	raw, _ := os.ReadFile(filepath.Join(root, "docker-compose.yml"))
	var images struct {
		Services map[string]struct {
			Image string `yaml:"image"`
		} `yaml:"services"`
	}
	yaml.Unmarshal(raw, &images)
	if im := images.Services["indexer"].Image; im == "" || im != images.Services["searchd"].Image {
		t.Errorf("compose services run different images: %q and %q", im, images.Services["searchd"].Image)
	}
	if len(c.Services) != 2 {
		t.Errorf("compose has %d services", len(c.Services))
	}
	ignore, err := os.ReadFile(filepath.Join(root, ".dockerignore"))
	if err != nil {
		t.Fatal(".dockerignore is missing: the build context would carry .git, data/ and bin/")
	}
	for _, want := range []string{".git", "data/", "bin/"} {
		if !regexp.MustCompile(`(?m)^/?` + regexp.QuoteMeta(want) + `$`).Match(ignore) {
			t.Errorf(".dockerignore does not leave out %s", want)
		}
	}

	// The build stage's RUN, then the image's ENTRYPOINT with no flags.
	bin, work, empty := t.TempDir(), t.TempDir(), t.TempDir()
	for _, name := range []string{"indexer", "searchd"} {
		cmd := exec.Command("go", "build", "-o", filepath.Join(bin, name), "./cmd/"+name)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("build %s: %v\n%s", name, err, out)
		}
	}
	seeds, index := filepath.Join(work, "seeds"), filepath.Join(work, "index")
	if out, err := exec.Command("cp", "-r", filepath.Join(root, "seeds"), seeds).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, out)
	}
	if out, err := exec.Command(filepath.Join(bin, "indexer"), "-seeds", seeds, "-index", index).CombinedOutput(); err != nil {
		t.Fatalf("the Dockerfile's indexer run: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	port := freePort(t)
	sd := exec.CommandContext(ctx, filepath.Join(bin, "searchd"), "-addr", fmt.Sprintf("127.0.0.1:%d", port))
	sd.Dir = empty
	sd.Env = append(os.Environ(), "NEWSEARCH_INDEX="+index, "NEWSEARCH_SEEDS="+seeds)
	var out strings.Builder
	sd.Stdout, sd.Stderr = &out, &out
	if err := sd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { sd.Process.Signal(syscall.SIGTERM); sd.Wait() }()
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	waitFor(t, ctx, func() bool {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	}, "searchd with the image's defaults to be ready", &out)
	resp, err := http.Get(base + "/api/search?q=espionage")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("search with the image's defaults: %v %v", err, resp)
	}
	resp.Body.Close()
}
