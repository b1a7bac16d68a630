package client

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeClock is a clock whose sleeps return at once and move it forward; it records them.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (f *fakeClock) now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

func (f *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = f.t.Add(d)
	f.sleeps = append(f.sleeps, d)
	return ctx.Err()
}

func (f *fakeClock) slept() (total time.Duration, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, d := range f.sleeps {
		total += d
	}
	return total, len(f.sleeps)
}

// clientOn returns a client of url with the default retry settings and clock.
func clientOn(t *testing.T, url string, clock *fakeClock, tune ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{APIKey: testKey, BaseURL: url, AsyncBaseURL: url + "/v1"}
	for _, f := range tune {
		f(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.now, c.sleep = clock.now, clock.sleep
	return c
}

// refusedURL is a loopback URL on which connections are refused (a listener closed again).
func refusedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

// TestUnreachableAPIGivesUpWithin30s: with the default eight retries, a refused connection is
// given up after at most 30 s of waiting (not the 90 s the backoff alone would take), naming the
// URL and what set it; a second call to the same host, even from another client, gives up at once.
func TestUnreachableAPIGivesUpWithin30s(t *testing.T) {
	url := refusedURL(t)
	clock := newFakeClock()
	c := clientOn(t, url, clock, func(c *Config) { c.BaseURLSource = "the NOVITA_BASE_URL environment variable" })
	_, err := c.GetEndpoint(context.Background(), "e1")
	total, sleeps := clock.slept()
	if !IsUnreachable(err) {
		t.Fatalf("err = %v, want an UnreachableError", err)
	}
	if total > unreachableBudget || sleeps < 2 {
		t.Errorf("waited %s in %d sleeps; want at most %s and a few retries", total, sleeps, unreachableBudget)
	}
	for _, want := range []string{url, "set by the NOVITA_BASE_URL environment variable", "connection refused"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}

	// The host is known to be down: another client of it gives up on its first refusal.
	clock.t = clock.t.Add(unreachableBudget)
	other := clientOn(t, url, clock)
	before := len(clock.sleeps)
	if _, err := other.ListClusters(context.Background()); !IsUnreachable(err) || len(clock.sleeps) != before {
		t.Errorf("second call: %v after %d more sleeps; want unreachable at once", err, len(clock.sleeps)-before)
	}
}

// TestDNSFailureIsUnreachable: a name that does not resolve is given up like a refused
// connection, and a wait that meets it stops at once instead of tolerating it as transient.
func TestDNSFailureIsUnreachable(t *testing.T) {
	noDNS := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host", Name: "api.example.invalid", IsNotFound: true}}
	}}}
	clock := newFakeClock()
	c := clientOn(t, "https://api.example.invalid", clock, func(c *Config) { c.HTTPClient = noDNS; c.BaseURLSource = "base_url in the provider block" })
	_, err := c.WaitForEndpointServing(context.Background(), "e1")
	if !IsUnreachable(err) || !strings.Contains(err.Error(), "https://api.example.invalid (set by base_url in the provider block)") {
		t.Fatalf("err = %v, want unreachable naming the URL and base_url", err)
	}
	if total, _ := clock.slept(); total > unreachableBudget {
		t.Errorf("waited %s, want at most %s: the waiter must not wait out the budget again", total, unreachableBudget)
	}
}

// TestAnswerResetsUnreachable: a host that answers again is reachable; an earlier outage does
// not make a later failure give up at once.
func TestAnswerResetsUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"data":[]}`)
	}))
	defer srv.Close()
	clock := newFakeClock()
	c := clientOn(t, srv.URL, clock)
	p := peerFor(srv.URL, testKey)
	p.unreachableFor(clock.now().Add(-time.Hour)) // an outage long ago
	if _, err := c.ListClusters(context.Background()); err != nil {
		t.Fatalf("list: %v", err)
	}
	if d := p.unreachableFor(clock.now()); d != 0 {
		t.Errorf("after an answer the host counts as down for %s, want 0", d)
	}
}

// TestRateLimitIsSharedByEveryClientOfTheKey: a 429 seen by one client pauses every client of
// the same key and host for the Retry-After, so parallel resources back off together; another
// key is not slowed.
func TestRateLimitIsSharedByEveryClientOfTheKey(t *testing.T) {
	var limited atomic.Bool
	limited.Store(true)
	var mu sync.Mutex
	var seen []string // key of each request, in order
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Get("Authorization"))
		mu.Unlock()
		if limited.CompareAndSwap(true, false) {
			w.Header().Set("Retry-After", "7")
			writeJSON(w, 429, `{"reason":"RATE_LIMIT_EXCEEDED","message":"slow down"}`)
			return
		}
		writeJSON(w, 200, `{"data":[]}`)
	}))
	defer srv.Close()
	clock := newFakeClock()
	first := clientOn(t, srv.URL, clock, func(c *Config) { c.MaxRetries = -1 }) // no retry: the 429 is its answer
	if _, err := first.ListClusters(context.Background()); err == nil {
		t.Fatal("want the 429")
	}

	second := clientOn(t, srv.URL, clock) // another resource's client, same key
	if _, err := second.ListClusters(context.Background()); err != nil {
		t.Fatal(err)
	}
	if total, n := clock.slept(); total != 7*time.Second || n != 1 {
		t.Errorf("the second client slept %s in %d sleeps before its request, want the 7 s Retry-After once", total, n)
	}

	clock.sleeps = nil
	first.pause(srv.URL) // this key is paused again, for a minute
	otherKey := clientOn(t, srv.URL, clock, func(c *Config) { c.APIKey = "sk_other_account" })
	if _, err := otherKey.ListClusters(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, n := clock.slept(); n != 0 {
		t.Errorf("a client of another key slept %d times; want 0", n)
	}
}

// pause sets a one-minute rate-limit pause on url for c's key (test helper).
func (c *Client) pause(url string) { peerFor(url, c.cfg.APIKey).pause(c.now().Add(time.Minute)) }

// TestRateLimitWaitHonoursContext: a call waiting out another call's pause stops when its
// context ends.
func TestRateLimitWaitHonoursContext(t *testing.T) {
	p := &peer{}
	p.pause(time.Now().Add(time.Hour))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := p.waitTurn(ctx, time.Now, sleep); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}
