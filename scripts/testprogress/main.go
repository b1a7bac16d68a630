// Command testprogress turns `go test -json` into a short progress report: one line per package
// as it finishes (tests passed, failed and skipped, and its time), a "still running" line every
// 30 s while packages are slow, the full output of every failed test, and a total at the end.
// It exits 1 when any test or build failed.
//
//	go test -json ./... | go run ./scripts/testprogress
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

// module is stripped from package paths to keep lines short.
const module = "github.com/novitalabs/terraform-provider-novita/"

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action     string
	Package    string
	ImportPath string // build-output and build-fail events
	Test       string
	Elapsed    float64
	Output     string
}

// pkgState is what is known of one package so far.
type pkgState struct {
	passed, failed, skipped int
	output                  map[string][]string // per test ("" for the package), dropped when it passes
}

type report struct {
	mu       sync.Mutex
	w        io.Writer
	start    time.Time
	pkgs     map[string]*pkgState
	running  []string // packages started and not finished, in start order
	builds   map[string][]string
	done     int
	noTests  int
	total    pkgState
	anyError bool
}

func main() {
	r := newReport(os.Stdout)
	ticker := time.NewTicker(30 * time.Second)
	defer ticker.Stop()
	go func() {
		for range ticker.C {
			r.stillRunning()
		}
	}()
	if !r.read(os.Stdin) {
		os.Exit(1)
	}
}

func newReport(w io.Writer) *report {
	return &report{w: w, start: time.Now(), pkgs: map[string]*pkgState{}, builds: map[string][]string{}}
}

// read consumes the stream and prints the summary; it reports whether everything passed.
func (r *report) read(in io.Reader) bool {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var ev event
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &ev) != nil {
			r.mu.Lock()
			fmt.Fprintln(r.w, string(line)) // not an event (a go command message): pass it on
			r.mu.Unlock()
			continue
		}
		r.handle(ev)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := sc.Err(); err != nil {
		fmt.Fprintln(r.w, "testprogress: reading go test -json:", err)
		r.anyError = true
	}
	status := "PASS"
	if r.anyError || r.total.failed > 0 {
		status = "FAIL"
	}
	fmt.Fprintf(r.w, "%s: %s, %s passed, %d failed, %d skipped in %s",
		status, plural(r.done, "package"), plural(r.total.passed, "test"), r.total.failed, r.total.skipped, time.Since(r.start).Round(time.Second))
	if r.noTests > 0 {
		fmt.Fprintf(r.w, " (%s without tests)", plural(r.noTests, "package"))
	}
	fmt.Fprintln(r.w)
	return status == "PASS"
}

func (r *report) handle(ev event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch ev.Action {
	case "build-output":
		r.builds[ev.ImportPath] = append(r.builds[ev.ImportPath], ev.Output)
		return
	case "build-fail":
		fmt.Fprint(r.w, strings.Join(r.builds[ev.ImportPath], ""))
		r.anyError = true
		return
	}
	p := r.pkgs[ev.Package]
	if p == nil {
		p = &pkgState{output: map[string][]string{}}
		r.pkgs[ev.Package] = p
		r.running = append(r.running, ev.Package)
	}
	topLevel := ev.Test != "" && !strings.Contains(ev.Test, "/")
	switch ev.Action {
	case "output":
		p.output[ev.Test] = append(p.output[ev.Test], ev.Output)
	case "pass", "skip":
		if ev.Test == "" {
			r.finish(ev, p)
		} else if topLevel && ev.Action == "pass" {
			p.passed++
		} else if topLevel {
			p.skipped++
		}
		if ev.Test != "" {
			delete(p.output, ev.Test)
		}
	case "fail":
		if ev.Test == "" {
			r.finish(ev, p)
			return
		}
		if topLevel {
			p.failed++
		}
		fmt.Fprint(r.w, strings.Join(p.output[ev.Test], ""))
		delete(p.output, ev.Test)
	}
}

// finish prints a package's line. A failed package also shows the output nobody claimed yet: that
// of tests that never finished (a panic, a timeout) and its own.
func (r *report) finish(ev event, p *pkgState) {
	r.running = slices.DeleteFunc(r.running, func(s string) bool { return s == ev.Package })
	name := strings.TrimPrefix(ev.Package, module)
	if ev.Action == "skip" && p.passed+p.failed+p.skipped == 0 {
		r.noTests++ // "[no test files]"
		return
	}
	r.done++
	r.total.passed += p.passed
	r.total.failed += p.failed
	r.total.skipped += p.skipped
	verdict := "ok  "
	if ev.Action == "fail" {
		verdict = "FAIL"
		r.anyError = true
		for _, t := range slices.Sorted(maps.Keys(p.output)) {
			if t != "" {
				fmt.Fprint(r.w, strings.Join(p.output[t], ""))
			}
		}
		fmt.Fprint(r.w, strings.Join(p.output[""], ""))
	}
	counts := fmt.Sprintf("%d passed", p.passed)
	if p.failed > 0 {
		counts += fmt.Sprintf(", %d failed", p.failed)
	}
	if p.skipped > 0 {
		counts += fmt.Sprintf(", %d skipped", p.skipped)
	}
	fmt.Fprintf(r.w, "%s %-34s %-30s %6.1fs\n", verdict, name, counts, ev.Elapsed)
}

// stillRunning names the packages that have not finished yet, with their counts so far.
func (r *report) stillRunning() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.running) == 0 {
		return
	}
	var parts []string
	for _, name := range r.running {
		p := r.pkgs[name]
		parts = append(parts, fmt.Sprintf("%s (%d passed so far)", strings.TrimPrefix(name, module), p.passed))
	}
	fmt.Fprintf(r.w, "     still running after %s: %s\n", time.Since(r.start).Round(time.Second), strings.Join(parts, ", "))
}

// plural writes "1 package" or "2 packages".
func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
