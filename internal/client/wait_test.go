package client

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// endpointStates answers GET /endpoint with the given answers in turn (repeating the last).
func endpointStates(calls *atomic.Int32, answers ...func(w http.ResponseWriter)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(calls.Add(1))
		answers[min(n, len(answers))-1](w)
	})
}

func state(s string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) { writeJSON(w, 200, `{"id":"e1","status":{"status":"`+s+`"}}`) }
}

func answer(status int, body string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) { writeJSON(w, status, body) }
}

func TestWaitForEndpointServing(t *testing.T) {
	var calls atomic.Int32
	c := newTestClient(t, endpointStates(&calls, state("creating"), state("creating"), state("updating"), state("running")))
	ep, err := c.WaitForEndpointServing(context.Background(), "e1")
	if err != nil || ep.Status.Status != "running" || calls.Load() != 4 {
		t.Fatalf("got %+v, %v after %d polls", ep, err, calls.Load())
	}
}

func TestWaitForEndpointServingFailsFast(t *testing.T) {
	for _, s := range []string{"failed", "stopped", "deleting"} {
		var calls atomic.Int32
		c := newTestClient(t, endpointStates(&calls, state("creating"),
			answer(200, `{"id":"e1","status":{"status":"`+s+`","error":"IMAGE_PULL","message":"pull access denied for img"}}`)))
		_, err := c.WaitForEndpointServing(context.Background(), "e1")
		var failed *EndpointFailedError
		if !errors.As(err, &failed) {
			t.Fatalf("%s: err = %v, want *EndpointFailedError", s, err)
		}
		if failed.State != s || failed.ID != "e1" || !strings.Contains(failed.Message, "pull access denied for img") ||
			!strings.Contains(err.Error(), "pull access denied") || calls.Load() != 2 {
			t.Errorf("%s: %+v after %d polls", s, failed, calls.Load())
		}
	}
}

func TestWaitForEndpointServingNotFoundIsAnError(t *testing.T) {
	var calls atomic.Int32
	c := newTestClient(t, endpointStates(&calls, state("creating"),
		answer(400, `{"reason":"SERVERLESS_ENDPOINT_NOT_FOUND","message":"gone"}`), state("running")))
	_, err := c.WaitForEndpointServing(context.Background(), "e1")
	if !IsNotFound(err) || calls.Load() != 2 {
		t.Fatalf("err %v after %d polls, want not found after 2", err, calls.Load())
	}
}

func TestWaitToleratesAFewTransientErrors(t *testing.T) {
	c0 := func(h http.Handler) *Client {
		c := newTestClient(t, h)
		c.cfg.MaxRetries = 0 // surface each 5xx to the waiter
		return c
	}
	var calls atomic.Int32
	boom := answer(502, `bad gateway`)
	c := c0(endpointStates(&calls, state("creating"), boom, boom, boom, state("running")))
	if _, err := c.WaitForEndpointServing(context.Background(), "e1"); err != nil {
		t.Fatalf("three transient errors not tolerated: %v", err)
	}
	calls.Store(0)
	c = c0(endpointStates(&calls, state("creating"), boom, boom, boom, boom, state("running")))
	_, err := c.WaitForEndpointServing(context.Background(), "e1")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 502 || calls.Load() != 5 {
		t.Fatalf("four transient errors: %v after %d polls", err, calls.Load())
	}
}

func TestWaitStopsOnCancel(t *testing.T) {
	var calls atomic.Int32
	c := newTestClient(t, endpointStates(&calls, state("creating")))
	c.cfg.PollFloor, c.cfg.PollCeiling = 10*time.Millisecond, 10*time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.WaitForEndpointServing(ctx, "e1")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the context's deadline", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("wait ran %v after its context ended", took)
	}
	if calls.Load() < 2 {
		t.Errorf("only %d polls", calls.Load())
	}
}

func TestWaitForEndpointDeleted(t *testing.T) {
	var calls atomic.Int32
	c := newTestClient(t, endpointStates(&calls, state("deleting"), state("deleting"),
		answer(400, `{"code":400,"reason":"SERVERLESS_ENDPOINT_NOT_FOUND","message":"not found"}`)))
	if err := c.WaitForEndpointDeleted(context.Background(), "e1"); err != nil || calls.Load() != 3 {
		t.Fatalf("err %v after %d polls", err, calls.Load())
	}
	calls.Store(0)
	c = newTestClient(t, endpointStates(&calls, answer(403, `{"reason":"FORBIDDEN","message":"no"}`)))
	if err := c.WaitForEndpointDeleted(context.Background(), "e1"); !HasReason(err, "FORBIDDEN") {
		t.Fatalf("err = %v, want the 403", err)
	}
}

func TestJobGatewayShapes(t *testing.T) {
	var rec recorder
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		switch {
		case r.Method == "POST" && r.URL.Path == "/v1/e1-app/run":
			writeJSON(w, 200, `{"id":"job-1","status":"PENDING"}`)
		case r.Method == "GET" && r.URL.Path == "/v1/e1-app/status/job-1":
			writeJSON(w, 200, `{"id":"job-1","status":"COMPLETED","output":{"slept":1},"delayTime":"12","executionTime":1005}`)
		case r.Method == "GET" && r.URL.Path == "/v1/e1-app/status/job-2":
			writeJSON(w, 200, `{"id":"job-2","status":"FAILED","error":{"code":"OOM","detail":"out of memory"}}`)
		case r.Method == "POST" && r.URL.Path == "/v1/e1-app/cancel/job-1":
			writeJSON(w, 200, `{"id":"job-1","status":"CANCELLED"}`)
		case r.Method == "GET" && r.URL.Path == "/v1/e1-app/health":
			writeJSON(w, 200, `{"workers":{"idle":1,"running":"2","throttled":0,"total":3},"jobs":{"completed":5,"failed":1,"inProgress":2,"inQueue":"4","retried":0}}`)
		default:
			writeJSON(w, 404, `{"error":"endpoint not found"}`)
		}
	}))
	ctx := context.Background()
	name := JobName("e1", "app")
	job, err := c.SubmitJob(ctx, name, json.RawMessage(`{"seconds": 1}`))
	if err != nil || job.ID != "job-1" || job.Status != JobPending || job.Terminal() {
		t.Fatalf("SubmitJob = %+v, %v", job, err)
	}
	if got := decodeMap(t, rec.all()[0].Body); got["input"].(map[string]any)["seconds"] != 1.0 || len(got) != 1 {
		t.Errorf("submit body %s", rec.all()[0].Body)
	}
	job, err = c.GetJob(ctx, name, "job-1")
	if err != nil || job.Status != JobCompleted || string(job.Output) != `{"slept":1}` || job.DelayTime != 12 || job.ExecutionTime != 1005 {
		t.Errorf("GetJob = %+v, %v", job, err)
	}
	job, err = c.GetJob(ctx, name, "job-2")
	if err != nil || job.Status != JobFailed || job.Error != `{"code":"OOM","detail":"out of memory"}` {
		t.Errorf("GetJob(failed) = %+v, %v", job, err)
	}
	job, err = c.CancelJob(ctx, name, "job-1")
	if err != nil || job.Status != JobCancelled {
		t.Errorf("CancelJob = %+v, %v", job, err)
	}
	h, err := c.GetEndpointHealth(ctx, name)
	if err != nil || h.Workers.Total != 3 || h.Workers.Running != 2 || h.Jobs.InQueue != 4 || h.Jobs.Completed != 5 {
		t.Errorf("GetEndpointHealth = %+v, %v", h, err)
	}
	_, err = c.GetEndpointHealth(ctx, "nope-nope")
	if !IsNotFound(err) || !strings.Contains(err.Error(), "endpoint not found") {
		t.Errorf("unknown endpoint: %v", err)
	}
}

func TestWaitForJob(t *testing.T) {
	var calls atomic.Int32
	statuses := []string{"PENDING", "IN_PROGRESS", "IN_PROGRESS", "FAILED"}
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(calls.Add(1))
		s := statuses[min(n, len(statuses))-1]
		writeJSON(w, 200, `{"id":"j","status":"`+s+`","error":"boom"}`)
	}))
	job, err := c.WaitForJob(context.Background(), "e-a", "j")
	if err != nil || job.Status != JobFailed || job.Error != "boom" || calls.Load() != 4 {
		t.Fatalf("WaitForJob = %+v, %v after %d polls", job, err, calls.Load())
	}
	// An expired job answers not found: that ends the wait with the error.
	c = newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 404, `{"error":"job not found"}`)
	}))
	if _, err := c.WaitForJob(context.Background(), "e-a", "j"); !IsNotFound(err) {
		t.Fatalf("err = %v, want not found", err)
	}
}

func TestSubmitJobRefusesBodiesOver4MiB(t *testing.T) {
	var calls atomic.Int32
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		b, _ := io.ReadAll(r.Body)
		if len(b) > MaxJobBodyBytes {
			writeJSON(w, 413, `{"error":"too large"}`)
			return
		}
		writeJSON(w, 200, `{"id":"j","status":"PENDING"}`)
	}))
	overhead := len(`{"input":""}`)
	fits := json.RawMessage(`"` + strings.Repeat("a", MaxJobBodyBytes-overhead) + `"`)
	if _, err := c.SubmitJob(context.Background(), "e-a", fits); err != nil {
		t.Fatalf("a body of exactly 4 MiB was refused: %v", err)
	}
	tooBig := json.RawMessage(`"` + strings.Repeat("a", MaxJobBodyBytes-overhead+1) + `"`)
	_, err := c.SubmitJob(context.Background(), "e-a", tooBig)
	if err == nil || !strings.Contains(err.Error(), "4 MiB") || errors.Is(err, ErrMaybeCreated) {
		t.Fatalf("err = %v, want a clear 4 MiB refusal", err)
	}
	if calls.Load() != 1 {
		t.Errorf("%d requests sent, want only the one that fits", calls.Load())
	}
	if _, err := c.SubmitJob(context.Background(), "e-a", json.RawMessage(`{not json`)); err == nil || calls.Load() != 1 {
		t.Errorf("invalid JSON input: %v", err)
	}
}

// fakeSleep records the waits of a Poll instead of sleeping.
type fakeSleep struct{ waits []time.Duration }

func (f *fakeSleep) sleep(ctx context.Context, d time.Duration) error {
	f.waits = append(f.waits, d)
	return ctx.Err()
}

func TestPollPacesAndRestarts(t *testing.T) {
	var clock fakeSleep
	p := PollPolicy{Pace: Backoff{Base: time.Second, Cap: time.Hour, Factor: 2}, sleep: clock.sleep}
	states := []PollState{PollAgain, PollAgain, PollRestart, PollAgain, PollAgain, PollDone}
	calls := 0
	got, err := Poll(t.Context(), p, func(context.Context) (int, PollState, error) {
		calls++
		return calls, states[calls-1], nil
	})
	if got != 6 || err != nil {
		t.Fatalf("Poll = %d, %v; want 6, nil", got, err)
	}
	s := time.Second
	want := []time.Duration{s, 2 * s, s, 2 * s, 4 * s} // the restart paces from Base again
	if !slices.Equal(clock.waits, want) {
		t.Errorf("waits %v, want %v", clock.waits, want)
	}
}

func TestPollErrors(t *testing.T) {
	var clock fakeSleep
	p := PollPolicy{Pace: Backoff{Base: time.Millisecond}, Transient: 2, sleep: clock.sleep}
	boom := &APIError{StatusCode: 503, Message: "busy"}
	done := &EndpointFailedError{ID: "e1", State: StatusFailed, Message: "pull failed"}

	// A typed error with PollDone ends the poll as it is, with the result.
	v, err := Poll(t.Context(), p, func(context.Context) (string, PollState, error) { return "ep", PollDone, done })
	if v != "ep" || err != done {
		t.Errorf("done with an error: %q, %v", v, err)
	}
	// Transient errors are waited out up to Transient in a row; a success resets the count.
	answers := []error{boom, boom, nil, boom, boom, boom}
	calls := 0
	_, err = Poll(t.Context(), p, func(context.Context) (int, PollState, error) {
		calls++
		return 0, PollAgain, answers[calls-1]
	})
	if err != boom || calls != 6 {
		t.Errorf("third transient error in a row: %v after %d calls", err, calls)
	}
	// A context that ends while an error is waited out names both.
	ctx, cancel := context.WithCancel(t.Context())
	p.sleep = func(ctx context.Context, _ time.Duration) error { cancel(); return ctx.Err() }
	_, err = Poll(ctx, p, func(context.Context) (int, PollState, error) {
		return 0, PollAgain, errors.New("connection refused")
	})
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("ended during transient errors: %v", err)
	}
}

// TestJobPollSchedule checks the job pacing with the default floor and ceiling, for every running
// time up to ten minutes: the end is seen at most max(PollFloor, time/3) late, and a 60 s job
// takes at most 15 polls. (The 10% would take 38 polls; see DESIGN.md.)
func TestJobPollSchedule(t *testing.T) {
	c, err := New(Config{APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	pace := c.jobPolicy().Pace
	var polls []time.Duration // poll times since the wait began
	for at, n := time.Duration(0), 0; at < 10*time.Minute; n++ {
		polls = append(polls, at)
		at += pace.Wait(n)
	}
	seen := func(run time.Duration) (late time.Duration, count int) {
		i, _ := slices.BinarySearch(polls, run) // the first poll at or after the end
		return polls[i] - run, i + 1
	}
	for run := 10 * time.Millisecond; run < 9*time.Minute; run += 10 * time.Millisecond {
		if late, _ := seen(run); late > max(c.cfg.PollFloor, run/3) {
			t.Fatalf("a %v job is seen %v late, over max(%v, a third of its time)", run, late, c.cfg.PollFloor)
		}
	}
	if _, count := seen(time.Minute); count > 15 {
		t.Errorf("a 60 s job takes %d polls, want at most 15", count)
	}
}
