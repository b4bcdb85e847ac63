package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/newsroom/newsearch/index"
)

// leftovers lists what a crashed writer leaves in an index directory and
// the next run must collect: build directories, shards renamed aside,
// temporaries of the manifest and CURRENT.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	var left []string
	for _, pat := range []string{"shards/.build-s[0-9]*", "shards/.build-scratch*", "shards/.trash-*", ".gen-*.tmp-*", ".CURRENT.tmp-*"} {
		m, _ := filepath.Glob(filepath.Join(dir, pat))
		left = append(left, m...)
	}
	return left
}

// TestKillAtEachStep kills a real indexer with SIGKILL at each step of a
// publish and of the collection of old generations that follows it
// (NEWSEARCH_CRASH_AT, index.CrashSteps): whatever the step, the
// directory serves a whole generation (the last one or the new one), and
// the next run succeeds, leaves nothing behind and ends equal to a clean
// build.
func TestKillAtEachStep(t *testing.T) {
	if testing.Short() {
		t.Skip("builds several indexes per step")
	}
	for _, step := range index.CrashSteps {
		t.Run(step, func(t *testing.T) {
			seeds, dir := t.TempDir(), t.TempDir()
			writeCorpus(t, seeds, 160, 0)
			// Three generations, so that the fourth collects the first
			// (three are kept) and its shards.
			for v := range 3 {
				if v > 0 {
					writeCorpus(t, seeds, 16*v, v)
				}
				if err := run(context.Background(), []string{"-seeds", seeds, "-index", dir}, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
					t.Fatal(err)
				}
			}
			before, err := index.Current(dir)
			if err != nil {
				t.Fatal(err)
			}
			writeCorpus(t, seeds, 48, 3)
			cmd := child(seeds, dir)
			cmd.Env = append(cmd.Env, "NEWSEARCH_CRASH_AT="+step)
			out, err := cmd.CombinedOutput()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("indexer was to be killed at %s: %v\n%s", step, err, out)
			}
			// The directory serves a whole generation: the one before or
			// the new one.
			after, err := index.Current(dir)
			if err != nil {
				t.Fatalf("after a kill at %s: %v", step, err)
			}
			if after.Number != before.Number && after.Number != before.Number+1 {
				t.Fatalf("after a kill at %s: generation %d, before %d", step, after.Number, before.Number)
			}
			take(t, dir)

			out, err = child(seeds, dir).CombinedOutput()
			if err != nil {
				t.Fatalf("run after a kill at %s: %v\n%s", step, err, out)
			}
			if left := leftovers(t, dir); len(left) > 0 {
				t.Errorf("left after the next run: %v", left)
			}
			clean := t.TempDir()
			if err := run(context.Background(), []string{"-seeds", seeds, "-index", clean}, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
				t.Fatal(err)
			}
			if got, want := take(t, dir), take(t, clean); !equal(got, want) {
				t.Fatalf("index after a kill at %s differs from a clean build\n%s", step, out)
			}
			// Every shard directory left is one a kept generation names.
			named := map[string]bool{}
			gens, _ := filepath.Glob(filepath.Join(dir, "gen-*.json"))
			for _, g := range gens {
				b, _ := os.ReadFile(g)
				for _, s := range strings.Split(string(b), `"name":"`)[1:] {
					named[s[:strings.IndexByte(s, '"')]] = true
				}
			}
			shards, _ := os.ReadDir(filepath.Join(dir, "shards"))
			for _, s := range shards {
				if !strings.HasPrefix(s.Name(), ".") && !named[s.Name()] {
					t.Errorf("shard %s is in no kept generation", s.Name())
				}
			}
		})
	}
}

// mountTmpfs mounts a tmpfs of size bytes on a new directory, or skips the
// test saying why it cannot.
func mountTmpfs(t *testing.T, size int64) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("skipped: a full disk is made with a small tmpfs, which needs root")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+itoa64(size), "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("skipped: cannot mount a tmpfs (%v: %s)", err, bytes.TrimSpace(out))
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	return dir
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// TestDiskFull runs the indexer out of disk space half-way through a
// build: it fails with an error that says so, the served generation is
// untouched, and once there is room again the next run succeeds.
func TestDiskFull(t *testing.T) {
	if testing.Short() {
		t.Skip("builds indexes")
	}
	mnt := mountTmpfs(t, 3<<20)
	dir := filepath.Join(mnt, "index")
	seeds := t.TempDir()
	writeCorpus(t, seeds, 100, 0)
	if err := run(context.Background(), []string{"-seeds", seeds, "-index", dir}, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatalf("first build in 3 MB: %v", err)
	}
	before := take(t, dir)
	gen, _ := index.Current(dir)

	writeCorpus(t, seeds, 3000, 1) // needs far more than is left
	cmd := child(seeds, dir)
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("a build larger than the disk succeeded:\n%s", out)
	}
	if !bytes.Contains(out, []byte("no space left on device")) || !bytes.Contains(out, []byte("disk")) {
		t.Errorf("the error does not say the disk is full:\n%s", out)
	}
	if g, err := index.Current(dir); err != nil || g.Number != gen.Number {
		t.Fatalf("served generation changed by a failed build: %v %v", g, err)
	}
	if got := take(t, dir); !equal(got, before) {
		t.Fatal("served generation differs after a failed build")
	}
	if left := leftovers(t, dir); len(left) > 0 {
		t.Errorf("a failed build left %v", left)
	}

	if out, err := exec.Command("mount", "-o", "remount,size=256m", mnt).CombinedOutput(); err != nil {
		t.Fatalf("remount: %v %s", err, out)
	}
	if out, err := child(seeds, dir).CombinedOutput(); err != nil {
		t.Fatalf("run with room again: %v\n%s", err, out)
	}
	if got := take(t, dir); len(got.seeds) != 3000 {
		t.Errorf("%d seeds indexed after the disk was freed", len(got.seeds))
	}
}

// TestFailureIsALogLine: once the log is set up, a failure is written in
// the log's format (a JSON line with -log-format json), once, and the exit
// status is 1.
func TestFailureIsALogLine(t *testing.T) {
	cmd := child(t.TempDir(), t.TempDir())
	cmd.Env = append(cmd.Env, "INDEXER_CHILD_ARGS="+strings.Join([]string{"-seeds", t.TempDir(), "-index", t.TempDir(), "-log-format", "json"}, "\x1f"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("exit: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, "{") || !strings.Contains(last, `"level":"ERROR"`) || !strings.Contains(last, "nothing could be indexed") {
		t.Errorf("the failure is not a JSON log line:\n%s", stderr.String())
	}
	if strings.Contains(stderr.String(), "indexer: nothing") {
		t.Errorf("the failure is printed twice:\n%s", stderr.String())
	}
}
