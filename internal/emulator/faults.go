package emulator

import (
	"context"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FaultPlan injects faults into a fraction of requests, as an unreliable network and API would:
// errors and rate limits that did nothing, dropped connections, added latency, and requests that
// were carried out although their answer says otherwise. It is deterministic: whether the n-th
// request to a route (method and path) meets a fault depends only on Seed, the rule and n, so a
// sequential run repeats exactly and a parallel one meets the same faults on each route.
type FaultPlan struct {
	Seed  uint64
	Rules []FaultRule // the first rule matching a request applies to it
}

// FaultRule is the fault mix of the requests it matches. Fractions are of those requests, from 0
// to 1; Error, RateLimit, Drop and ActedThenFail exclude each other and add up to at most 1.
type FaultRule struct {
	Method string // "" matches any
	Path   string // an exact URL path, or a prefix ending in "*"; "" matches any
	// Error is answered 500, 502 or 503 without acting.
	Error float64
	// RateLimit is answered 429 with Retry-After (RetryAfter seconds, default 1) without acting.
	RateLimit  float64
	RetryAfter int
	// Drop has its connection closed without an answer and without acting.
	Drop float64
	// ActedThenFail, of requests that change something (any method but GET and HEAD), is carried
	// out and then answered 502, or (every other time) has its connection dropped.
	ActedThenFail float64
	// Latency delays each matched request by a draw between 0 and Latency.
	Latency time.Duration
}

// FaultStats counts what a FaultPlan did since it was set.
type FaultStats struct {
	Matched, Errors, RateLimited, Dropped, ActedThenFailed int
	Delay                                                  time.Duration // added in total
}

func (s FaultStats) String() string {
	return fmt.Sprintf("%d requests matched: %d answered 5xx without acting, %d answered 429, %d dropped without acting, "+
		"%d acted then failed (502 or dropped), %s of added latency",
		s.Matched, s.Errors, s.RateLimited, s.Dropped, s.ActedThenFailed, s.Delay.Round(time.Millisecond))
}

// faultInjector holds the plan in force; it has its own lock, apart from the store's.
type faultInjector struct {
	mu     sync.Mutex
	plan   FaultPlan
	counts map[string]uint64 // requests seen per rule and route
	stats  FaultStats
}

// SetFaultPlan puts p in force (an empty plan turns injection off) and zeroes the statistics.
func (e *Emulator) SetFaultPlan(p FaultPlan) {
	e.injector.mu.Lock()
	defer e.injector.mu.Unlock()
	e.injector.plan = p
	e.injector.counts = map[string]uint64{}
	e.injector.stats = FaultStats{}
}

// FaultStats reports what the plan in force has done.
func (e *Emulator) FaultStats() FaultStats {
	e.injector.mu.Lock()
	defer e.injector.mu.Unlock()
	return e.injector.stats
}

// faultOutcome is what one request meets.
type faultOutcome int

const (
	served faultOutcome = iota
	answerError
	answerRateLimit
	dropConnection
	actThenFail
)

// passedFaults marks a request the injector has already let through (acted-then-fail serves it
// through ServeHTTP again).
type passedFaults struct{}

// injectFaults applies the plan to r. It returns true when it has answered r itself (ServeHTTP
// must then stop), false when r is to be served normally.
func (e *Emulator) injectFaults(w http.ResponseWriter, r *http.Request) bool {
	if r.Context().Value(passedFaults{}) != nil {
		return false
	}
	outcome, delay, status, retryAfter := e.injector.decide(r.Method, r.URL.Path)
	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
		}
	}
	switch outcome {
	case answerError:
		writeError(w, &apiError{Status: status, Reason: "UNKNOWN", Message: "injected fault: the server failed before acting"})
	case answerRateLimit:
		writeError(w, &apiError{Status: http.StatusTooManyRequests, Reason: reasonForStatus(http.StatusTooManyRequests),
			Message: "injected fault: rate limit exceeded", RetryAfter: strconv.Itoa(retryAfter)})
	case dropConnection:
		panic(http.ErrAbortHandler) // net/http closes the connection without an answer
	case actThenFail:
		e.ServeHTTP(httptest.NewRecorder(), r.WithContext(context.WithValue(r.Context(), passedFaults{}, true)))
		if status == 0 {
			panic(http.ErrAbortHandler)
		}
		writeError(w, &apiError{Status: status, Reason: "UNKNOWN", Message: "injected fault: the answer was lost after the server acted"})
	default:
		return false
	}
	return true
}

// decide draws the outcome of one request (and its delay, status and Retry-After), and counts it.
func (f *faultInjector) decide(method, path string) (outcome faultOutcome, delay time.Duration, status, retryAfter int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	i, rule := f.plan.match(method, path)
	if rule == nil {
		return served, 0, 0, 0
	}
	route := fmt.Sprintf("%d %s %s", i, method, path)
	n := f.counts[route]
	f.counts[route]++
	draw := newDraws(f.plan.Seed, route, n)
	f.stats.Matched++

	delay = time.Duration(draw.next() * float64(rule.Latency))
	f.stats.Delay += delay
	mutates := method != http.MethodGet && method != http.MethodHead
	x := draw.next()
	switch {
	case x < rule.Error:
		f.stats.Errors++
		return answerError, delay, []int{500, 502, 503}[int(draw.next()*3)%3], 0
	case x < rule.Error+rule.RateLimit:
		f.stats.RateLimited++
		return answerRateLimit, delay, 0, max(rule.RetryAfter, 1)
	case x < rule.Error+rule.RateLimit+rule.Drop:
		f.stats.Dropped++
		return dropConnection, delay, 0, 0
	case mutates && x < rule.Error+rule.RateLimit+rule.Drop+rule.ActedThenFail:
		f.stats.ActedThenFailed++
		if n%2 == 0 {
			return actThenFail, delay, http.StatusBadGateway, 0
		}
		return actThenFail, delay, 0, 0 // 0: drop the connection
	}
	return served, delay, 0, 0
}

// match returns the first rule matching the request, and its index.
func (p FaultPlan) match(method, path string) (int, *FaultRule) {
	for i := range p.Rules {
		r := &p.Rules[i]
		if r.Method != "" && !strings.EqualFold(r.Method, method) {
			continue
		}
		if prefix, ok := strings.CutSuffix(r.Path, "*"); ok && strings.HasPrefix(path, prefix) || r.Path == "" || r.Path == path {
			return i, r
		}
	}
	return -1, nil
}

// draws is a deterministic stream of numbers in [0, 1) for one request (splitmix64).
type draws struct{ state uint64 }

func newDraws(seed uint64, route string, n uint64) *draws {
	h := fnv.New64a()
	_, _ = h.Write([]byte(route))
	return &draws{state: seed ^ h.Sum64() ^ (n+1)*0x9e3779b97f4a7c15}
}

func (d *draws) next() float64 {
	d.state += 0x9e3779b97f4a7c15
	z := d.state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	z ^= z >> 31
	return float64(z>>11) / (1 << 53)
}

// ParseFaultPlan reads a plan written as rules separated by ";", each a comma-separated list of
// key=value: method, path (exact, or a prefix ending in *), error, 429, drop, acted (fractions),
// retry-after (seconds), latency (a Go duration); seed=N may appear in any rule. Example:
// "seed=7,error=0.1,429=0.05,acted=0.05,latency=20ms;path=/v1/*,drop=0.02".
func ParseFaultPlan(spec string) (FaultPlan, error) {
	var p FaultPlan
	for _, text := range strings.Split(spec, ";") {
		if strings.TrimSpace(text) == "" {
			continue
		}
		var r FaultRule
		for _, field := range strings.Split(text, ",") {
			key, val, ok := strings.Cut(strings.TrimSpace(field), "=")
			if !ok {
				return FaultPlan{}, fmt.Errorf("fault plan: %q is not key=value", field)
			}
			if err := r.set(&p, strings.ToLower(key), strings.TrimSpace(val)); err != nil {
				return FaultPlan{}, fmt.Errorf("fault plan: %s: %w", key, err)
			}
		}
		if sum := r.Error + r.RateLimit + r.Drop + r.ActedThenFail; sum > 1 {
			return FaultPlan{}, fmt.Errorf("fault plan: the fractions of rule %q add up to %g, more than 1", text, sum)
		}
		p.Rules = append(p.Rules, r)
	}
	return p, nil
}

// set applies one key=value of ParseFaultPlan to r (seed to p).
func (r *FaultRule) set(p *FaultPlan, key, val string) error {
	fraction := func(dst *float64) error {
		f, err := strconv.ParseFloat(val, 64)
		if err != nil || f < 0 || f > 1 {
			return fmt.Errorf("want a fraction between 0 and 1, got %q", val)
		}
		*dst = f
		return nil
	}
	switch key {
	case "seed":
		n, err := strconv.ParseUint(val, 10, 64)
		p.Seed = n
		return err
	case "method":
		r.Method = strings.ToUpper(val)
	case "path":
		r.Path = val
	case "error", "5xx":
		return fraction(&r.Error)
	case "429", "rate-limit":
		return fraction(&r.RateLimit)
	case "drop":
		return fraction(&r.Drop)
	case "acted":
		return fraction(&r.ActedThenFail)
	case "retry-after":
		n, err := strconv.Atoi(val)
		if err != nil || n < 0 {
			return fmt.Errorf("want whole seconds, got %q", val)
		}
		r.RetryAfter = n
	case "latency":
		d, err := time.ParseDuration(val)
		if err != nil || d < 0 {
			return fmt.Errorf("want a duration such as 20ms, got %q", val)
		}
		r.Latency = d
	default:
		return fmt.Errorf("unknown key (want seed, method, path, error, 429, drop, acted, retry-after or latency)")
	}
	return nil
}
