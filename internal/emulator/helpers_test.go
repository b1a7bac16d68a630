package emulator_test

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
	"github.com/novitalabs/terraform-provider-novita/internal/emulator/emulatortest"
)

// The contract's paths, written out as a client would.
const (
	v1        = "/gpu-instance/openapi/v1"
	endpoints = "/gpus/v2/endpoints"
	products  = "/gpus/v2/products"
	keyA      = "sk_team_a"
	keyA2     = "sk_team_a_second_member"
	keyB      = "sk_team_b"
	product   = "SL-serverless-1" // RTX 4090, 1-8 GPUs, in us-dallas-1 and eu-frankfurt-1
)

type harness struct {
	t     *testing.T
	emu   *emulator.Emulator
	url   string
	clock *emulatortest.Clock
}

// newHarness serves an emulator with two teams (keyA and keyA2 for team A, keyB for team B), a
// fake clock and the given delays.
func newHarness(t *testing.T, opts emulator.Options) *harness {
	t.Helper()
	clock := emulatortest.NewClock()
	if opts.Keys == nil {
		opts.Keys = map[string]string{keyA: "team-a", keyA2: "team-a", keyB: "team-b"}
	}
	if opts.Now == nil {
		opts.Now = clock.Now
	}
	emu, srv := emulatortest.Start(t, opts)
	return &harness{t: t, emu: emu, url: srv.URL, clock: clock}
}

// response is one HTTP answer, decoded loosely.
type response struct {
	status int
	header http.Header
	raw    string
	body   any
}

func (r response) obj() map[string]any {
	m, _ := r.body.(map[string]any)
	return m
}

func (r response) reason() string {
	s, _ := r.obj()["reason"].(string)
	return s
}

func (r response) message() string {
	s, _ := r.obj()["message"].(string)
	return s
}

// call sends a request with key (empty: no Authorization header) and a raw JSON body.
func (h *harness) call(method, path, key, body string) response {
	h.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, h.url+path, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := response{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &out.body)
	return out
}

func (h *harness) get(path, key string) response { return h.call("GET", path, key, "") }

func (h *harness) post(path, key, body string) response { return h.call("POST", path, key, body) }

// mustOK fails the test unless r is a 200.
func mustOK(t *testing.T, r response) response {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status %d, want 200: %s", r.status, r.raw)
	}
	return r
}

// wantError checks an error answer's status and reason, and the full error body shape.
func wantError(t *testing.T, r response, status int, reason string) {
	t.Helper()
	if r.status != status || r.reason() != reason {
		t.Fatalf("got %d %q, want %d %q: %s", r.status, r.reason(), status, reason, r.raw)
	}
	o := r.obj()
	if code, _ := o["code"].(float64); int(code) != status {
		t.Errorf("code = %v, want %d", o["code"], status)
	}
	if _, ok := o["metadata"].(map[string]any); !ok {
		t.Errorf("metadata missing or not an object: %s", r.raw)
	}
	if r.message() == "" {
		t.Errorf("empty message: %s", r.raw)
	}
}

// wantInvalid checks a VALIDATOR_PARAM answer whose message contains every fragment.
func wantInvalid(t *testing.T, r response, fragments ...string) {
	t.Helper()
	wantError(t, r, http.StatusBadRequest, "VALIDATOR_PARAM")
	for _, f := range fragments {
		if !strings.Contains(r.message(), f) {
			t.Errorf("message %q does not contain %q", r.message(), f)
		}
	}
}

// endpointSpec is a valid v2 create body as a JSON object; tweak it with set.
func endpointSpec() map[string]any {
	return map[string]any{
		"type":       "async",
		"name":       "demo",
		"product_id": product,
		"image":      "novitalabs/sleep-worker:latest",
		"command":    "python handler.py",
		"worker_config": map[string]any{
			"min_replicas": 1, "max_replicas": 3, "idle_timeout": 300, "max_concurrent_per_worker": 2,
			"gpu_num": 1, "rootfs_size_gb": 100, "min_cuda_version": "12.4", "request_timeout": 600,
		},
		"policy":       map[string]any{"type": "queue", "value": 30},
		"ports":        []any{8080},
		"volumes":      []any{},
		"envs":         []any{map[string]any{"key": "MODE", "value": "fast"}},
		"health_check": map[string]any{"path": "/health", "port": 8080},
	}
}

// updateSpec is endpointSpec without the create-only fields: a valid full PUT body.
func updateSpec() map[string]any {
	return set(set(endpointSpec(), "type", nil), "app_name", nil)
}

// set assigns a value at a dotted path ("worker_config.min_replicas") in a spec; nil deletes it.
func set(spec map[string]any, path string, v any) map[string]any {
	parts := strings.Split(path, ".")
	m := spec
	for _, p := range parts[:len(parts)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			panic("set: " + path + " does not lead through objects")
		}
		m = next
	}
	if v == nil {
		delete(m, parts[len(parts)-1])
	} else {
		m[parts[len(parts)-1]] = v
	}
	return spec
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// createEndpoint posts a create body and returns the raw answer.
func (h *harness) createEndpoint(key string, spec map[string]any) response {
	h.t.Helper()
	return h.post(endpoints, key, mustJSON(spec))
}

// mustCreateEndpoint creates an endpoint and returns its id.
func (h *harness) mustCreateEndpoint(key string, spec map[string]any) string {
	h.t.Helper()
	r := mustOK(h.t, h.createEndpoint(key, spec))
	id, _ := r.obj()["id"].(string)
	if id == "" || len(r.obj()) != 1 {
		h.t.Fatalf("create answered %s, want {\"id\"}", r.raw)
	}
	return id
}

// updateEndpoint PUTs a full configuration.
func (h *harness) updateEndpoint(key, id string, spec map[string]any) response {
	h.t.Helper()
	return h.call("PUT", endpoints+"/"+id, key, mustJSON(spec))
}

func (h *harness) deleteEndpoint(key, id string) response {
	h.t.Helper()
	return h.call("DELETE", endpoints+"/"+id, key, "")
}

// getEndpoint returns the (unwrapped) endpoint object of GET /gpus/v2/endpoints/{id}.
func (h *harness) getEndpoint(key, id string) map[string]any {
	h.t.Helper()
	return mustOK(h.t, h.get(endpoints+"/"+id, key)).obj()
}

func statusOf(ep map[string]any) string {
	st, _ := ep["status"].(map[string]any)
	s, _ := st["status"].(string)
	return s
}

// mustCreateStorage creates a storage and returns its id (the bare JSON string answer).
func (h *harness) mustCreateStorage(key, cluster, name string, size int) string {
	h.t.Helper()
	r := mustOK(h.t, h.post(v1+"/networkstorage/create", key,
		mustJSON(map[string]any{"clusterId": cluster, "storageName": name, "storageSize": size})))
	id, ok := r.body.(string)
	if !ok || id == "" {
		h.t.Fatalf("storage create answered %s, want a bare JSON string", r.raw)
	}
	return id
}

// listCredentials returns the "data" list of GET /repository/auths.
func (h *harness) listCredentials(key string) []map[string]any {
	h.t.Helper()
	r := mustOK(h.t, h.get(v1+"/repository/auths", key))
	return objects(h.t, r.body, "data")
}

// mustCreateCredential creates a credential and finds its id by listing, as clients must.
func (h *harness) mustCreateCredential(key, name string) string {
	h.t.Helper()
	before := map[string]bool{}
	for _, c := range h.listCredentials(key) {
		before[at[string](h.t, c, "id")] = true
	}
	mustOK(h.t, h.post(v1+"/repository/auth/save", key, mustJSON(map[string]any{"name": name, "username": "user", "password": "pw-secret"})))
	for _, c := range h.listCredentials(key) {
		if id := at[string](h.t, c, "id"); !before[id] {
			return id
		}
	}
	h.t.Fatal("new credential not listed")
	return ""
}

// at walks decoded JSON v along path (string keys through objects, int indexes through lists) and
// returns what it finds as T. A missing step or a value of another JSON type fails the test.
func at[T any](t *testing.T, v any, path ...any) T {
	t.Helper()
	cur := v
	for i, step := range path {
		switch s := step.(type) {
		case string:
			m, ok := cur.(map[string]any)
			if !ok {
				t.Fatalf("%v: not an object: %#v", path[:i], cur)
			}
			if cur, ok = m[s]; !ok {
				t.Fatalf("%v: no field %q in %v", path[:i], s, m)
			}
		case int:
			l, ok := cur.([]any)
			if !ok || s >= len(l) {
				t.Fatalf("%v: no element %d in %#v", path[:i], s, cur)
			}
			cur = l[s]
		default:
			t.Fatalf("bad path step %#v", step)
		}
	}
	out, ok := cur.(T)
	if !ok {
		t.Fatalf("%v = %#v, want a %T", path, cur, out)
	}
	return out
}

// objects returns the list of objects at path.
func objects(t *testing.T, v any, path ...any) []map[string]any {
	t.Helper()
	var out []map[string]any
	for i := range at[[]any](t, v, path...) {
		out = append(out, at[map[string]any](t, v, append(slices.Clone(path), i)...))
	}
	return out
}

// keysOf returns an object's keys, sorted.
func keysOf(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
