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
	gatewayPrefix = "/v1"
	productsPath  = "/gpus/v2/products"
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
}

// Emulator is an http.Handler serving the Novita APIs from memory.
type Emulator struct {
	opts Options
	keys map[string]string
	now  func() time.Time
	gw   *gateway.Gateway

	// mu guards everything below. Lock order: gateway, then mu. Never call the gateway with mu held.
	mu          sync.Mutex
	endpoints   map[string]*endpointRecord
	storages    map[string]*storageRecord
	credentials map[string]*credentialRecord
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
		storages:    map[string]*storageRecord{},
		credentials: map[string]*credentialRecord{},
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
	return e, nil
}

// Close stops the job gateway.
func (e *Emulator) Close() error {
	e.gw.Close()
	return nil
}

// Gateway returns the job gateway served under /v1.
func (e *Emulator) Gateway() *gateway.Gateway { return e.gw }

// Fault makes the next Times requests matching Method (empty: any) and Path (exact URL path, for
// example "/gpu-instance/openapi/v1/endpoint") answer an error instead of being served.
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

// Requests reports how many requests reached path (exact URL path), including failed ones.
func (e *Emulator) Requests(path string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.requests[path]
}

// route answers one management request for an authenticated team, with mu held.
type route func(e *Emulator, c *call) (any, *apiError)

// call is one management request: the caller's team, its query and its body.
type call struct {
	r    *http.Request
	team string
	body []byte
}

var routes = map[string]route{
	"POST " + mgmtPrefix + "/endpoint/create":        (*Emulator).createEndpoint,
	"GET " + mgmtPrefix + "/endpoint":                (*Emulator).getEndpoint,
	"GET " + mgmtPrefix + "/endpoints":               (*Emulator).listEndpoints,
	"POST " + mgmtPrefix + "/endpoint/update":        (*Emulator).updateEndpoint,
	"POST " + mgmtPrefix + "/endpoint/delete":        (*Emulator).deleteEndpoint,
	"GET " + mgmtPrefix + "/endpoint/limit":          (*Emulator).getLimits,
	"GET " + mgmtPrefix + "/clusters":                (*Emulator).listClusters,
	"GET " + productsPath:                            (*Emulator).listProducts,
	"POST " + mgmtPrefix + "/networkstorage/create":  (*Emulator).createStorage,
	"GET " + mgmtPrefix + "/networkstorages/list":    (*Emulator).listStorages,
	"POST " + mgmtPrefix + "/networkstorage/update":  (*Emulator).updateStorage,
	"POST " + mgmtPrefix + "/networkstorage/delete":  (*Emulator).deleteStorage,
	"POST " + mgmtPrefix + "/repository/auth/save":   (*Emulator).createCredential,
	"GET " + mgmtPrefix + "/repository/auths":        (*Emulator).listCredentials,
	"POST " + mgmtPrefix + "/repository/auth/delete": (*Emulator).deleteCredential,
}

// ServeHTTP answers management requests itself and passes /v1/... to the job gateway.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if e.injectFaults(w, r) {
		return
	}
	path := r.URL.Path
	if f, hit := e.countAndMatchFault(r.Method, path); hit {
		writeError(w, faultError(f))
		return
	}
	team, aerr := e.authenticate(r)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	if path == gatewayPrefix || strings.HasPrefix(path, gatewayPrefix+"/") {
		e.flushForget()
		e.gw.Serve(w, r, team, strings.TrimPrefix(path, gatewayPrefix))
		return
	}

	handle, ok := routes[r.Method+" "+path]
	if !ok {
		writeError(w, noRoute(r.Method, path))
		return
	}
	c := &call{r: r, team: team}
	if r.Method == http.MethodPost {
		body, aerr := readBody(w, r)
		if aerr != nil {
			writeError(w, aerr)
			return
		}
		c.body = body
	}

	e.mu.Lock()
	e.settleLocked()
	resp, aerr := handle(e, c)
	if err := e.saveIfDirtyLocked(); err != nil && aerr == nil {
		aerr = &apiError{Status: http.StatusInternalServerError, Reason: "UNKNOWN", Message: "saving the emulator state failed: " + err.Error()}
	}
	e.mu.Unlock()
	e.flushForget()

	if aerr != nil {
		writeError(w, aerr)
		return
	}
	e.attachWorkers(resp)
	writeJSON(w, http.StatusOK, resp)
}

// authenticate maps the bearer key to its team.
func (e *Emulator) authenticate(r *http.Request) (string, *apiError) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "", &apiError{Status: http.StatusUnauthorized, Reason: "UNAUTHORIZED", Message: "missing API key: send Authorization: Bearer <key>"}
	}
	scheme, key, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(key) == "" {
		return "", &apiError{Status: http.StatusUnauthorized, Reason: "UNAUTHORIZED", Message: "malformed Authorization header: expected Bearer <key>"}
	}
	team, ok := e.keys[strings.TrimSpace(key)]
	if !ok {
		return "", &apiError{Status: http.StatusUnauthorized, Reason: "UNAUTHORIZED", Message: "invalid API key"}
	}
	return team, nil
}

// countAndMatchFault counts the request and consumes the first matching fault, if any.
func (e *Emulator) countAndMatchFault(method, path string) (Fault, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.requests[path]++
	for i := range e.faults {
		f := &e.faults[i]
		if f.Path != path || (f.Method != "" && !strings.EqualFold(f.Method, method)) {
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
