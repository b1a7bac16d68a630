package main

import (
	"bytes"
	"strings"
	"testing"
)

// stream is a `go test -json` run in the shape cmd/test2json writes: a package that passes with a
// subtest and a skip, one with a failing test, one without tests, and a go command message.
const stream = `go: downloading example.com/x v1.0.0
{"Action":"start","Package":"github.com/novitalabs/terraform-provider-novita/internal/a"}
{"Action":"run","Package":"github.com/novitalabs/terraform-provider-novita/internal/a","Test":"TestOne"}
{"Action":"output","Package":"github.com/novitalabs/terraform-provider-novita/internal/a","Test":"TestOne","Output":"=== RUN   TestOne\n"}
{"Action":"run","Package":"github.com/novitalabs/terraform-provider-novita/internal/a","Test":"TestOne/sub"}
{"Action":"pass","Package":"github.com/novitalabs/terraform-provider-novita/internal/a","Test":"TestOne/sub","Elapsed":0}
{"Action":"pass","Package":"github.com/novitalabs/terraform-provider-novita/internal/a","Test":"TestOne","Elapsed":0.1}
{"Action":"skip","Package":"github.com/novitalabs/terraform-provider-novita/internal/a","Test":"TestSkipped","Elapsed":0}
{"Action":"start","Package":"github.com/novitalabs/terraform-provider-novita/internal/b"}
{"Action":"output","Package":"github.com/novitalabs/terraform-provider-novita/internal/b","Test":"TestBroken","Output":"    b_test.go:9: got 1, want 2\n"}
{"Action":"fail","Package":"github.com/novitalabs/terraform-provider-novita/internal/b","Test":"TestBroken","Elapsed":0.2}
{"Action":"output","Package":"github.com/novitalabs/terraform-provider-novita/internal/a","Output":"ok\n"}
{"Action":"pass","Package":"github.com/novitalabs/terraform-provider-novita/internal/a","Elapsed":1.5}
{"Action":"output","Package":"github.com/novitalabs/terraform-provider-novita/internal/b","Output":"FAIL\n"}
{"Action":"fail","Package":"github.com/novitalabs/terraform-provider-novita/internal/b","Elapsed":2}
{"Action":"start","Package":"github.com/novitalabs/terraform-provider-novita/cmd/none"}
{"Action":"output","Package":"github.com/novitalabs/terraform-provider-novita/cmd/none","Output":"?   \tcmd/none\t[no test files]\n"}
{"Action":"skip","Package":"github.com/novitalabs/terraform-provider-novita/cmd/none","Elapsed":0}
`

func TestReportCountsPackagesAndShowsFailures(t *testing.T) {
	var out bytes.Buffer
	if newReport(&out).read(strings.NewReader(stream)) {
		t.Error("a run with a failed test reported success")
	}
	got := out.String()
	for _, want := range []string{
		"go: downloading example.com/x v1.0.0\n",
		"b_test.go:9: got 1, want 2",
		"ok   internal/a",
		"1 passed, 1 skipped",
		"FAIL internal/b",
		"0 passed, 1 failed",
		"FAIL: 2 packages, 1 test passed, 1 failed, 1 skipped in",
		"(1 package without tests)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "=== RUN   TestOne") {
		t.Errorf("report shows the output of a passing test:\n%s", got)
	}
}

func TestReportPassesAndShowsBuildFailures(t *testing.T) {
	var out bytes.Buffer
	pass := `{"Action":"start","Package":"p"}
{"Action":"pass","Package":"p","Test":"TestA","Elapsed":0}
{"Action":"pass","Package":"p","Elapsed":0.1}
`
	if !newReport(&out).read(strings.NewReader(pass)) || !strings.Contains(out.String(), "PASS: 1 package, 1 test passed") {
		t.Errorf("a passing run:\n%s", out.String())
	}

	out.Reset()
	build := `{"ImportPath":"q [q.test]","Action":"build-output","Output":"q/q.go:3:1: syntax error\n"}
{"ImportPath":"q [q.test]","Action":"build-fail"}
{"Action":"start","Package":"q"}
{"Action":"output","Package":"q","Output":"FAIL\tq [build failed]\n"}
{"Action":"fail","Package":"q","Elapsed":0}
`
	if newReport(&out).read(strings.NewReader(build)) {
		t.Error("a build failure reported success")
	}
	if !strings.Contains(out.String(), "q/q.go:3:1: syntax error") || !strings.Contains(out.String(), "FAIL q") {
		t.Errorf("a build failure:\n%s", out.String())
	}
}

func TestReportShowsTheOutputOfATestThatNeverFinished(t *testing.T) {
	var out bytes.Buffer
	timeout := `{"Action":"start","Package":"p"}
{"Action":"run","Package":"p","Test":"TestHangs"}
{"Action":"output","Package":"p","Test":"TestHangs","Output":"panic: test timed out after 1s\n"}
{"Action":"output","Package":"p","Output":"FAIL\tp\t1.0s\n"}
{"Action":"fail","Package":"p","Elapsed":1}
`
	if newReport(&out).read(strings.NewReader(timeout)) {
		t.Error("a timed-out package reported success")
	}
	if !strings.Contains(out.String(), "panic: test timed out") {
		t.Errorf("the hanging test's output is missing:\n%s", out.String())
	}
}

func TestStillRunningNamesUnfinishedPackages(t *testing.T) {
	var out bytes.Buffer
	r := newReport(&out)
	r.handle(event{Action: "start", Package: module + "internal/slow"})
	r.handle(event{Action: "pass", Package: module + "internal/slow", Test: "TestA"})
	r.stillRunning()
	if !strings.Contains(out.String(), "internal/slow (1 passed so far)") {
		t.Errorf("still-running line: %q", out.String())
	}
	out.Reset()
	r.handle(event{Action: "pass", Package: module + "internal/slow"})
	r.stillRunning()
	if strings.Contains(out.String(), "still running") {
		t.Errorf("still-running line after every package finished: %q", out.String())
	}
}
