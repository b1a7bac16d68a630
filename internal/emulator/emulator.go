package emulator

import (
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/novitalabs/terraform-provider-novita/internal/emulator/gateway"
)

// DefaultAPIKey is the key accepted when Options.Keys is nil.
const DefaultAPIKey = "sk_emulator_local_key"

// UnpullableImage is an image whose endpoints fail during creation, as if the registry had no
// such manifest. Any image reference containing "unpullable" behaves the same.
const UnpullableImage = "novitalabs/unpullable-worker:latest"

// Paths of the surfaces the emulator serves.
const (
	mgmtPrefix    = "/gpu-instance/openapi/v1"
	v2Prefix      = "/gpus/v2"
	gatewayPrefix = "/v1"
	maxBodyBytes  = 4 << 20 // request bodies above 4 MiB are refused
)

// Options configures an Emulator. The zero value is usable: the default key, the real clock and
// instant lifecycle transitions.
type Options struct {
	Keys                                  map[string]string // API key -> team; nil means {DefaultAPIKey: "default"}
	Now                                   func() time.Time  // injectable clock; nil means time.Now
	CreateDelay, UpdateDelay, DeleteDelay time.Duration     // endpoint lifecycle timings
	Speed                                 float64           // passed to the job gateway
	StateFile                             string            // optional: loaded at New, saved after every mutation
	ColdStart                             time.Duration     // passed to the job gateway: 0 its default, < 0 instant
	// ClusterReactivation, when > 0, simulates a seen quirk: for this long after a team's last
	// endpoint in a cluster is fully deleted, the team's next create there fails once with
	// "cluster is not active, please retry later". 0 turns it off.
	ClusterReactivation time.Duration
	// PrewarmTime is how long an image prewarm task takes from create to Succeeded (Pending for
	// its first fifth); 0 finishes at once.
	PrewarmTime time.Duration
}

// Emulator is an http.Handler serving the Novita APIs from memory.
type Emulator struct {
	opts Options
	keys map[string]string
	now  func() time.Time
	gw   *gateway.Gateway
	mux  *http.ServeMux

	// mu guards everything below. Lock order: gateway, then mu. Never call the gateway with mu held.
	mu          sync.Mutex
	endpoints   map[string]*endpointRecord
	order       []*endpointRecord          // every team's endpoints by Seq, for cursor paging
	pending     map[string]*endpointRecord // endpoints with a transition under way
	storages    map[string]*storageRecord
	credentials map[string]*credentialRecord
	prewarms    map[string]*prewarmRecord
	seq         int64    // creation order of records, for stable listings
	dirty       bool     // state changed since the last save
	forget      []string // fully deleted endpoints the gateway has not been told about yet
	faults      []Fault
	requests    map[string]int
	inactive    map[string]time.Time // team+"/"+cluster -> until when the next create is refused once

	injector faultInjector // the FaultPlan in force (faults.go); its own lock
}

// New returns an emulator, loading Options.StateFile when it exists.
func New(opts Options) (*Emulator, error) {
	e := &Emulator{
		opts:        opts,
		keys:        opts.Keys,
		now:         opts.Now,
		endpoints:   map[string]*endpointRecord{},
		pending:     map[string]*endpointRecord{},
		storages:    map[string]*storageRecord{},
		credentials: map[string]*credentialRecord{},
		prewarms:    map[string]*prewarmRecord{},
		requests:    map[string]int{},
		inactive:    map[string]time.Time{},
	}
	if e.keys == nil {
		e.keys = map[string]string{DefaultAPIKey: "default"}
	}
	if e.now == nil {
		e.now = time.Now
	}
	if err := e.loadState(); err != nil {
		return nil, err
	}
	e.gw = gateway.New(directory{e}, gateway.Options{Now: opts.Now, Speed: opts.Speed, ColdStart: opts.ColdStart})
	e.mux = e.routes()
	return e, nil
}

// Close stops the job gateway.
func (e *Emulator) Close() error {
	e.gw.Close()
	return nil
}

// Gateway returns the job gateway served under /v1.
func (e *Emulator) Gateway() *gateway.Gateway { return e.gw }

// Fault makes the next Times requests matching Method (empty: any) and Path answer an error
// instead of being served. Path is an exact URL path ("/gpus/v2/endpoints/0123456789abcdef") or
// the path of a route pattern ("/gpus/v2/endpoints/{endpoint_id}", every endpoint's).
type Fault struct {
	Method     string
	Path       string
	Status     int    // HTTP status, for example 429 or 503; 0 means 500
	Reason     string // error reason; empty means one derived from Status
	Message    string // error message; empty means "injected fault"
	RetryAfter string // Retry-After header value, if any
	Times      int    // how many requests fail; < 1 means 1
}

// InjectFault queues f; faults are matched in the order they were injected.
func (e *Emulator) InjectFault(f Fault) {
	if f.Times < 1 {
		f.Times = 1
	}
	if f.Status < 100 {
		f.Status = http.StatusInternalServerError
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = append(e.faults, f)
}

// Requests reports how many requests arrived, failed ones included, under key: an exact URL path
// ("/gpus/v2/endpoints/0123456789abcdef", any method) or a route pattern as registered, method
// included ("PUT /gpus/v2/endpoints/{endpoint_id}"). See Routes.
func (e *Emulator) Requests(key string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.requests[key]
}

// countAndMatchFault counts the request under its path and its route pattern, and consumes the
// first matching fault, if any.
func (e *Emulator) countAndMatchFault(r *http.Request, pattern string) (Fault, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	path := r.URL.Path
	e.requests[path]++
	patternPath := ""
	if pattern != "" {
		e.requests[pattern]++
		_, patternPath, _ = strings.Cut(pattern, " ")
		if patternPath == "" {
			patternPath = pattern // a pattern without a method
		}
	}
	for i := range e.faults {
		f := &e.faults[i]
		if (f.Path != path && f.Path != patternPath) || (f.Method != "" && !strings.EqualFold(f.Method, r.Method)) {
			continue
		}
		hit := *f
		f.Times--
		if f.Times <= 0 {
			e.faults = append(e.faults[:i], e.faults[i+1:]...)
		}
		return hit, true
	}
	return Fault{}, false
}

// flushForget tells the gateway about endpoints that are gone. It must run without mu held.
func (e *Emulator) flushForget() {
	e.mu.Lock()
	ids := e.forget
	e.forget = nil
	e.mu.Unlock()
	for _, id := range ids {
		e.gw.Forget(id)
	}
}
