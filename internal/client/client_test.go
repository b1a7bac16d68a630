package client

import (
	"context"
	"errors"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestNewValidatesConfig(t *testing.T) {
	cases := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"missing key", Config{}, "API key is required"},
		{"blank key", Config{APIKey: "  "}, "API key is required"},
		{"plain http to a remote host", Config{APIKey: "k", BaseURL: "http://api.novita.ai"}, "plain http://"},
		{"plain http async to a remote host", Config{APIKey: "k", AsyncBaseURL: "http://10.0.0.1:8080/v1"}, "plain http://"},
		{"not a URL", Config{APIKey: "k", BaseURL: "::not a url"}, "invalid base URL"},
		{"no host", Config{APIKey: "k", BaseURL: "https://"}, "invalid base URL"},
		{"other scheme", Config{APIKey: "k", BaseURL: "ftp://example.com"}, "invalid base URL"},
		{"https", Config{APIKey: "k", BaseURL: "https://example.com/"}, ""},
		{"http to 127.0.0.1", Config{APIKey: "k", BaseURL: "http://127.0.0.1:1234"}, ""},
		{"http to 127.0.0.53", Config{APIKey: "k", BaseURL: "http://127.0.0.53"}, ""},
		{"http to localhost", Config{APIKey: "k", BaseURL: "http://LOCALHOST:80/"}, ""},
		{"http to ::1", Config{APIKey: "k", AsyncBaseURL: "http://[::1]:9000/v1"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("New error = %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestNewAppliesDefaults(t *testing.T) {
	c, err := New(Config{APIKey: "k", BaseURL: "https://example.com//"})
	if err != nil {
		t.Fatal(err)
	}
	if c.baseURL != "https://example.com" || c.asyncBaseURL != DefaultAsyncBaseURL {
		t.Errorf("base URLs = %q, %q", c.baseURL, c.asyncBaseURL)
	}
	got := c.cfg
	if got.MaxRetries != 8 || got.RequestTimeout != 60*time.Second || got.PollFloor != time.Second ||
		got.PollCeiling != 15*time.Second || got.UserAgent != "terraform-provider-novita" {
		t.Errorf("defaults not applied: %+v", got)
	}
	c, _ = New(Config{APIKey: "k", MaxRetries: -1})
	if c.cfg.MaxRetries != 0 {
		t.Errorf("MaxRetries -1 gave %d, want 0 (no retries)", c.cfg.MaxRetries)
	}
	c, _ = New(Config{APIKey: "k"})
	if c.baseURL != DefaultBaseURL {
		t.Errorf("default base URL = %q", c.baseURL)
	}
}

func TestRequestHeaders(t *testing.T) {
	var rec recorder
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		writeJSON(w, 200, `{}`)
	}))
	if err := c.UpdateEndpoint(context.Background(), "e1", EndpointConfig{Name: "x"}); err != nil {
		t.Fatal(err)
	}
	c.cfg.UserAgent = "terraform-provider-novita/1.2.3 (+Terraform 1.11.4)"
	if _, err := c.GetEndpointHealth(context.Background(), "e1-app"); err != nil {
		t.Fatal(err)
	}
	reqs := rec.all()
	if len(reqs) != 2 {
		t.Fatalf("got %d requests", len(reqs))
	}
	for i, want := range []string{"terraform-provider-novita", "terraform-provider-novita/1.2.3 (+Terraform 1.11.4)"} {
		h := reqs[i].Header
		if got := h.Get("Authorization"); got != "Bearer "+testKey {
			t.Errorf("request %d Authorization = %q", i, got)
		}
		if got := h.Get("User-Agent"); got != want {
			t.Errorf("request %d User-Agent = %q, want %q", i, got, want)
		}
		if got := h.Get("Accept"); got != "application/json" {
			t.Errorf("request %d Accept = %q", i, got)
		}
	}
	if got := reqs[0].Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("PUT Content-Type = %q", got)
	}
	if got := reqs[1].Header.Get("Content-Type"); got != "" {
		t.Errorf("GET without a body has Content-Type %q", got)
	}
	if reqs[0].Path != "/gpus/v2/endpoints/e1" || reqs[1].Path != "/v1/e1-app/health" {
		t.Errorf("paths = %q, %q", reqs[0].Path, reqs[1].Path)
	}
}

func TestErrorMessageFallbacks(t *testing.T) {
	cases := []struct {
		name, body  string
		status      int
		wantReason  string
		wantMessage string
	}{
		{"message", `{"code":400,"reason":"VALIDATOR_PARAM","message":"name too long","metadata":{}}`, 400, "VALIDATOR_PARAM", "name too long"},
		{"reason only", `{"code":403,"reason":"FORBIDDEN"}`, 403, "FORBIDDEN", "FORBIDDEN"},
		{"error string", `{"error":"bad token"}`, 401, "", "bad token"},
		{"error object", `{"error":{"detail":"x"}}`, 400, "", `{"detail":"x"}`},
		{"raw text", `upstream connect error`, 400, "", "upstream connect error"},
		{"empty body", ``, 403, "", "Forbidden"},
		{"long raw body", strings.Repeat("x", 5000), 400, "", strings.Repeat("x", maxRawErrorBody) + "…(truncated)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, tc.status, tc.body)
			}))
			_, err := c.GetEndpoint(context.Background(), "e1")
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error %v is not an *APIError", err)
			}
			if apiErr.StatusCode != tc.status || apiErr.Reason != tc.wantReason || apiErr.Message != tc.wantMessage {
				t.Errorf("got status %d reason %q message %q", apiErr.StatusCode, apiErr.Reason, apiErr.Message)
			}
			if apiErr.Method != "GET" || apiErr.Path != "/gpus/v2/endpoints/e1" {
				t.Errorf("method/path = %s %s", apiErr.Method, apiErr.Path)
			}
		})
	}
}

func TestIsNotFound(t *testing.T) {
	cases := []struct {
		status int
		reason string
		want   bool
	}{
		{400, "SERVERLESS_ENDPOINT_NOT_FOUND", true},
		{400, "RESOURCE_NOT_FOUND", true},
		{404, "", true},
		{400, "VALIDATOR_PARAM", false},
		{500, "UNKNOWN", false},
	}
	for _, tc := range cases {
		err := error(&APIError{StatusCode: tc.status, Reason: tc.reason})
		if got := IsNotFound(err); got != tc.want {
			t.Errorf("IsNotFound(%d %s) = %v", tc.status, tc.reason, got)
		}
		wrapped := errors.Join(errors.New("context"), err)
		if got := IsNotFound(wrapped); got != tc.want {
			t.Errorf("IsNotFound(wrapped %d %s) = %v", tc.status, tc.reason, got)
		}
	}
	if IsNotFound(errors.New("plain")) || IsNotFound(nil) {
		t.Error("IsNotFound true for a non-API error")
	}
	if !HasReason(&APIError{Reason: "IMAGE_AUTH_IN_USE"}, "IMAGE_AUTH_IN_USE") || HasReason(errors.New("x"), "X") {
		t.Error("HasReason wrong")
	}
}

func TestNotFoundAs400FromServer(t *testing.T) {
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 400, `{"code":400,"reason":"SERVERLESS_ENDPOINT_NOT_FOUND","message":"endpoint not found"}`)
	}))
	_, err := c.GetEndpoint(context.Background(), "nope")
	if !IsNotFound(err) {
		t.Fatalf("IsNotFound(%v) = false", err)
	}
}

func TestKeyNeverInErrors(t *testing.T) {
	// A misbehaving server echoes the Authorization header back in every field.
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		writeJSON(w, 401, `{"reason":"`+auth+`","message":"bad key `+auth+`"}`)
	}))
	_, err := c.CreateEndpoint(context.Background(), EndpointSpec{EndpointConfig: EndpointConfig{Name: "x", Envs: []Env{{Key: "TOKEN", Value: "envsecret"}}}})
	if err == nil {
		t.Fatal("want an error")
	}
	for _, secret := range []string{testKey, "envsecret"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error %q leaks %q", err, secret)
		}
	}
	if !strings.Contains(err.Error(), "[redacted]") {
		t.Errorf("error %q lost the rest of the message", err)
	}
}

func TestGetRetriedOn500ThenSucceeds(t *testing.T) {
	var calls atomic.Int32
	var logged atomic.Int32
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 2 {
			writeJSON(w, 500, `{"reason":"UNKNOWN","message":"boom"}`)
			return
		}
		writeJSON(w, 200, `{"id":"e1","status":{"status":"running"}}`)
	}))
	c.cfg.Logf = func(ctx context.Context, msg string, fields map[string]any) {
		logged.Add(1)
		for k, v := range fields {
			if s, ok := v.(string); ok && strings.Contains(s, testKey) {
				t.Errorf("log field %s leaks the key", k)
			}
		}
	}
	ep, err := c.GetEndpoint(context.Background(), "e1")
	if err != nil {
		t.Fatal(err)
	}
	if ep.Status.Status != "running" || calls.Load() != 3 || logged.Load() != 3 {
		t.Errorf("state %q after %d calls, %d log lines", ep.Status.Status, calls.Load(), logged.Load())
	}
}

func TestRetriesAreBoundedByMaxRetries(t *testing.T) {
	var calls atomic.Int32
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeJSON(w, 503, `{"message":"overloaded"}`)
	}))
	c.cfg.MaxRetries = 2
	_, err := c.ListClusters(context.Background())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 {
		t.Fatalf("error = %v", err)
	}
	if calls.Load() != 3 {
		t.Errorf("%d calls, want 1 + 2 retries", calls.Load())
	}
	if !strings.Contains(err.Error(), "after 3 attempts") {
		t.Errorf("error %q does not say how many attempts were made", err)
	}
}

func TestNoRetryOn400(t *testing.T) {
	var calls atomic.Int32
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeJSON(w, 400, `{"reason":"VALIDATOR_PARAM","message":"bad"}`)
	}))
	_, err := c.ListClusters(context.Background())
	if err == nil || calls.Load() != 1 {
		t.Fatalf("err %v after %d calls, want an error after exactly 1", err, calls.Load())
	}
	if strings.Contains(err.Error(), "attempts") {
		t.Errorf("error %q counts attempts of a request that is not retried", err)
	}
}

func TestRetryAfterIsWaitedOut(t *testing.T) {
	var calls atomic.Int32
	var first time.Time
	var gap time.Duration
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			first = time.Now()
			w.Header().Set("Retry-After", "1")
			writeJSON(w, 429, `{"reason":"RATE_LIMIT_EXCEEDED","message":"slow down"}`)
			return
		}
		gap = time.Since(first)
		writeJSON(w, 200, `{"id":"e9"}`)
	}))
	// A create is retried on 429: the server did not act on it.
	id, err := c.CreateEndpoint(context.Background(), EndpointSpec{EndpointConfig: EndpointConfig{Name: "x"}})
	if err != nil || id != "e9" {
		t.Fatalf("CreateEndpoint = %q, %v", id, err)
	}
	if gap < 950*time.Millisecond {
		t.Errorf("retried after %v, want about the 1s of Retry-After", gap)
	}
}

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	cases := map[string]time.Duration{
		"":                              0,
		"3":                             3 * time.Second,
		"-1":                            0,
		"999999":                        maxRetryAfter,
		"soon":                          0,
		"Wed, 01 Jan 2025 12:00:05 GMT": 5 * time.Second,
		"Wed, 01 Jan 2025 11:00:00 GMT": 0,
		"Wed, 01 Jan 2025 18:00:00 GMT": maxRetryAfter,
	}
	for in, want := range cases {
		if got := retryAfter(in, now); got != want {
			t.Errorf("retryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestBackoffIsCappedAndJittered(t *testing.T) {
	b := Backoff{Base: time.Second, Cap: maxBackoff, Factor: 2, Jitter: true}
	for attempt := 0; attempt < 80; attempt++ {
		limit := min(time.Second<<min(attempt, 30), maxBackoff)
		for i := 0; i < 20; i++ {
			if d := b.Wait(attempt); d < 0 || d > limit {
				t.Fatalf("Wait(%d) = %v, outside [0, %v]", attempt, d, limit)
			}
		}
	}
	seen := map[time.Duration]bool{}
	for i := 0; i < 20; i++ {
		seen[b.Wait(5)] = true
	}
	if len(seen) < 5 {
		t.Errorf("backoff is not jittered: %v", seen)
	}
}

func TestBackoffSteadyThenGrowing(t *testing.T) {
	ms := time.Millisecond
	cases := []struct {
		b    Backoff
		want []time.Duration
	}{
		{Backoff{Base: ms, Cap: 4 * ms, Factor: 1.5}, []time.Duration{ms, 1500 * time.Microsecond, 2250 * time.Microsecond, 3375 * time.Microsecond, 4 * ms, 4 * ms}},
		{Backoff{Base: ms, Cap: time.Second, Factor: 2, Steady: 2}, []time.Duration{ms, ms, ms, 2 * ms, 4 * ms, 8 * ms}},
		{Backoff{Base: 10 * ms, Cap: time.Second, Factor: 0.5}, []time.Duration{10 * ms, 10 * ms, 10 * ms}}, // no shrinking
		{Backoff{Base: ms, Factor: 3}, []time.Duration{ms, 3 * ms, 9 * ms}},                                 // no cap
		{Backoff{Base: ms, Cap: 3 * ms, Factor: 1e308}, []time.Duration{ms, 3 * ms, 3 * ms}},                // overflow is capped
	}
	for _, tc := range cases {
		var got []time.Duration
		for n := range tc.want {
			got = append(got, tc.b.Wait(n))
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%+v: waits %v, want %v", tc.b, got, tc.want)
		}
	}
}

func TestCreateNotRetriedOn500(t *testing.T) {
	var calls atomic.Int32
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeJSON(w, 500, `{"reason":"UNKNOWN","message":"internal"}`)
	}))
	creates := map[string]func() error{
		"endpoint": func() error {
			_, err := c.CreateEndpoint(context.Background(), EndpointSpec{EndpointConfig: EndpointConfig{Name: "x"}})
			return err
		},
	} // storage, credential and app-named endpoint creates reconcile: reconcile_test.go
	for name, create := range creates {
		calls.Store(0)
		err := create()
		if !errors.Is(err, ErrMaybeCreated) {
			t.Errorf("%s: error %v does not wrap ErrMaybeCreated", name, err)
		}
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 {
			t.Errorf("%s: error %v does not carry the 500 APIError", name, err)
		}
		if calls.Load() != 1 {
			t.Errorf("%s: %d calls, want 1 (no blind retry)", name, calls.Load())
		}
	}
}

func TestCreateConnectionLostIsMaybeCreated(t *testing.T) {
	var calls atomic.Int32
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		// The server read the request, then the connection drops without an answer.
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	_, err := c.CreateEndpoint(context.Background(), EndpointSpec{EndpointConfig: EndpointConfig{Name: "x"}})
	if !errors.Is(err, ErrMaybeCreated) || calls.Load() != 1 {
		t.Fatalf("err %v after %d calls, want ErrMaybeCreated after 1", err, calls.Load())
	}
	// The same failure on a read is retried.
	calls.Store(0)
	c.cfg.MaxRetries = 2
	_, err = c.GetEndpoint(context.Background(), "e1")
	if err == nil || errors.Is(err, ErrMaybeCreated) || calls.Load() != 3 {
		t.Fatalf("GET: err %v after %d calls, want a plain error after 3", err, calls.Load())
	}
}

func TestCreateRetriedWhenConnectionRefused(t *testing.T) {
	// A listener that is closed again: connecting is refused, so the server never saw the request.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c, err := New(Config{APIKey: testKey, BaseURL: "http://" + addr, MaxRetries: 2})
	if err != nil {
		t.Fatal(err)
	}
	c.retryPace.Base = time.Millisecond
	var attempts atomic.Int32
	c.cfg.Logf = func(context.Context, string, map[string]any) { attempts.Add(1) }
	_, err = c.CreateEndpoint(context.Background(), EndpointSpec{EndpointConfig: EndpointConfig{Name: "x"}})
	if !IsUnreachable(err) || errors.Is(err, ErrMaybeCreated) {
		t.Fatalf("err = %v, want an unreachable API that is not ErrMaybeCreated", err)
	}
	if attempts.Load() != 3 {
		t.Errorf("%d attempts, want 3 (dial errors are safe to retry)", attempts.Load())
	}
	if !strings.Contains(err.Error(), "http://"+addr) || !strings.Contains(err.Error(), "set by the default") {
		t.Errorf("error %q does not name the URL and what set it", err)
	}
	if strings.Contains(err.Error(), testKey) {
		t.Errorf("error leaks the key: %v", err)
	}
}

func TestPerAttemptTimeoutThenCancel(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	c.cfg.RequestTimeout = 20 * time.Millisecond
	c.cfg.MaxRetries = 1
	start := time.Now()
	_, err := c.ListClusters(context.Background())
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a per-attempt deadline", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("took %v", time.Since(start))
	}

	ctx, cancel := context.WithCancel(context.Background())
	c.cfg.RequestTimeout = time.Minute
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	_, err = c.ListClusters(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestCreateRetriedAfterClusterNotActive(t *testing.T) {
	for _, status := range []int{400, 500} {
		var calls atomic.Int32
		c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if calls.Add(1) == 1 {
				writeJSON(w, status, `{"code":`+strconv.Itoa(status)+`,"reason":"REQUEST","message":"Cluster is not active, please retry later"}`)
				return
			}
			writeJSON(w, 200, `{"id":"e2"}`)
		}))
		id, err := c.CreateEndpoint(context.Background(), EndpointSpec{EndpointConfig: EndpointConfig{Name: "x"}})
		if err != nil || id != "e2" || calls.Load() != 2 {
			t.Errorf("status %d: id %q, err %v after %d calls", status, id, err, calls.Load())
		}
	}
}
