package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// pgServer is a throw-away PostgreSQL cluster under the work folder,
// listening on a free loopback port only.
type pgServer struct {
	dsn     string
	version string
	startup time.Duration // initdb to ready
	cmd     *exec.Cmd
}

// pgBinDir finds the server programs: pg_config's bindir, else the folder
// of initdb on the PATH.
func pgBinDir() (string, error) {
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		dir := strings.TrimSpace(string(out))
		if _, err := os.Stat(filepath.Join(dir, "postgres")); err == nil {
			return dir, nil
		}
	}
	p, err := exec.LookPath("initdb")
	if err != nil {
		return "", errors.New("PostgreSQL server not installed (apt-get install -y postgresql)")
	}
	if real, err := filepath.EvalSymlinks(p); err == nil {
		p = real
	}
	return filepath.Dir(p), nil
}

// startPG initialises a cluster in out/pg and starts it on 127.0.0.1.
// As root, it runs as the postgres user (initdb refuses root).
func startPG(ctx context.Context, out, logs string) (*pgServer, error) {
	start := time.Now()
	bin, err := pgBinDir()
	if err != nil {
		return nil, err
	}
	root, err := filepath.Abs(filepath.Join(out, "pg"))
	if err != nil {
		return nil, err
	}
	data := filepath.Join(root, "data")
	if err := os.RemoveAll(root); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(data, 0o700); err != nil {
		return nil, err
	}
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, errors.New("running as root and there is no postgres user to run the server as")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		for _, d := range []string{root, data} {
			if err := os.Chown(d, uid, gid); err != nil {
				return nil, err
			}
		}
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	as := func(cmd *exec.Cmd) *exec.Cmd {
		if cred != nil {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		}
		return cmd
	}
	initdb := as(exec.CommandContext(ctx, filepath.Join(bin, "initdb"), "-D", data, "-U", "bench",
		"--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"))
	if b, err := initdb.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb: %w: %s", err, lastLines(string(b), 5))
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(logs, "postgres.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	// Settings of a bulk-loading installation; durability (fsync) stays on.
	// The server lives through every size, so nothing may run in its
	// background while the next system indexes: no autovacuum (the load
	// runs ANALYZE itself) and no timed checkpoints (the WAL of a load
	// stays under max_wal_size; shutdown checkpoints).
	cmd := as(exec.Command(filepath.Join(bin, "postgres"), "-D", data, "-p", strconv.Itoa(port),
		"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="+data,
		"-c", "shared_buffers=256MB", "-c", "maintenance_work_mem=512MB", "-c", "max_wal_size=4GB",
		"-c", "work_mem=16MB", "-c", "max_connections=30",
		"-c", "autovacuum=off", "-c", "checkpoint_timeout=1d"))
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &pgServer{cmd: cmd, dsn: fmt.Sprintf("postgres://bench@127.0.0.1:%d/postgres?sslmode=disable", port)}
	ready := filepath.Join(bin, "pg_isready")
	for {
		if exec.CommandContext(ctx, ready, "-q", "-h", "127.0.0.1", "-p", strconv.Itoa(port), "-U", "bench").Run() == nil {
			break
		}
		if time.Since(start) > time.Minute || ctx.Err() != nil {
			s.stop()
			return nil, fmt.Errorf("not ready after %s (see %s)", time.Since(start).Round(time.Second), logPath)
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.startup = time.Since(start)
	if b, err := exec.Command(filepath.Join(bin, "postgres"), "--version").Output(); err == nil {
		s.version = strings.TrimSpace(string(b))
	}
	return s, nil
}

// stop shuts the server down (fast shutdown) and waits for it.
func (s *pgServer) stop() {
	if s == nil || s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGINT)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		<-done
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
