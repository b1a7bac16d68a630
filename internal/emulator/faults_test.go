package emulator_test

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
)

const storageCreatePath = v1 + "/networkstorage/create"

// createStorageRaw posts a storage create and returns the status (0 when the connection was
// dropped without an answer).
func (h *harness) createStorageRaw(name string) (status int, retryAfter string) {
	h.t.Helper()
	req, _ := http.NewRequest("POST", h.url+storageCreatePath,
		strings.NewReader(mustJSON(map[string]any{"clusterId": "us-dallas-1", "storageName": name, "storageSize": 10})))
	req.Header.Set("Authorization", "Bearer "+keyA)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, ""
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Retry-After")
}

// TestFaultKinds: each kind of fault answers as it says and acts (or not) as it says.
func TestFaultKinds(t *testing.T) {
	for _, tc := range []struct {
		name     string
		rule     emulator.FaultRule
		statuses []int // of two requests in a row
		made     int   // storages that exist afterwards
		stat     func(emulator.FaultStats) int
	}{
		{"5xx without acting", emulator.FaultRule{Error: 1}, nil, 0, func(s emulator.FaultStats) int { return s.Errors }},
		{"429 with Retry-After", emulator.FaultRule{RateLimit: 1, RetryAfter: 3}, []int{429, 429}, 0, func(s emulator.FaultStats) int { return s.RateLimited }},
		{"dropped without acting", emulator.FaultRule{Drop: 1}, []int{0, 0}, 0, func(s emulator.FaultStats) int { return s.Dropped }},
		{"acted then failed", emulator.FaultRule{ActedThenFail: 1}, []int{502, 0}, 2, func(s emulator.FaultStats) int { return s.ActedThenFailed }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, emulator.Options{})
			tc.rule.Path = storageCreatePath
			h.emu.SetFaultPlan(emulator.FaultPlan{Seed: 1, Rules: []emulator.FaultRule{tc.rule}})
			var got []int
			for _, name := range []string{"a", "b"} {
				status, retryAfter := h.createStorageRaw(name)
				got = append(got, status)
				if status == 429 && retryAfter != "3" {
					t.Errorf("429 with Retry-After %q, want 3", retryAfter)
				}
				if tc.statuses == nil && status != 500 && status != 502 && status != 503 {
					t.Errorf("status %d, want 500, 502 or 503", status)
				}
			}
			if tc.statuses != nil && !reflect.DeepEqual(got, tc.statuses) {
				t.Errorf("statuses %v, want %v (0: dropped)", got, tc.statuses)
			}
			if n := h.emu.Counts().CloudStorages; n != tc.made {
				t.Errorf("%d storages exist, want %d", n, tc.made)
			}
			if s := h.emu.FaultStats(); tc.stat(s) != 2 || s.Matched != 2 {
				t.Errorf("stats %+v, want 2 of this kind out of 2", s)
			}
			// Reads are never "acted then failed", and other paths are not matched.
			mustOK(t, h.get(v1+"/networkstorages/list", keyA))
			if s := h.emu.FaultStats(); s.Matched != 2 {
				t.Errorf("a list was matched by a rule for %s: %+v", storageCreatePath, s)
			}
		})
	}
}

// TestFaultLatency: latency delays matched requests by a draw up to the rule's bound, and only
// them; the total is reported.
func TestFaultLatency(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	h.emu.SetFaultPlan(emulator.FaultPlan{Seed: 3, Rules: []emulator.FaultRule{{Method: "GET", Latency: 20 * time.Millisecond}}})
	for range 10 {
		mustOK(t, h.get(v1+"/clusters", keyA))
	}
	h.createStorageRaw("not-delayed")
	s := h.emu.FaultStats()
	if s.Matched != 10 || s.Delay <= 0 || s.Delay > 10*20*time.Millisecond {
		t.Errorf("stats %+v, want 10 matched with a total delay in (0, 200ms]", s)
	}
}

// TestFaultPlanIsDeterministic: the same seed gives the same faults to the same sequence of
// requests; another seed gives others; the fractions are about what the plan says.
func TestFaultPlanIsDeterministic(t *testing.T) {
	run := func(seed uint64) []int {
		h := newHarness(t, emulator.Options{})
		h.emu.SetFaultPlan(emulator.FaultPlan{Seed: seed, Rules: []emulator.FaultRule{{Method: "GET", Error: 0.3, RateLimit: 0.1}}})
		var statuses []int
		for range 200 {
			statuses = append(statuses, h.get(v1+"/clusters", keyA).status)
		}
		return statuses
	}
	a, b, other := run(42), run(42), run(43)
	if !reflect.DeepEqual(a, b) {
		t.Error("the same seed gave different faults")
	}
	if reflect.DeepEqual(a, other) {
		t.Error("another seed gave the same faults")
	}
	failed, limited := 0, 0
	for _, s := range a {
		switch {
		case s == 429:
			limited++
		case s >= 500:
			failed++
		}
	}
	if failed < 40 || failed > 80 || limited < 8 || limited > 35 {
		t.Errorf("%d errors and %d rate limits in 200 requests, want about 60 and 20", failed, limited)
	}
}

// TestFaultRulesPerRouteAndGlobal: the first matching rule applies; a prefix rule covers its
// routes and a rule without a path covers the rest.
func TestFaultRulesPerRouteAndGlobal(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	h.emu.SetFaultPlan(emulator.FaultPlan{Rules: []emulator.FaultRule{
		{Path: v1 + "/networkstorage*", Error: 1},
		{Method: "GET", Path: v1 + "/clusters"}, // matched, no fault: shields it from the rule below
		{RateLimit: 1},
	}})
	if status, _ := h.createStorageRaw("x"); status < 500 {
		t.Errorf("storage create: %d, want 5xx", status)
	}
	mustOK(t, h.get(v1+"/clusters", keyA))
	if r := h.get(v1+"/repository/auths", keyA); r.status != 429 {
		t.Errorf("credential list: %d, want 429 from the global rule", r.status)
	}
	h.emu.SetFaultPlan(emulator.FaultPlan{})
	mustOK(t, h.get(v1+"/repository/auths", keyA))
}

func TestParseFaultPlan(t *testing.T) {
	p, err := emulator.ParseFaultPlan("seed=7,error=0.1,429=0.05,retry-after=2,acted=0.05,latency=20ms; method=post,path=/v1/*,drop=0.5")
	want := emulator.FaultPlan{Seed: 7, Rules: []emulator.FaultRule{
		{Error: 0.1, RateLimit: 0.05, RetryAfter: 2, ActedThenFail: 0.05, Latency: 20 * time.Millisecond},
		{Method: "POST", Path: "/v1/*", Drop: 0.5},
	}}
	if err != nil || !reflect.DeepEqual(p, want) {
		t.Errorf("emulator.ParseFaultPlan = %+v, %v; want %+v", p, err, want)
	}
	for spec, fragment := range map[string]string{
		"error=2":            "between 0 and 1",
		"error=0.6,drop=0.6": "more than 1",
		"latency=fast":       "duration",
		"colour=red":         "unknown key",
		"error":              "not key=value",
		"retry-after=-1":     "whole seconds",
		"seed=x,error=0.1":   "seed",
	} {
		if _, err := emulator.ParseFaultPlan(spec); err == nil || !strings.Contains(err.Error(), fragment) {
			t.Errorf("emulator.ParseFaultPlan(%q) = %v, want an error containing %q", spec, err, fragment)
		}
	}
}
