// Package gateway emulates Novita's async job gateway: job queue, simulated workers and scaling.
// It knows endpoints only through the Directory the emulator gives it.
package gateway

import (
	"net/http"
	"time"
)

// Endpoint is what the gateway needs to know about one serverless endpoint.
type Endpoint struct {
	ID                string
	AppName           string
	Team              string
	Type              string // "async" or "sync"
	Serving           bool   // state is "serving"
	MinWorkers        int
	MaxWorkers        int
	FreeTimeoutSec    int    // idle workers are released after this
	MaxConcurrent     int    // jobs per worker at once
	RequestTimeoutSec int    // a job running longer ends TIMED_OUT
	PolicyType        string // "queue" or "concurrency"
	PolicyValue       int
	Image             string
	Env               map[string]string
}

// Directory resolves a job name ("<endpoint id>-<app name>") to its endpoint.
// Implementations must not call back into the Gateway.
type Directory interface {
	LookupJobEndpoint(name string) (Endpoint, bool)
}

// Options tunes the simulation.
type Options struct {
	Now   func() time.Time // injectable clock; nil means time.Now
	Speed float64          // simulated durations are divided by Speed; 0 means 1
}

// Gateway serves the job API for every endpoint in its Directory.
type Gateway struct {
	dir  Directory
	opts Options
}

// New returns a gateway over dir.
func New(dir Directory, opts Options) *Gateway {
	return &Gateway{dir: dir, opts: opts}
}

// Serve answers one job-API request for an already authenticated caller of the given team.
// path is the request path below the gateway's /v1 prefix, e.g. "/{name}/run".
func (g *Gateway) Serve(w http.ResponseWriter, r *http.Request, team string, path string) {
	http.Error(w, `{"code":501,"reason":"UNKNOWN","message":"job gateway not implemented yet"}`, http.StatusNotImplemented)
}

// Forget drops all jobs and workers of an endpoint (called after the endpoint is deleted).
func (g *Gateway) Forget(endpointID string) {}

// Close stops any background work.
func (g *Gateway) Close() {}
