// Package gateway emulates Novita's async job gateway: job queue, simulated workers and scaling.
// It knows endpoints only through the Directory the emulator gives it.
//
// The simulation has no goroutines. Every call (an HTTP request, Job, Health, Workers) first
// replays, in time order, every event of the endpoint it concerns between that endpoint's last
// processed instant and Options.Now(): cold starts ending, jobs finishing or timing out, scaling
// decisions and idle releases; Advance does so for every endpoint. Endpoints are independent, so
// the cost of a call does not grow with the number of endpoints. A test can therefore move a fake
// clock and observe exact states; with the real clock it simply keeps up.
//
// The model, per endpoint:
//   - Jobs queue FIFO and start on the least busy started worker with fewer than MaxConcurrent
//     jobs. A worker's handler (chosen by Endpoint.Image) decides the output, error and run time
//     when the job starts; a job still running after RequestTimeoutSec ends TIMED_OUT.
//   - Workers stay between MinWorkers and MaxWorkers. Policy "concurrency" wants
//     ceil((queued + running) / PolicyValue) workers; policy "queue" starts one worker at once
//     when there are none, then adds one each time the oldest queued job has waited PolicyValue
//     seconds (at most one per PolicyValue seconds, and not while starting workers can take the
//     whole queue). A new worker takes jobs after Options.ColdStart (a fifth of it when the
//     Directory reports its image prewarmed in its cluster). An idle worker is released
//     after FreeTimeoutSec unless the pool would drop below what min and the policy want; above
//     MaxWorkers (after a config change) starting and idle workers go at once, busy ones when done.
//   - Health: throttled = workers still in cold start; failed includes TIMED_OUT; retried is 0.
//   - Every simulated duration is divided by Options.Speed; delayTime/executionTime report
//     simulated time. Result retention (6 h) is clock time and is not scaled.
//   - The Directory's current configuration of an endpoint applies from the moment the gateway
//     next consults it for that endpoint (events until then play under the previous one); the
//     min workers of an endpoint seen for the first time are taken to be warm.
package gateway

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"
)

// Endpoint is what the gateway needs to know about one serverless endpoint.
type Endpoint struct {
	ID                string
	AppName           string
	Team              string
	Type              string // "async" or "sync"
	Serving           bool   // status is "running": the endpoint takes jobs
	MinWorkers        int
	MaxWorkers        int
	FreeTimeoutSec    int    // idle workers are released after this
	MaxConcurrent     int    // jobs per worker at once
	RequestTimeoutSec int    // a job running longer ends TIMED_OUT
	PolicyType        string // "queue" or "concurrency"
	PolicyValue       int
	Image             string
	Env               map[string]string
	// ImagePrewarmed: the image is cached in the endpoint's cluster (a Succeeded prewarm task), so
	// new workers load it locally and cold-start in 1/PrewarmedColdStartDivisor of the time.
	ImagePrewarmed bool
}

// Directory resolves a job name ("<endpoint id>-<app name>", or the bare endpoint id) to its
// endpoint.
// Implementations must not call back into the Gateway.
type Directory interface {
	LookupJobEndpoint(name string) (Endpoint, bool)
}

// DefaultColdStart is the simulated start-up time of a new worker when Options.ColdStart is 0.
const DefaultColdStart = 10 * time.Second

// PrewarmedColdStartDivisor divides the cold start of workers whose image is prewarmed.
const PrewarmedColdStartDivisor = 5

// ResultRetention is how long a finished job stays readable. It is wall-clock time (by
// Options.Now) and is not divided by Options.Speed.
const ResultRetention = 6 * time.Hour

// MaxRequestBytes is the largest job request body the gateway accepts (4 MiB).
const MaxRequestBytes = 4 << 20

// Options tunes the simulation.
type Options struct {
	Now   func() time.Time // injectable clock; nil means time.Now
	Speed float64          // simulated durations are divided by Speed; 0 means 1
	// ColdStart is the simulated time a new worker needs before it takes jobs:
	// 0 means DefaultColdStart, a negative value means workers start instantly.
	ColdStart time.Duration
}

// Job statuses.
const (
	StatusPending    = "PENDING"
	StatusInProgress = "IN_PROGRESS"
	StatusCompleted  = "COMPLETED"
	StatusFailed     = "FAILED"
	StatusCancelled  = "CANCELLED"
	StatusTimedOut   = "TIMED_OUT"
)

// Job is a snapshot of one job, for tests and for the emulator.
type Job struct {
	ID          string
	EndpointID  string
	Status      string
	Input       json.RawMessage
	Output      json.RawMessage // set when COMPLETED
	Error       string          // set when FAILED or TIMED_OUT
	WorkerID    string          // the worker that ran it, if it started
	SubmittedAt time.Time       // clock times (Options.Now)
	StartedAt   time.Time
	FinishedAt  time.Time
	// DelayTime (queue wait) and ExecutionTime are simulated durations: clock time × Speed.
	DelayTime     time.Duration
	ExecutionTime time.Duration
}

// Health is the body of GET /{name}/health.
type Health struct {
	Workers WorkerCounts `json:"workers"`
	Jobs    JobCounts    `json:"jobs"`
}

// WorkerCounts counts an endpoint's workers; Idle + Running + Throttled == Total.
type WorkerCounts struct {
	Idle      int `json:"idle"`      // started, no job
	Running   int `json:"running"`   // started, at least one job
	Throttled int `json:"throttled"` // still in cold start: allocated but not yet taking jobs
	Total     int `json:"total"`
}

// JobCounts counts an endpoint's jobs. Completed and Failed are cumulative since the gateway first
// saw the endpoint; Failed includes TIMED_OUT jobs. Retried is always 0: the emulator never retries.
type JobCounts struct {
	Completed  int `json:"completed"`
	Failed     int `json:"failed"`
	InProgress int `json:"inProgress"`
	InQueue    int `json:"inQueue"`
	Retried    int `json:"retried"`
}

// Worker describes one simulated worker, for the management API's endpoint view.
type Worker struct {
	ID    string
	State string // "starting" during cold start, then "running"
	Jobs  int    // jobs it is running now
}

// Gateway serves the job API for every endpoint in its Directory.
type Gateway struct {
	dir  Directory
	opts Options

	mu         sync.Mutex
	endpoints  map[string]*endpointState // by endpoint id
	jobs       map[string]*job           // by job id, every endpoint's
	nextExpiry time.Time                 // earliest time a finished job's result expires; zero: none
}

// New returns a gateway over dir.
func New(dir Directory, opts Options) *Gateway {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Speed <= 0 {
		opts.Speed = 1
	}
	switch {
	case opts.ColdStart == 0:
		opts.ColdStart = DefaultColdStart
	case opts.ColdStart < 0:
		opts.ColdStart = 0
	}
	return &Gateway{
		dir:       dir,
		opts:      opts,
		endpoints: map[string]*endpointState{},
		jobs:      map[string]*job{},
	}
}

// Forget drops all jobs and workers of an endpoint (called after the endpoint is deleted).
func (g *Gateway) Forget(endpointID string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.endpoints, endpointID)
	for id, j := range g.jobs {
		if j.endpointID == endpointID {
			delete(g.jobs, id)
		}
	}
}

// Close stops any background work. The gateway has none; Close exists for symmetry.
func (g *Gateway) Close() {}

// Advance processes every endpoint's simulated events up to Options.Now().
func (g *Gateway) Advance() {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.opts.Now()
	for _, s := range g.endpoints {
		g.refresh(s, now)
	}
	g.expireResults(now)
}

// Job returns a snapshot of a job after advancing its endpoint's simulation; false when unknown
// or expired.
func (g *Gateway) Job(id string) (Job, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.opts.Now()
	if j, ok := g.jobs[id]; ok && g.endpoints[j.endpointID] != nil {
		g.refresh(g.endpoints[j.endpointID], now)
	}
	g.expireResults(now)
	j, ok := g.jobs[id]
	if !ok {
		return Job{}, false
	}
	return j.snapshot(g.opts.Speed), true
}

// Health returns an endpoint's health after advancing the simulation; false when the Directory
// does not know the name. It does not check team, type or state.
func (g *Gateway) Health(name string) (Health, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	ep, ok := g.dir.LookupJobEndpoint(name)
	if !ok {
		return Health{}, false
	}
	return g.state(name, ep).health(), true
}

// Workers lists an endpoint's simulated workers after advancing the simulation; false when the
// Directory does not know the name.
func (g *Gateway) Workers(name string) ([]Worker, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	ep, ok := g.dir.LookupJobEndpoint(name)
	if !ok {
		return nil, false
	}
	s := g.state(name, ep)
	out := make([]Worker, 0, len(s.workers))
	for _, w := range s.workers {
		state := "running"
		if !w.ready {
			state = "starting"
		}
		out = append(out, Worker{ID: w.id, State: state, Jobs: len(w.jobs)})
	}
	return out, true
}

// Serve answers one job-API request for an already authenticated caller of the given team.
// path is the request path below the gateway's /v1 prefix, e.g. "/{name}/run".
func (g *Gateway) Serve(w http.ResponseWriter, r *http.Request, team string, path string) {
	g.serveHTTP(w, r, team, path)
}
