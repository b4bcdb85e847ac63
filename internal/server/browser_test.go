package server

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// press presses keys the way a person does: a keydown that carries the
// text, then a keyup. A script that cancels the keydown (the / shortcut)
// thereby also cancels the typing, as in a real browser; chromedp's
// KeyEvent types the text with a separate char event that cannot be
// cancelled.
func press(keys string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for _, r := range keys {
			events := kb.Encode(r)
			var text string
			for _, k := range events {
				if k.Type == kb.KeyChar {
					text = k.Text
				}
			}
			for _, k := range events {
				if k.Type == kb.KeyChar {
					continue
				}
				if k.Type == kb.KeyDown {
					k.Text, k.UnmodifiedText = text, text
				}
				if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, *k); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// findBrowser returns the Chromium or Chrome to drive. Without one the
// test is skipped, unless CI is set: there a missing browser is a failure.
func findBrowser(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	const how = "no Chromium or Chrome on PATH: install one (Debian/Ubuntu: apt-get install -y chromium) to run the browser test"
	if os.Getenv("CI") != "" {
		t.Fatal(how)
	}
	t.Skip(how)
	return ""
}

// axeVersion is the axe-core release the accessibility audit runs (.ci/run
// fetches it from the npm registry into .cache/axe-core).
const axeVersion = "4.14.1"

// findAxe returns the source of axe-core's axe.min.js: from $NEWSEARCH_AXE
// (a path), else the repository's .cache/axe-core/ as .ci/run leaves it.
// "" and why when there is none: the audit is then skipped.
func findAxe() (string, string) {
	paths := []string{os.Getenv("NEWSEARCH_AXE"), filepath.Join("..", "..", ".cache", "axe-core", "package", "axe.min.js")}
	for _, p := range paths {
		if p == "" {
			continue
		}
		if b, err := os.ReadFile(p); err == nil {
			return string(b), ""
		}
	}
	return "", "axe-core not found: run .ci/run, or `npm pack axe-core@" + axeVersion +
		" --pack-destination .cache/axe-core && tar -xzf .cache/axe-core/axe-core-" + axeVersion + ".tgz -C .cache/axe-core`, or set NEWSEARCH_AXE to an axe.min.js"
}

// axeRun runs axe-core on the page (injected by the test, not by the page:
// DevTools evaluation is not bound by the page's CSP) and returns its
// violations, one line each.
const axeRun = `axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v =>
	v.id + ' (' + v.impact + '): ' + v.help + ' at ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')))`

// consoleLog collects what the pages write to the console: script errors
// and CSP violations must not happen.
type consoleLog struct {
	mu   sync.Mutex
	msgs []chromedp.ConsoleMessage
}

func (c *consoleLog) collect(ctx context.Context) {
	for m, err := range chromedp.Console(ctx) {
		if err != nil {
			return
		}
		c.mu.Lock()
		c.msgs = append(c.msgs, m)
		c.mu.Unlock()
	}
}

// problems returns the messages that show a broken page: exceptions,
// console errors and security (CSP) entries. Failed loads are left out:
// the malformed query is answered 400 on purpose.
func (c *consoleLog) problems() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, m := range c.msgs {
		if m.Source == "network" {
			continue
		}
		if m.IsException() || m.Type == chromedp.ConsoleError || m.Source == "security" ||
			strings.Contains(m.Text, "Content Security Policy") {
			out = append(out, m.String())
		}
	}
	return out
}

// TestBrowserSearch drives a real headless Chromium through the page:
// the / key, a phrase query submitted with Enter, the next page, an
// article opened at its hit, search as you type, j/k navigation and a
// malformed query. It saves full-page screenshots as test artifacts (run
// with -artifacts -outputdir=DIR to keep them).
func TestBrowserSearch(t *testing.T) {
	exe := findBrowser(t)
	srv := newPageServer(t, nil)
	shots := t.ArtifactDir()

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// Chromium's helpers may write to the profile for a moment after it
	// exits: remove it with a few retries rather than with t.TempDir.
	profile, err := os.MkdirTemp("", "newsearch-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for range 50 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox, // tests may run as root
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
	)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	defer bcancel()

	var console consoleLog
	cctx, ccancel := context.WithCancel(bctx)
	defer ccancel()
	if err := chromedp.Do(bctx); err != nil { // start the browser
		t.Fatal(err)
	}
	go console.collect(cctx)

	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	// navigate runs steps that load a page and checks its status.
	navigate := func(what string, status int, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		resp, err := chromedp.RunResponse(bctx, steps...)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if int(resp.Status) != status {
			t.Fatalf("%s: status %d, want %d", what, resp.Status, status)
		}
	}
	eval := func(expr string) any {
		t.Helper()
		v, err := chromedp.Run(bctx, chromedp.Evaluate[any](expr))
		if err != nil {
			t.Fatalf("evaluate %s: %v", expr, err)
		}
		return v
	}
	str := func(expr string) string {
		t.Helper()
		s, _ := eval(expr).(string)
		return s
	}
	location := func() string {
		t.Helper()
		loc, err := chromedp.Run(bctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		return loc
	}
	axeJS, noAxe := findAxe()
	audited := 0
	// audit runs the accessibility audit on the page shown: no violation
	// of the rules axe-core checks by default (WCAG 2 A and AA and best
	// practices).
	audit := func(name string) {
		t.Helper()
		if axeJS == "" {
			return
		}
		if _, err := chromedp.Run(bctx, chromedp.Evaluate[any](axeJS+";0")); err != nil {
			t.Fatalf("inject axe-core on %s: %v", name, err)
		}
		v, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](axeRun, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("axe on %s: %v", name, err)
		}
		audited++
		for _, line := range v {
			t.Errorf("accessibility of %s: %s", name, line)
		}
	}
	defer func() {
		t.Run("accessibility audit", func(t *testing.T) {
			if axeJS == "" {
				t.Skip(noAxe)
			}
			t.Logf("axe-core %s audited %d pages", axeVersion, audited)
		})
	}()
	screenshot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		path := filepath.Join(shots, name)
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", path)
	}

	// The start page: the box has the focus; / gives it back.
	navigate("start page", http.StatusOK, chromedp.Navigate(srv.URL+"/"))
	// Autofocus applies once the page has rendered: wait for it (a busy
	// machine renders late) rather than read the focus at once.
	if _, err := chromedp.Run(bctx, chromedp.Poll[bool](`document.activeElement && document.activeElement.id === 'q'`,
		chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		t.Fatalf("the box does not have the focus on the start page: %q (%v)", str(`document.activeElement && document.activeElement.id`), err)
	}
	screenshot("start.png")
	audit("start")
	if hidden, _ := eval(`document.querySelector('footer .keys').hidden`).(bool); hidden {
		t.Error("the script did not run: the key legend is still hidden")
	}
	eval(`document.activeElement.blur()`)
	do("press /", press("/"))
	if id := str(`document.activeElement && document.activeElement.id`); id != "q" {
		t.Fatalf("the / key does not focus the box: %q", id)
	}
	if v := str(`document.getElementById('q').value`); v != "" {
		t.Fatalf("the / key was typed into the box: %q", v)
	}

	// A phrase query, submitted with Enter.
	const phrase = `"critical infrastructure"`
	do("type the query", chromedp.SendKeys(chromedp.CSS("#q"), phrase))
	navigate("submit the query", http.StatusOK, press(kb.Enter))
	do("wait for results", chromedp.WaitVisible(chromedp.CSS(".results .snippet mark")))
	if loc := location(); !strings.Contains(loc, "q=%22critical+infrastructure%22") {
		t.Errorf("the query is not in the URL: %s", loc)
	}
	if n := str(`String(document.querySelectorAll('.results .result').length)`); n != "10" {
		t.Errorf("%s results on the first page, want 10", n)
	}
	if m := str(`document.querySelector('.results .snippet mark').textContent.toLowerCase()`); m != "critical infrastructure" {
		t.Errorf("first highlight %q", m)
	}
	screenshot("results.png")
	audit("results")

	// j/k move between the results; the arrow keys too, once in them.
	eval(`document.activeElement.blur()`)
	do("press j j k", press("jjk"))
	if i := str(`String([...document.querySelectorAll('.results .rtitle a')].indexOf(document.activeElement))`); i != "0" {
		t.Errorf("after j j k the focus is on result %s, want 0", i)
	}
	do("press down", press(kb.ArrowDown))
	if i := str(`String([...document.querySelectorAll('.results .rtitle a')].indexOf(document.activeElement))`); i != "1" {
		t.Errorf("after the down arrow the focus is on result %s, want 1", i)
	}

	// The next page.
	navigate("next page", http.StatusOK, chromedp.Click(chromedp.CSS(`a[rel="next"]`)))
	do("wait for page 2", chromedp.WaitVisible(chromedp.CSS(`.pages a[aria-current="page"]`)))
	if loc := location(); !strings.Contains(loc, "page=2") || !strings.Contains(loc, "q=%22critical+infrastructure%22") {
		t.Errorf("next page URL %s", loc)
	}
	if cur := str(`document.querySelector('.pages a[aria-current="page"]').textContent`); cur != "2" {
		t.Errorf("current page %q", cur)
	}

	// An article opened from a result: at its hit paragraph, in view.
	navigate("open an article", http.StatusOK, chromedp.Click(chromedp.CSS(".results .rtitle a")))
	do("wait for the article", chromedp.WaitVisible(chromedp.CSS(".article p.hit")))
	hash := str(`location.hash`)
	if !strings.HasPrefix(hash, "#p") {
		t.Fatalf("the article URL has no paragraph anchor: %s", location())
	}
	// The browser scrolls to the fragment once the page has laid out.
	inView := `(() => {
		const p = document.getElementById(location.hash.slice(1));
		if (!p) return false;
		const r = p.getBoundingClientRect();
		return r.top >= 0 && r.bottom <= window.innerHeight;
	})()`
	if _, err := chromedp.Run(bctx, chromedp.Poll[bool](inView, chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		t.Errorf("the hit paragraph %s is not scrolled into view: %v", hash, err)
	}
	if cls := str(`document.getElementById(location.hash.slice(1)).className`); cls != "hit" {
		t.Errorf("the target paragraph %s has class %q, want hit", hash, cls)
	}
	if y := eval(`window.scrollY`); y == float64(0) {
		t.Errorf("the article did not scroll to %s", hash)
	}
	if n := str(`String(document.querySelectorAll('.article p.hit').length)`); n == "0" {
		t.Error("no hit paragraphs")
	}
	screenshot("article.png")
	audit("article")

	// Search as you type: the results follow the box without a page load.
	navigate("back to the search", http.StatusOK, chromedp.Click(chromedp.CSS(".back a")))
	eval(`window.__sameDocument = true`)
	eval(`document.getElementById('q').value = ''`)
	do("retype the query", chromedp.SendKeys(chromedp.CSS("#q"), "espionage"))
	swapped := `location.search === '?q=espionage' && !!document.querySelector('.results .snippet mark') &&
		document.querySelector('.results .snippet mark').textContent.toLowerCase() === 'espionage'`
	if _, err := chromedp.Run(bctx, chromedp.Poll[bool](swapped, chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		t.Errorf("typing does not update the results: %v (at %s)", err, location())
	}
	if same, _ := eval(`window.__sameDocument === true`).(bool); !same {
		t.Error("search as you type reloaded the page")
	}
	if title := str(`document.title`); title != "espionage · newsearch" {
		t.Errorf("title after typing %q", title)
	}

	// A malformed query: the error next to the box, at its column.
	eval(`document.getElementById('q').value = ''`)
	do("type a malformed query", chromedp.SendKeys(chromedp.CSS("#q"), `"unclosed`))
	navigate("submit the malformed query", http.StatusBadRequest, press(kb.Enter))
	do("wait for the error", chromedp.WaitVisible(chromedp.CSS("#qerror")))
	msg := str(`document.getElementById('qerror').textContent`)
	for _, want := range []string{"unbalanced quote", "(column 1)"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the error next to the box lacks %q: %q", want, msg)
		}
	}
	if at := str(`document.querySelector('#qerror mark.at').textContent`); at != `"` {
		t.Errorf("the error points at %q, want the quote", at)
	}
	if v := str(`document.getElementById('q').value`); v != `"unclosed` {
		t.Errorf("the box lost the query: %q", v)
	}
	// The error sits by the box: within the header, above the fold.
	if ok, _ := eval(`(() => {
		const e = document.getElementById('qerror').getBoundingClientRect();
		const b = document.getElementById('q').getBoundingClientRect();
		return e.top >= b.bottom && e.top - b.bottom < 100 && e.bottom <= window.innerHeight;
	})()`).(bool); !ok {
		t.Error("the error is not next to the box")
	}
	screenshot("error.png")
	audit("error")

	// Very few results with all the words: those with some follow, under
	// their heading, and j moves on into them.
	navigate("partial results", http.StatusOK, chromedp.Navigate(srv.URL+"/?q=drill+3"))
	if n := eval(`document.querySelectorAll('ol.partial li.result').length`); n == float64(0) || n == nil {
		t.Errorf("no partial results shown (%v)", n)
	}
	if h := str(`(() => { const h = document.querySelector('h2.partial'); const r = h && h.getBoundingClientRect();
		return r && r.height > 0 && getComputedStyle(h).display !== 'none' ? h.textContent : ''; })()`); !strings.Contains(h, "have some of them") {
		t.Errorf("partial heading not visible: %q", h)
	}
	screenshot("partial.png")
	audit("partial")

	navigate("help page", http.StatusOK, chromedp.Navigate(srv.URL+"/help"))
	screenshot("help.png")
	audit("help")
	if axeJS != "" {
		// The audit finds what it should: an image without text.
		eval(`document.body.appendChild(document.createElement('img'))`)
		v, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](axeRun, chromedp.EvalAwaitPromise))
		if err != nil || !strings.Contains(strings.Join(v, "\n"), "image-alt") {
			t.Errorf("axe-core misses an image without alt: %v %v", v, err)
		}
	}

	// The results on a phone, light and dark.
	do("phone viewport", chromedp.EmulateViewport(390, 844))
	navigate("results on a phone", http.StatusOK, chromedp.Navigate(srv.URL+"/?q=espionage+OR+%22critical+infrastructure%22&size=3"))
	if w := eval(`document.documentElement.scrollWidth <= window.innerWidth`); w != true {
		t.Error("the results page scrolls sideways on a phone")
	}
	screenshot("results-phone.png")
	audit("results phone")
	do("dark scheme", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}})
		return err
	}))
	screenshot("results-phone-dark.png")
	audit("results phone dark")

	// Without JavaScript the page works all the same: a plain GET form
	// and links.
	do("desktop viewport", chromedp.EmulateViewport(1280, 900))
	do("disable scripts", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
	navigate("start page without scripts", http.StatusOK, chromedp.Navigate(srv.URL+"/"))
	if hidden, _ := eval(`document.querySelector('footer .keys').hidden`).(bool); !hidden {
		t.Error("scripts still run: the key legend is shown")
	}
	do("type without scripts", chromedp.SendKeys(chromedp.CSS("#q"), phrase))
	navigate("submit without scripts", http.StatusOK, press(kb.Enter))
	do("results without scripts", chromedp.WaitVisible(chromedp.CSS(".results .snippet mark")))
	navigate("next page without scripts", http.StatusOK, chromedp.Click(chromedp.CSS(`a[rel="next"]`)))
	if loc := location(); !strings.Contains(loc, "page=2") {
		t.Errorf("next page without scripts: %s", loc)
	}

	if p := console.problems(); len(p) > 0 {
		t.Errorf("console problems:\n%s", strings.Join(p, "\n"))
	}
}
