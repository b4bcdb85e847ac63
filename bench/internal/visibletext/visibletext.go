// Package visibletext turns a web page into the text a person gets by
// saving it from a browser as text: the page's visible text with long
// lines unwrapped. It runs w3m (Debian package w3m) with a very wide
// screen so that no paragraph is wrapped, and keeps the results in a
// cache folder so that repeated evaluations do not run w3m again.
package visibletext

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// ErrNoW3m is returned when the w3m program is not installed.
var ErrNoW3m = errors.New("w3m not found (apt-get install -y w3m)")

// Available reports whether w3m is installed.
func Available() bool {
	_, err := exec.LookPath("w3m")
	return err == nil
}

// version tags the cache: a change of the command line makes new entries.
const version = "w3m-dump-cols10000-v1"

// timeout bounds one page: w3m is fast, a page that hangs it is skipped.
const timeout = 30 * time.Second

// Dump returns the visible text of page (HTML in any charset: w3m reads the
// page's declared charset and writes UTF-8). When cacheDir is not empty the
// text is read from and written to a file there named by the page's hash.
func Dump(page []byte, cacheDir string) (string, error) {
	var path string
	if cacheDir != "" {
		h := sha256.Sum256(append([]byte(version+"\x00"), page...))
		path = filepath.Join(cacheDir, hex.EncodeToString(h[:16])+".txt")
		if b, err := os.ReadFile(path); err == nil {
			return string(b), nil
		}
	}
	if !Available() {
		return "", ErrNoW3m
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "w3m", "-dump", "-cols", "10000", "-T", "text/html", "-O", "UTF-8", "-o", "display_link_number=0")
	cmd.Stdin = bytes.NewReader(page)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("w3m: %w: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	if path != "" {
		if err := os.MkdirAll(cacheDir, 0o755); err != nil {
			return "", err
		}
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, out.Bytes(), 0o644); err != nil {
			return "", err
		}
		if err := os.Rename(tmp, path); err != nil {
			return "", err
		}
	}
	return out.String(), nil
}
