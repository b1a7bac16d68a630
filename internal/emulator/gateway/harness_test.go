package gateway_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/novitalabs/terraform-provider-novita/internal/emulator/emulatortest"
	"github.com/novitalabs/terraform-provider-novita/internal/emulator/gateway"
)

const testTeam = "team-a"

// fakeDir is an in-memory Directory whose endpoints tests can change at will.
type fakeDir struct{ byName map[string]gateway.Endpoint }

func (d *fakeDir) LookupJobEndpoint(name string) (gateway.Endpoint, bool) {
	ep, ok := d.byName[name]
	return ep, ok
}

type harness struct {
	t     *testing.T
	clock *emulatortest.Clock
	dir   *fakeDir
	gw    *gateway.Gateway
}

func newHarness(t *testing.T, opts gateway.Options) *harness {
	t.Helper()
	clock := emulatortest.NewClock()
	opts.Now = clock.Now
	dir := &fakeDir{byName: map[string]gateway.Endpoint{}}
	gw := gateway.New(dir, opts)
	t.Cleanup(gw.Close)
	return &harness{t: t, clock: clock, dir: dir, gw: gw}
}

// endpoint registers an async, serving endpoint with small defaults that ep overrides where set,
// and returns its job name.
func (h *harness) endpoint(ep gateway.Endpoint) string {
	h.t.Helper()
	if ep.ID == "" {
		ep.ID = fmt.Sprintf("ep%02d", len(h.dir.byName)+1)
	}
	if ep.AppName == "" {
		ep.AppName = "app"
	}
	if ep.Team == "" {
		ep.Team = testTeam
	}
	if ep.Type == "" {
		ep.Type = "async"
		ep.Serving = true
	}
	if ep.MaxWorkers == 0 {
		ep.MaxWorkers = 1
	}
	if ep.MaxConcurrent == 0 {
		ep.MaxConcurrent = 1
	}
	if ep.FreeTimeoutSec == 0 {
		ep.FreeTimeoutSec = 30
	}
	if ep.PolicyType == "" {
		ep.PolicyType, ep.PolicyValue = "concurrency", 1
	}
	if ep.Image == "" {
		ep.Image = "example/echo:1"
	}
	name := ep.ID + "-" + ep.AppName
	h.dir.byName[name] = ep
	return name
}

// update changes a registered endpoint's configuration.
func (h *harness) update(name string, change func(*gateway.Endpoint)) {
	ep := h.dir.byName[name]
	change(&ep)
	h.dir.byName[name] = ep
}

// call sends one request as team; body is marshalled unless it is a string or []byte.
func (h *harness) call(method, path string, body any) (int, []byte) {
	team := testTeam
	h.t.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	case []byte:
		raw = b
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			h.t.Fatal(err)
		}
	}
	req := httptest.NewRequest(method, "/v1"+path, bytes.NewReader(raw))
	rec := httptest.NewRecorder()
	h.gw.Serve(rec, req, team, path)
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		h.t.Fatalf("%s %s: Content-Type %q", method, path, ct)
	}
	return rec.Code, rec.Body.Bytes()
}

// run submits input and returns the job id, failing the test unless the answer is 200 PENDING.
func (h *harness) run(name string, input any) string {
	h.t.Helper()
	code, body := h.call(http.MethodPost, "/"+name+"/run", map[string]any{"input": input})
	var ref jobRef
	decode(h.t, body, &ref)
	if code != http.StatusOK || ref.ID == "" || ref.Status != gateway.StatusPending {
		h.t.Fatalf("run: %d %s", code, body)
	}
	return ref.ID
}

func (h *harness) status(name, id string) statusBody {
	h.t.Helper()
	code, body := h.call(http.MethodGet, "/"+name+"/status/"+id, nil)
	if code != http.StatusOK {
		h.t.Fatalf("status %s: %d %s", id, code, body)
	}
	var st statusBody
	decode(h.t, body, &st)
	return st
}

func (h *harness) cancel(name, id string) jobRef {
	h.t.Helper()
	code, body := h.call(http.MethodPost, "/"+name+"/cancel/"+id, nil)
	if code != http.StatusOK {
		h.t.Fatalf("cancel %s: %d %s", id, code, body)
	}
	var ref jobRef
	decode(h.t, body, &ref)
	return ref
}

// health reads /health over HTTP, decoding strictly so the field names are checked too.
func (h *harness) health(name string) gateway.Health {
	h.t.Helper()
	code, body := h.call(http.MethodGet, "/"+name+"/health", nil)
	if code != http.StatusOK {
		h.t.Fatalf("health: %d %s", code, body)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var hl gateway.Health
	if err := dec.Decode(&hl); err != nil {
		h.t.Fatalf("health body %s: %v", body, err)
	}
	return hl
}

// wantHealth asserts an endpoint's health at the current fake time.
func (h *harness) wantHealth(stage, name string, want gateway.Health) {
	h.t.Helper()
	if got := h.health(name); got != want {
		h.t.Errorf("%s: health\n got %+v\nwant %+v", stage, got, want)
	}
}

// wantStatus asserts a job's status at the current fake time and returns the full answer.
func (h *harness) wantStatus(name, id, want string) statusBody {
	h.t.Helper()
	st := h.status(name, id)
	if st.Status != want {
		h.t.Fatalf("job %s: status %s (error %q), want %s", id, st.Status, st.Error, want)
	}
	return st
}

// wantError asserts an error answer with the contract's body.
func wantError(t *testing.T, code int, body []byte, wantCode int, wantReason string) apiError {
	t.Helper()
	var e apiError
	decode(t, body, &e)
	if code != wantCode || e.Code != wantCode || e.Reason != wantReason || e.Message == "" || e.Metadata == nil {
		t.Fatalf("got %d %s, want %d with reason %s and a message", code, body, wantCode, wantReason)
	}
	return e
}

func decode(t *testing.T, body []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
}

// The job API's answers, decoded independently of the gateway's own types.
type (
	jobRef struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	statusBody struct {
		ID            string          `json:"id"`
		Status        string          `json:"status"`
		Output        json.RawMessage `json:"output"`
		Error         string          `json:"error"`
		DelayTime     *int64          `json:"delayTime"`
		ExecutionTime *int64          `json:"executionTime"`
	}
	apiError struct {
		Code     int               `json:"code"`
		Reason   string            `json:"reason"`
		Message  string            `json:"message"`
		Metadata map[string]string `json:"metadata"`
	}
)

// handlerResult is what a worker image's handler made of one job.
type handlerResult struct {
	output  json.RawMessage
	err     string
	runTime time.Duration
}

func runHandler(ep gateway.Endpoint, jobID string, input json.RawMessage) handlerResult {
	var r handlerResult
	r.output, r.err, r.runTime = gateway.RunHandler(ep, jobID, input)
	return r
}

func workers(idle, running, throttled int) gateway.WorkerCounts {
	return gateway.WorkerCounts{Idle: idle, Running: running, Throttled: throttled, Total: idle + running + throttled}
}
