package gateway_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/novitalabs/terraform-provider-novita/internal/emulator/gateway"
)

func TestEchoJobGoesThroughColdStartToCompleted(t *testing.T) {
	h := newHarness(t, gateway.Options{})
	name := h.endpoint(gateway.Endpoint{})
	h.wantHealth("fresh endpoint", name, gateway.Health{})

	id := h.run(name, map[string]any{"prompt": "a red apple", "n": 2})
	st := h.wantStatus(name, id, gateway.StatusPending)
	if st.DelayTime != nil || st.ExecutionTime != nil || st.Output != nil {
		t.Errorf("pending job carries timings or output: %+v", st)
	}
	h.wantHealth("submitted", name, gateway.Health{Workers: workers(0, 0, 1), Jobs: gateway.JobCounts{InQueue: 1}})

	h.clock.Advance(gateway.DefaultColdStart - time.Millisecond)
	h.wantStatus(name, id, gateway.StatusPending)

	h.clock.Advance(time.Millisecond)
	st = h.wantStatus(name, id, gateway.StatusInProgress)
	if st.DelayTime == nil || *st.DelayTime != gateway.DefaultColdStart.Milliseconds() || st.ExecutionTime != nil {
		t.Errorf("in progress: delayTime %v executionTime %v, want %d and none", st.DelayTime, st.ExecutionTime, gateway.DefaultColdStart.Milliseconds())
	}
	h.wantHealth("running", name, gateway.Health{Workers: workers(0, 1, 0), Jobs: gateway.JobCounts{InProgress: 1}})

	h.clock.Advance(gateway.EchoRunTime)
	st = h.wantStatus(name, id, gateway.StatusCompleted)
	if string(st.Output) != `{"n":2,"prompt":"a red apple"}` {
		t.Errorf("output %s, want the input echoed", st.Output)
	}
	if st.ExecutionTime == nil || *st.ExecutionTime != gateway.EchoRunTime.Milliseconds() || st.Error != "" {
		t.Errorf("completed: executionTime %v error %q", st.ExecutionTime, st.Error)
	}
	h.wantHealth("done", name, gateway.Health{Workers: workers(1, 0, 0), Jobs: gateway.JobCounts{Completed: 1}})

	job, ok := h.gw.Job(id)
	if !ok || job.Status != gateway.StatusCompleted || job.EndpointID != "ep01" || job.WorkerID == "" ||
		job.DelayTime != gateway.DefaultColdStart || job.ExecutionTime != gateway.EchoRunTime {
		t.Errorf("Job hook: %+v %v", job, ok)
	}
}

func TestSpeedDividesSimulatedTimeButReportsSimulatedTimings(t *testing.T) {
	h := newHarness(t, gateway.Options{Speed: 10, ColdStart: 20 * time.Second})
	name := h.endpoint(gateway.Endpoint{Image: gateway.SleepWorkerImage})
	id := h.run(name, map[string]any{"seconds": 30})

	h.clock.Advance(2 * time.Second) // 20 s cold start at speed 10
	h.wantStatus(name, id, gateway.StatusInProgress)
	h.clock.Advance(3*time.Second - time.Millisecond)
	h.wantStatus(name, id, gateway.StatusInProgress)
	h.clock.Advance(time.Millisecond)
	st := h.wantStatus(name, id, gateway.StatusCompleted)
	if *st.DelayTime != 20000 || *st.ExecutionTime != 30000 {
		t.Errorf("delayTime %d executionTime %d, want simulated 20000 and 30000", *st.DelayTime, *st.ExecutionTime)
	}
}

func TestColdStartCanBeDisabled(t *testing.T) {
	h := newHarness(t, gateway.Options{ColdStart: -1})
	name := h.endpoint(gateway.Endpoint{})
	id := h.run(name, "x")
	h.wantStatus(name, id, gateway.StatusInProgress)
}

func TestErrorFieldInInputFailsTheJobOnEveryImage(t *testing.T) {
	for _, image := range []string{"example/echo:1", gateway.SleepWorkerImage, gateway.ComfyUIWorkerImage} {
		t.Run(image, func(t *testing.T) {
			h := newHarness(t, gateway.Options{ColdStart: -1})
			name := h.endpoint(gateway.Endpoint{Image: image})
			plain := h.run(name, map[string]any{"error": "model exploded", "seconds": 1})
			structured := h.run(name, map[string]any{"error": map[string]any{"code": 7}})
			h.clock.Advance(time.Minute)
			if st := h.wantStatus(name, plain, gateway.StatusFailed); st.Error != "model exploded" || st.Output != nil {
				t.Errorf("string error: %+v", st)
			}
			if st := h.wantStatus(name, structured, gateway.StatusFailed); st.Error != `{"code":7}` {
				t.Errorf("object error: %+v", st)
			}
			// The worker went idle and was released after its 30 s free timeout.
			h.wantHealth("after", name, gateway.Health{Jobs: gateway.JobCounts{Failed: 2}})
		})
	}
}

func TestNullErrorFieldDoesNotFail(t *testing.T) {
	h := newHarness(t, gateway.Options{ColdStart: -1})
	name := h.endpoint(gateway.Endpoint{})
	id := h.run(name, map[string]any{"error": nil, "x": 1})
	h.clock.Advance(time.Minute)
	h.wantStatus(name, id, gateway.StatusCompleted)
}

func TestSleepWorker(t *testing.T) {
	h := newHarness(t, gateway.Options{ColdStart: -1})
	name := h.endpoint(gateway.Endpoint{Image: "registry.example.com:5000/novitalabs/sleep-worker:v2", MaxConcurrent: 2})
	id := h.run(name, map[string]any{"seconds": 2.5})
	bad := h.run(name, map[string]any{"seconds": "soon"})

	h.clock.Advance(2500*time.Millisecond - time.Millisecond)
	h.wantStatus(name, id, gateway.StatusInProgress)
	if st := h.wantStatus(name, bad, gateway.StatusFailed); !strings.Contains(st.Error, "seconds") {
		t.Errorf("bad input error %q does not name seconds", st.Error)
	}
	h.clock.Advance(time.Millisecond)
	st := h.wantStatus(name, id, gateway.StatusCompleted)
	if string(st.Output) != `{"slept":2.5}` {
		t.Errorf("output %s", st.Output)
	}
}

func TestCancel(t *testing.T) {
	h := newHarness(t, gateway.Options{ColdStart: -1})
	name := h.endpoint(gateway.Endpoint{Image: gateway.SleepWorkerImage})
	running := h.run(name, map[string]any{"seconds": 60})
	pending := h.run(name, map[string]any{"seconds": 60})
	h.clock.Advance(5 * time.Second)
	h.wantStatus(name, running, gateway.StatusInProgress)
	h.wantStatus(name, pending, gateway.StatusPending)

	if ref := h.cancel(name, pending); ref.ID != pending || ref.Status != gateway.StatusCancelled {
		t.Errorf("cancel pending: %+v", ref)
	}
	h.wantHealth("pending cancelled", name, gateway.Health{Workers: workers(0, 1, 0), Jobs: gateway.JobCounts{InProgress: 1}})

	if ref := h.cancel(name, running); ref.Status != gateway.StatusCancelled {
		t.Errorf("cancel running: %+v", ref)
	}
	st := h.wantStatus(name, running, gateway.StatusCancelled)
	if st.ExecutionTime == nil || *st.ExecutionTime != 5000 || st.Output != nil {
		t.Errorf("cancelled running job: %+v", st)
	}
	h.wantHealth("running cancelled", name, gateway.Health{Workers: workers(1, 0, 0)})

	// The cancelled job never completes later, and its worker is free for the next job.
	next := h.run(name, map[string]any{"seconds": 1})
	h.wantStatus(name, next, gateway.StatusInProgress)
	h.clock.Advance(time.Minute)
	h.wantStatus(name, running, gateway.StatusCancelled)
	h.wantStatus(name, next, gateway.StatusCompleted)

	// Cancelling a finished job leaves it as it is.
	if ref := h.cancel(name, next); ref.Status != gateway.StatusCompleted {
		t.Errorf("cancel completed: %+v", ref)
	}
	h.wantStatus(name, next, gateway.StatusCompleted)
	h.wantHealth("end, idle worker released", name, gateway.Health{Jobs: gateway.JobCounts{Completed: 1}})
}

func TestRequestTimeout(t *testing.T) {
	h := newHarness(t, gateway.Options{ColdStart: -1, Speed: 2})
	name := h.endpoint(gateway.Endpoint{Image: gateway.SleepWorkerImage, RequestTimeoutSec: 10})
	long := h.run(name, map[string]any{"seconds": 100})
	h.clock.Advance(5*time.Second - time.Millisecond) // 10 s simulated at speed 2
	h.wantStatus(name, long, gateway.StatusInProgress)
	h.clock.Advance(time.Millisecond)
	st := h.wantStatus(name, long, gateway.StatusTimedOut)
	if !strings.Contains(st.Error, "timeout") || *st.ExecutionTime != 10000 || st.Output != nil {
		t.Errorf("timed out job: %+v", st)
	}
	// A job within the timeout still completes.
	short := h.run(name, map[string]any{"seconds": 10})
	h.clock.Advance(5 * time.Second)
	h.wantStatus(name, short, gateway.StatusCompleted)
	h.wantHealth("end", name, gateway.Health{Workers: workers(1, 0, 0), Jobs: gateway.JobCounts{Completed: 1, Failed: 1}})
}

func TestResultsExpireSixHoursAfterFinishingInClockTime(t *testing.T) {
	h := newHarness(t, gateway.Options{ColdStart: -1, Speed: 100}) // expiry is not divided by Speed
	name := h.endpoint(gateway.Endpoint{Image: gateway.SleepWorkerImage, MaxConcurrent: 3})
	done := h.run(name, map[string]any{"seconds": 100}) // ends after 1 s of clock time
	cancelled := h.run(name, map[string]any{"seconds": 1000})
	h.cancel(name, cancelled)
	h.clock.Advance(time.Second)
	h.wantStatus(name, done, gateway.StatusCompleted)

	h.clock.Advance(gateway.ResultRetention - time.Second - time.Millisecond)
	h.wantStatus(name, cancelled, gateway.StatusCancelled)
	h.clock.Advance(time.Millisecond)
	code, body := h.call(http.MethodGet, "/"+name+"/status/"+cancelled, nil)
	wantError(t, code, body, http.StatusNotFound, "RESOURCE_NOT_FOUND")
	h.wantStatus(name, done, gateway.StatusCompleted)

	h.clock.Advance(time.Second)
	code, body = h.call(http.MethodGet, "/"+name+"/status/"+done, nil)
	wantError(t, code, body, http.StatusNotFound, "RESOURCE_NOT_FOUND")
	code, body = h.call(http.MethodPost, "/"+name+"/cancel/"+done, nil)
	wantError(t, code, body, http.StatusNotFound, "RESOURCE_NOT_FOUND")
	if _, ok := h.gw.Job(done); ok {
		t.Error("Job hook still returns an expired job")
	}
	// Counters are cumulative and outlive the results.
	h.wantHealth("after expiry", name, gateway.Health{Jobs: gateway.JobCounts{Completed: 1}})
}

func TestRunBodyLimitIs4MiB(t *testing.T) {
	h := newHarness(t, gateway.Options{})
	name := h.endpoint(gateway.Endpoint{})
	envelope := `{"input":""}`
	atLimit := `{"input":"` + strings.Repeat("a", gateway.MaxRequestBytes-len(envelope)) + `"}`
	if len(atLimit) != gateway.MaxRequestBytes {
		t.Fatalf("test body is %d bytes", len(atLimit))
	}
	code, body := h.call(http.MethodPost, "/"+name+"/run", atLimit)
	if code != http.StatusOK {
		t.Fatalf("a 4 MiB body: %d %s", code, body)
	}

	overLimit := `{"input":"` + strings.Repeat("a", gateway.MaxRequestBytes-len(envelope)+1) + `"}`
	code, body = h.call(http.MethodPost, "/"+name+"/run", overLimit)
	wantError(t, code, body, http.StatusRequestEntityTooLarge, "REQUEST")

	// Without a Content-Length (chunked upload) the limit holds while reading.
	req := httptest.NewRequest(http.MethodPost, "/v1/"+name+"/run", io.MultiReader(strings.NewReader(overLimit)))
	req.ContentLength = -1
	rec := httptest.NewRecorder()
	h.gw.Serve(rec, req, testTeam, "/"+name+"/run")
	wantError(t, rec.Code, rec.Body.Bytes(), http.StatusRequestEntityTooLarge, "REQUEST")

	if got := h.health(name).Jobs.InQueue; got != 1 {
		t.Errorf("inQueue %d, want only the accepted job", got)
	}
}

func TestRunRejectsBadBodies(t *testing.T) {
	h := newHarness(t, gateway.Options{})
	name := h.endpoint(gateway.Endpoint{})
	for _, body := range []string{``, `not json`, `{"input":`, `[1,2]`, `{}`, `{"input":null}`, `{"inputs":{"a":1}}`} {
		code, resp := h.call(http.MethodPost, "/"+name+"/run", body)
		wantError(t, code, resp, http.StatusBadRequest, "VALIDATOR_PARAM")
	}
	if got := h.health(name).Jobs.InQueue; got != 0 {
		t.Errorf("rejected bodies queued %d jobs", got)
	}
	// Any JSON value is a valid input.
	for _, input := range []any{0, "text", []int{1}, false} {
		h.run(name, input)
	}
}

func TestEndpointResolution(t *testing.T) {
	h := newHarness(t, gateway.Options{ColdStart: -1})
	mine := h.endpoint(gateway.Endpoint{})
	theirs := h.endpoint(gateway.Endpoint{Team: "team-b"})
	sync := h.endpoint(gateway.Endpoint{Type: "sync", Serving: true})
	updating := h.endpoint(gateway.Endpoint{Image: gateway.SleepWorkerImage})
	job := h.run(updating, map[string]any{"seconds": 10})
	h.update(updating, func(ep *gateway.Endpoint) { ep.Serving = false })

	for _, name := range []string{"nope-app", theirs, sync, updating} {
		code, body := h.call(http.MethodPost, "/"+name+"/run", `{"input":1}`)
		e := wantError(t, code, body, http.StatusNotFound, "SERVERLESS_ENDPOINT_NOT_FOUND")
		if !strings.Contains(e.Message, name) {
			t.Errorf("message %q does not name %s", e.Message, name)
		}
		if name == updating && !strings.Contains(e.Message, "not running") {
			t.Errorf("not-running message %q", e.Message)
		}
	}
	for _, name := range []string{"nope-app", theirs, sync} {
		code, body := h.call(http.MethodGet, "/"+name+"/health", nil)
		wantError(t, code, body, http.StatusNotFound, "SERVERLESS_ENDPOINT_NOT_FOUND")
	}
	// Another team's endpoint looks exactly like a missing one.
	_, missing := h.call(http.MethodGet, "/nope-app/health", nil)
	_, other := h.call(http.MethodGet, "/"+theirs+"/health", nil)
	if strings.Replace(string(other), theirs, "nope-app", 1) != string(missing) {
		t.Errorf("other team's endpoint answers %s, a missing one %s", other, missing)
	}

	// Jobs already accepted stay visible while the endpoint is not serving (e.g. updating).
	h.clock.Advance(10 * time.Second)
	h.wantStatus(updating, job, gateway.StatusCompleted)

	// A job id is only found through its own endpoint, and unknown ids are not found.
	code, body := h.call(http.MethodGet, "/"+mine+"/status/"+job, nil)
	wantError(t, code, body, http.StatusNotFound, "RESOURCE_NOT_FOUND")
	code, body = h.call(http.MethodGet, "/"+mine+"/status/no-such-job", nil)
	wantError(t, code, body, http.StatusNotFound, "RESOURCE_NOT_FOUND")
	code, body = h.call(http.MethodPost, "/"+mine+"/cancel/no-such-job", nil)
	wantError(t, code, body, http.StatusNotFound, "RESOURCE_NOT_FOUND")
}

func TestRoutes(t *testing.T) {
	h := newHarness(t, gateway.Options{})
	name := h.endpoint(gateway.Endpoint{})
	for _, path := range []string{"/", "/" + name, "/" + name + "/status", "/" + name + "/status/", "/" + name + "/stream/x", "//run", "/" + name + "/run/extra"} {
		code, body := h.call(http.MethodGet, path, nil)
		wantError(t, code, body, http.StatusNotFound, "RESOURCE_NOT_FOUND")
	}
	for _, c := range []struct{ method, path string }{
		{http.MethodGet, "/" + name + "/run"},
		{http.MethodPost, "/" + name + "/health"},
		{http.MethodPost, "/" + name + "/status/x"},
		{http.MethodGet, "/" + name + "/cancel/x"},
	} {
		code, body := h.call(c.method, c.path, nil)
		wantError(t, code, body, http.StatusMethodNotAllowed, "REQUEST")
	}
}

func TestStatusBodyShape(t *testing.T) {
	h := newHarness(t, gateway.Options{ColdStart: -1})
	name := h.endpoint(gateway.Endpoint{})
	id := h.run(name, map[string]any{"k": "v"})
	h.clock.Advance(time.Minute)
	_, body := h.call(http.MethodGet, "/"+name+"/status/"+id, nil)
	var got map[string]json.RawMessage
	decode(t, body, &got)
	for _, key := range []string{"id", "status", "output", "delayTime", "executionTime"} {
		if _, ok := got[key]; !ok {
			t.Errorf("status body %s lacks %q", body, key)
		}
	}
	if _, ok := got["error"]; ok {
		t.Errorf("completed job's status has an error field: %s", body)
	}
	if !bytes.Equal(got["delayTime"], []byte("0")) || !bytes.Equal(got["executionTime"], []byte("500")) {
		t.Errorf("timings are not integer milliseconds: %s", body)
	}
}

func TestForgetDropsJobsAndWorkers(t *testing.T) {
	h := newHarness(t, gateway.Options{ColdStart: -1})
	name := h.endpoint(gateway.Endpoint{MinWorkers: 1})
	other := h.endpoint(gateway.Endpoint{})
	id := h.run(name, 1)
	kept := h.run(other, 2)
	h.gw.Forget("ep01")
	if _, ok := h.gw.Job(id); ok {
		t.Error("job of a forgotten endpoint is still there")
	}
	if _, ok := h.gw.Job(kept); !ok {
		t.Error("Forget dropped another endpoint's job")
	}
	h.update(name, func(ep *gateway.Endpoint) { ep.MinWorkers = 0 })
	h.wantHealth("forgotten", name, gateway.Health{})
}

func TestWorkersHook(t *testing.T) {
	h := newHarness(t, gateway.Options{})
	name := h.endpoint(gateway.Endpoint{MinWorkers: 1, MaxWorkers: 2, MaxConcurrent: 1, Image: gateway.SleepWorkerImage})
	h.run(name, map[string]any{"seconds": 100})
	h.run(name, map[string]any{"seconds": 100})
	ws, ok := h.gw.Workers(name)
	if !ok || len(ws) != 2 || ws[0].State != "running" || ws[0].Jobs != 1 || ws[1].State != "starting" || ws[1].Jobs != 0 {
		t.Errorf("Workers: %+v %v", ws, ok)
	}
	if _, ok := h.gw.Workers("nope-app"); ok {
		t.Error("Workers of an unknown endpoint")
	}
	if _, ok := h.gw.Health("nope-app"); ok {
		t.Error("Health of an unknown endpoint")
	}
}

// With the real clock and a high Speed the simulation keeps up by itself, and concurrent
// requests are safe (run with -race).
func TestRealClockConcurrentClients(t *testing.T) {
	dir := &fakeDir{byName: map[string]gateway.Endpoint{"ep1-app": {
		ID: "ep1", AppName: "app", Team: testTeam, Type: "async", Serving: true,
		MaxWorkers: 3, MaxConcurrent: 2, PolicyType: "concurrency", PolicyValue: 2, Image: gateway.SleepWorkerImage,
		// Idle workers stay 3.6 s of real time, so a loaded machine does not release them all
		// before the final health check.
		FreeTimeoutSec: 3600,
	}}}
	gw := gateway.New(dir, gateway.Options{Speed: 1000}) // 10 s cold start -> 10 ms; 5 s jobs -> 5 ms
	t.Cleanup(gw.Close)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gw.Serve(w, r, testTeam, strings.TrimPrefix(r.URL.Path, "/v1"))
	}))
	t.Cleanup(srv.Close)

	const clients = 8
	errs := make(chan error, clients)
	for range clients {
		go func() { errs <- runToCompletion(srv.URL + "/v1/ep1-app") }()
	}
	for range clients {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	hl, _ := gw.Health("ep1-app")
	if hl.Jobs.Completed != clients || hl.Workers.Total == 0 || hl.Workers.Total > 3 {
		t.Errorf("health after the clients: %+v", hl)
	}
}

// runToCompletion submits one sleep job and polls it until it completes or 10 s pass.
func runToCompletion(base string) error {
	resp, err := http.Post(base+"/run", "application/json", strings.NewReader(`{"input":{"seconds":5}}`))
	if err != nil {
		return err
	}
	var ref jobRef
	err = json.NewDecoder(resp.Body).Decode(&ref)
	resp.Body.Close()
	if err != nil {
		return err
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		resp, err := http.Get(base + "/status/" + ref.ID)
		if err != nil {
			return err
		}
		var st statusBody
		err = json.NewDecoder(resp.Body).Decode(&st)
		resp.Body.Close()
		if err != nil {
			return err
		}
		switch st.Status {
		case gateway.StatusCompleted:
			if string(st.Output) != `{"slept":5}` || *st.ExecutionTime < 5000 {
				return fmt.Errorf("job %s: %+v", ref.ID, st)
			}
			return nil
		case gateway.StatusPending, gateway.StatusInProgress:
		default:
			return fmt.Errorf("job %s ended %s: %s", ref.ID, st.Status, st.Error)
		}
	}
	return fmt.Errorf("job %s did not complete in time", ref.ID)
}
