package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// apiError is the contract's error body: {code, reason, message, metadata}.
type apiError struct {
	Code     int               `json:"code"`
	Reason   string            `json:"reason"`
	Message  string            `json:"message"`
	Metadata map[string]string `json:"metadata"`
}

func newError(code int, reason, format string, args ...any) *apiError {
	return &apiError{Code: code, Reason: reason, Message: fmt.Sprintf(format, args...), Metadata: map[string]string{}}
}

// Error reasons the gateway answers with.
const (
	reasonEndpointNotFound = "SERVERLESS_ENDPOINT_NOT_FOUND"
	reasonNotFound         = "RESOURCE_NOT_FOUND"
	reasonValidator        = "VALIDATOR_PARAM"
	reasonRequest          = "REQUEST"
)

// statusBody is the body of GET /{name}/status/{id}; times are simulated milliseconds.
type statusBody struct {
	ID            string          `json:"id"`
	Status        string          `json:"status"`
	Output        json.RawMessage `json:"output,omitempty"`
	Error         string          `json:"error,omitempty"`
	DelayTime     *int64          `json:"delayTime,omitempty"`
	ExecutionTime *int64          `json:"executionTime,omitempty"`
}

// jobRef is the body of run and cancel answers.
type jobRef struct {
	ID     string `json:"id"`
	Status string `json:"status"`
}

// route is a parsed job-API path.
type route struct {
	name, op, jobID string
	method          string
}

func parseRoute(path string) (route, bool) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) < 2 || parts[0] == "" {
		return route{}, false
	}
	rt := route{name: parts[0], op: parts[1]}
	switch {
	case len(parts) == 2 && rt.op == "run":
		rt.method = http.MethodPost
	case len(parts) == 2 && rt.op == "health":
		rt.method = http.MethodGet
	case len(parts) == 3 && rt.op == "status" && parts[2] != "":
		rt.method, rt.jobID = http.MethodGet, parts[2]
	case len(parts) == 3 && rt.op == "cancel" && parts[2] != "":
		rt.method, rt.jobID = http.MethodPost, parts[2]
	default:
		return route{}, false
	}
	return rt, true
}

func (g *Gateway) serveHTTP(w http.ResponseWriter, r *http.Request, team, path string) {
	rt, ok := parseRoute(path)
	if !ok {
		writeJSON(w, http.StatusNotFound, newError(http.StatusNotFound, reasonNotFound,
			"no job API route %q: use /{name}/run, /{name}/status/{id}, /{name}/cancel/{id} or /{name}/health", path))
		return
	}
	if r.Method != rt.method {
		w.Header().Set("Allow", rt.method)
		writeJSON(w, http.StatusMethodNotAllowed, newError(http.StatusMethodNotAllowed, reasonRequest,
			"%s /{name}/%s is not supported; use %s", r.Method, rt.op, rt.method))
		return
	}
	var input json.RawMessage
	if rt.op == "run" {
		// Read the body before taking the lock: a slow client must not stall the gateway.
		var apiErr *apiError
		if input, apiErr = readRunInput(w, r); apiErr != nil {
			writeJSON(w, apiErr.Code, apiErr)
			return
		}
	}

	g.mu.Lock()
	defer g.mu.Unlock()
	ep, apiErr := g.resolve(team, rt.name, rt.op == "run")
	if apiErr != nil {
		writeJSON(w, apiErr.Code, apiErr)
		return
	}
	s := g.state(rt.name, ep)

	switch rt.op {
	case "run":
		j := g.submit(s, input)
		// The answer describes the job as accepted, even if a warm worker picked it up at once.
		writeJSON(w, http.StatusOK, jobRef{ID: j.id, Status: StatusPending})
	case "health":
		writeJSON(w, http.StatusOK, s.health())
	case "status", "cancel":
		j, ok := g.jobs[rt.jobID]
		if !ok || j.endpointID != ep.ID {
			writeJSON(w, http.StatusNotFound, newError(http.StatusNotFound, reasonNotFound,
				"job %q not found on endpoint %q (unknown, or its result expired %s after it finished)",
				rt.jobID, rt.name, ResultRetention))
			return
		}
		if rt.op == "cancel" {
			g.cancel(s, j)
			writeJSON(w, http.StatusOK, jobRef{ID: j.id, Status: j.status})
			return
		}
		writeJSON(w, http.StatusOK, statusOf(j.snapshot(g.opts.Speed)))
	}
}

// resolve finds the caller's async endpoint behind a job name. Another team's endpoint answers
// exactly like an unknown one. A submit also needs the endpoint to be running; status, cancel and
// health keep answering while it is not (during an update), so callers can follow their jobs.
func (g *Gateway) resolve(team, name string, needServing bool) (Endpoint, *apiError) {
	ep, ok := g.dir.LookupJobEndpoint(name)
	if !ok || ep.Team != team {
		return Endpoint{}, newError(http.StatusNotFound, reasonEndpointNotFound, "serverless endpoint %q not found", name)
	}
	if ep.Type != "async" {
		return Endpoint{}, newError(http.StatusNotFound, reasonEndpointNotFound,
			"serverless endpoint %q is not an async endpoint: the job API serves only async endpoints", name)
	}
	if needServing && !ep.Serving {
		return Endpoint{}, newError(http.StatusNotFound, reasonEndpointNotFound,
			"serverless endpoint %q is not running yet: wait until its status is running, then submit", name)
	}
	return ep, nil
}

// readRunInput reads a run body, at most MaxRequestBytes, and returns its "input" compacted.
func readRunInput(w http.ResponseWriter, r *http.Request) (json.RawMessage, *apiError) {
	tooLarge := newError(http.StatusRequestEntityTooLarge, reasonRequest,
		"job request body exceeds %d bytes (4 MiB): upload large inputs to storage and pass URLs", MaxRequestBytes)
	if r.ContentLength > MaxRequestBytes {
		return nil, tooLarge
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxRequestBytes))
	if err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return nil, tooLarge
		}
		return nil, newError(http.StatusBadRequest, reasonValidator, "cannot read the request body")
	}
	var req struct {
		Input json.RawMessage `json:"input"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, newError(http.StatusBadRequest, reasonValidator, `request body must be a JSON object {"input": ...}: %v`, err)
	}
	if isNull(req.Input) {
		return nil, newError(http.StatusBadRequest, reasonValidator, `"input" is required`)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, req.Input); err != nil {
		return nil, newError(http.StatusBadRequest, reasonValidator, `"input" is not valid JSON: %v`, err)
	}
	return compact.Bytes(), nil
}

func statusOf(j Job) statusBody {
	b := statusBody{ID: j.ID, Status: j.Status, Output: j.Output, Error: j.Error}
	if !j.StartedAt.IsZero() {
		b.DelayTime = millis(j.DelayTime)
		if !j.FinishedAt.IsZero() {
			b.ExecutionTime = millis(j.ExecutionTime)
		}
	}
	return b
}

func millis(d time.Duration) *int64 {
	ms := d.Milliseconds()
	return &ms
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
