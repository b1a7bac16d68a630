package emulator

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// route answers one management request for an authenticated caller, with mu held.
type route func(e *Emulator, c *call) (any, *apiError)

// call is one management request: the caller and its request and body.
type call struct {
	caller
	r    *http.Request
	body []byte
}

// caller is who sent a request: the team that owns the objects and the member (API key) acting.
type caller struct {
	team, member string
}

type callerKey struct{}

// routeTable is every management route, as http.ServeMux patterns.
var routeTable = map[string]route{
	"POST " + v2Prefix + "/endpoints":                 (*Emulator).createEndpoint,
	"GET " + v2Prefix + "/endpoints":                  (*Emulator).listEndpoints,
	"GET " + v2Prefix + "/endpoints/{endpoint_id}":    (*Emulator).getEndpoint,
	"PUT " + v2Prefix + "/endpoints/{endpoint_id}":    (*Emulator).updateEndpoint,
	"DELETE " + v2Prefix + "/endpoints/{endpoint_id}": (*Emulator).deleteEndpoint,
	"GET " + v2Prefix + "/products":                   (*Emulator).listProducts,
	"GET " + mgmtPrefix + "/endpoint/limit":           (*Emulator).getLimits,
	"GET " + mgmtPrefix + "/clusters":                 (*Emulator).listClusters,
	"POST " + mgmtPrefix + "/networkstorage/create":   (*Emulator).createStorage,
	"GET " + mgmtPrefix + "/networkstorages/list":     (*Emulator).listStorages,
	"POST " + mgmtPrefix + "/networkstorage/update":   (*Emulator).updateStorage,
	"POST " + mgmtPrefix + "/networkstorage/delete":   (*Emulator).deleteStorage,
	"POST " + mgmtPrefix + "/repository/auth/save":    (*Emulator).createCredential,
	"GET " + mgmtPrefix + "/repository/auths":         (*Emulator).listCredentials,
	"POST " + mgmtPrefix + "/repository/auth/delete":  (*Emulator).deleteCredential,
	"POST " + mgmtPrefix + "/image/prewarm":           (*Emulator).createPrewarm,
	"GET " + mgmtPrefix + "/image/prewarm":            (*Emulator).listPrewarms,
	"POST " + mgmtPrefix + "/image/prewarm/edit":      (*Emulator).editPrewarm,
	"POST " + mgmtPrefix + "/image/prewarm/delete":    (*Emulator).deletePrewarm,
	"GET " + mgmtPrefix + "/image/prewarm/quota":      (*Emulator).prewarmQuota,
}

// Routes lists the route patterns the emulator serves, sorted: the management routes (keys for
// Requests) and the job gateway's subtree.
func Routes() []string {
	out := []string{gatewayPrefix + "/"}
	for p := range routeTable {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

func (e *Emulator) routes() *http.ServeMux {
	mux := http.NewServeMux()
	for pattern, handle := range routeTable {
		mux.Handle(pattern, e.api(handle))
	}
	gw := http.HandlerFunc(e.serveGateway)
	mux.Handle(gatewayPrefix, gw)
	mux.Handle(gatewayPrefix+"/", gw)
	return mux
}

// ServeHTTP counts the request, plays any injected fault, authenticates the caller and routes.
// ServeMux's own 404 and 405 answers are rewritten into the API's error body.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if e.injectFaults(w, r) { // the FaultPlan in force (faults.go)
		return
	}
	miss, pattern := e.mux.Handler(r)
	if f, hit := e.countAndMatchFault(r, pattern); hit {
		writeError(w, faultError(f))
		return
	}
	who, aerr := e.authenticate(r)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	if pattern == "" {
		writeError(w, muxMiss(miss, r))
		return
	}
	e.mux.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), callerKey{}, who)))
}

// muxMiss turns ServeMux's answer for a request no pattern matches (404, or 405 with Allow) into
// the API's error.
func muxMiss(h http.Handler, r *http.Request) *apiError {
	rec := &headerRecorder{header: http.Header{}}
	h.ServeHTTP(rec, r)
	if rec.status == http.StatusMethodNotAllowed {
		allow := rec.header.Get("Allow")
		return &apiError{Status: http.StatusMethodNotAllowed, Reason: "REQUEST", Allow: allow,
			Message: fmt.Sprintf("method %s is not allowed on %s; allowed: %s", r.Method, r.URL.Path, allow)}
	}
	return &apiError{Status: http.StatusNotFound, Reason: "NOT_FOUND", Message: fmt.Sprintf("no such API: %s %s", r.Method, r.URL.Path)}
}

// headerRecorder keeps the status and headers of an answer and drops its body.
type headerRecorder struct {
	header http.Header
	status int
}

func (h *headerRecorder) Header() http.Header { return h.header }

func (h *headerRecorder) WriteHeader(status int) {
	if h.status == 0 {
		h.status = status
	}
}

func (h *headerRecorder) Write(b []byte) (int, error) {
	h.WriteHeader(http.StatusOK)
	return len(b), nil
}

// authenticate maps the bearer key to its team and member.
func (e *Emulator) authenticate(r *http.Request) (caller, *apiError) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return caller{}, &apiError{Status: http.StatusUnauthorized, Reason: "UNAUTHORIZED", Message: "missing API key: send Authorization: Bearer <key>"}
	}
	scheme, key, ok := strings.Cut(h, " ")
	key = strings.TrimSpace(key)
	if !ok || !strings.EqualFold(scheme, "Bearer") || key == "" {
		return caller{}, &apiError{Status: http.StatusUnauthorized, Reason: "UNAUTHORIZED", Message: "malformed Authorization header: expected Bearer <key>"}
	}
	team, ok := e.keys[key]
	if !ok {
		return caller{}, &apiError{Status: http.StatusUnauthorized, Reason: "UNAUTHORIZED", Message: "invalid API key"}
	}
	return caller{team: team, member: memberID(team, key)}, nil
}

// api serves one management route: read the body, run the handler on the settled store, save,
// then fill in the gateway's live workers (outside the lock) and answer.
func (e *Emulator) api(handle route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := &call{r: r}
		c.caller, _ = r.Context().Value(callerKey{}).(caller)
		if r.Method == http.MethodPost || r.Method == http.MethodPut {
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
	})
}

// serveGateway passes /v1/... to the job gateway.
func (e *Emulator) serveGateway(w http.ResponseWriter, r *http.Request) {
	who, _ := r.Context().Value(callerKey{}).(caller)
	e.flushForget()
	e.gw.Serve(w, r, who.team, strings.TrimPrefix(r.URL.Path, gatewayPrefix))
}
