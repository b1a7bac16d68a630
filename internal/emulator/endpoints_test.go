package emulator_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
)

// getKeys is the documented GET example's keys, in its order.
var getKeys = []string{"id", "type", "name", "app_name", "status", "url", "product_id", "worker_config", "policy",
	"image", "registry_auth_id", "entrypoint", "command", "volumes", "envs", "ports", "workers", "health_check",
	"region_id", "member_id", "owner_id", "created_at"}

// topLevelKeys returns the keys of a JSON object in the order they were sent.
func topLevelKeys(t *testing.T, raw string) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
	var keys []string
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", raw)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func TestEndpointCreateAsyncGetShape(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	spec := set(endpointSpec(), "app_name", "my-app")
	set(spec, "entrypoint", "/bin/sh -c")
	set(spec, "volumes", []any{map[string]any{"type": "local", "size": 20, "mount_point": "/scratch"}})
	id := h.mustCreateEndpoint(keyA, spec)
	if !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(id) {
		t.Errorf("id %q is not 16 lowercase hex digits", id)
	}

	r := mustOK(t, h.get(endpoints+"/"+id, keyA))
	if keys := topLevelKeys(t, r.raw); !slices.Equal(keys, getKeys) {
		t.Errorf("GET keys\n %v\nwant the documented example's\n %v", keys, getKeys)
	}
	ep := r.obj()
	want := map[string]any{
		"id": id, "type": "async", "name": "demo", "app_name": "my-app", "product_id": product,
		"image": "novitalabs/sleep-worker:latest", "registry_auth_id": "", "entrypoint": "/bin/sh -c",
		"command": "python handler.py", "region_id": "us-dallas-1",
		"url":       h.url + "/v1/" + id + "-my-app",
		"member_id": emulator.MemberID("team-a", keyA), "owner_id": emulator.OwnerID("team-a"),
		"created_at": float64(h.clock.Now().Unix()),
	}
	for k, v := range want {
		if ep[k] != v {
			t.Errorf("%s = %#v, want %#v", k, ep[k], v)
		}
	}
	for path, v := range map[string]any{
		"status":        `{"error":"","message":"","status":"running"}`, // zero CreateDelay
		"worker_config": `{"gpu_num":1,"idle_timeout":300,"max_concurrent_per_worker":2,"max_replicas":3,"min_cuda_version":"12.4","min_replicas":1,"request_timeout":600,"rootfs_size_gb":100}`,
		"policy":        `{"type":"queue","value":30}`,
		"volumes":       `[{"id":"","mount_point":"/scratch","type":"local"}]`, // no size in GET, as documented
		"envs":          `[{"key":"MODE","value":"fast"}]`,
		"ports":         `[8080]`,
		"health_check":  `{"path":"/health","port":8080}`,
	} {
		if got := mustJSON(ep[path]); got != v {
			t.Errorf("%s = %s, want %s", path, got, v)
		}
	}
	w := objects(t, ep, "workers")
	if len(w) != 1 || mustJSON(w[0]["status"]) != `{"error":"","message":"","status":"ready"}` ||
		w[0]["health"] != true || w[0]["drain"] != false || w[0]["log"] != "" || w[0]["id"] == "" {
		t.Errorf("workers = %v, want min_replicas=1 ready worker", w)
	}
	if !regexp.MustCompile(`^[0-9a-f-]{36}$`).MatchString(ep["owner_id"].(string)) || ep["owner_id"] == ep["member_id"] {
		t.Errorf("owner_id %v / member_id %v: want two different UUIDs", ep["owner_id"], ep["member_id"])
	}
	if got := h.getEndpoint(keyA2, id)["owner_id"]; got != ep["owner_id"] {
		t.Errorf("another key of the same team sees owner_id %v, want %v", got, ep["owner_id"])
	}
}

func TestEndpointCreateSyncAndDefaults(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	spec := set(endpointSpec(), "type", "sync")
	for _, k := range []string{"worker_config.rootfs_size_gb", "worker_config.request_timeout", "worker_config.min_cuda_version",
		"worker_config.min_replicas", "policy", "health_check", "volumes", "envs", "command"} {
		set(spec, k, nil)
	}
	id := h.mustCreateEndpoint(keyA, spec)
	ep, _ := h.emu.Endpoint(id)
	wc := ep.WorkerConfig
	if ep.Type != "sync" || ep.AppName != id || ep.Team != "team-a" || ep.RegionID != "us-dallas-1" {
		t.Errorf("type %q app_name %q team %q region %q", ep.Type, ep.AppName, ep.Team, ep.RegionID)
	}
	if wc.RootfsSizeGB != emulator.DefaultLimits.FreeRootfsSize || wc.RequestTimeout != 3600 || wc.MinReplicas != 0 || wc.MinCUDAVersion != "" {
		t.Errorf("worker_config defaults: %+v", wc)
	}
	if ep.Policy != emulator.DefaultPolicy || ep.HealthCheck != (emulator.HealthCheck{Port: 8080}) || ep.Volumes != nil || ep.Envs != nil {
		t.Errorf("defaults: policy %+v health %+v volumes %v envs %v", ep.Policy, ep.HealthCheck, ep.Volumes, ep.Envs)
	}
	got := h.getEndpoint(keyA, id)
	if got["type"] != "sync" || strings.Contains(got["url"].(string), h.url) {
		t.Errorf("sync endpoint: type %v, url %v (must not be the job gateway)", got["type"], got["url"])
	}
	if r := h.post("/v1/"+id+"/run", keyA, `{"input":{}}`); r.status != http.StatusNotFound || !strings.Contains(r.raw, "not an async endpoint") {
		t.Errorf("the gateway ran a job on a sync endpoint: %d %s", r.status, r.raw)
	}
}

// Bodies are strict: unknown keys (matched exactly) and wrong JSON types name the field.
func TestEndpointBodiesAreStrict(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	for _, tc := range []struct {
		name  string
		path  string
		value any
		want  []string
	}{
		{"unknown top-level key", "gpu_count", 1, []string{"gpu_count", "not a known field"}},
		{"v1 name", "workerConfig", map[string]any{}, []string{"workerConfig", "not a known field"}},
		{"key in another case", "Name", "x", []string{"Name", "not a known field"}},
		{"unknown nested key", "worker_config.cuda_version", "12.4", []string{"worker_config.cuda_version"}},
		{"unknown key in a list item", "volumes", []any{map[string]any{"type": "local", "size": 20, "mount_point": "/a", "mountPath": "/a"}}, []string{"volumes[0].mountPath"}},
		{"number as string", "worker_config.min_replicas", "1", []string{"worker_config.min_replicas", "integer", "string"}},
		{"fraction", "worker_config.gpu_num", 1.5, []string{"worker_config.gpu_num", "integer"}},
		{"port as string", "ports", []any{"8080"}, []string{"ports[0]", "integer", "string"}},
		{"object as list", "policy", []any{}, []string{"policy", "object", "list"}},
		{"string as number", "name", 7, []string{"name", "string", "number"}},
		{"list as object", "envs", map[string]any{}, []string{"envs", "list", "object"}},
		{"env value as number", "envs", []any{map[string]any{"key": "K", "value": 1}}, []string{"envs[0].value", "string"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantInvalid(t, h.createEndpoint(keyA, set(endpointSpec(), tc.path, tc.value)), tc.want...)
		})
	}
	// null counts as left out.
	h.mustCreateEndpoint(keyA, set(endpointSpec(), "policy", json.RawMessage("null")))
}

// invalidCreates each change one field of endpointSpec and name what the error must say.
var invalidCreates = []struct {
	name      string
	path      string
	value     any
	fragments []string
}{
	{"no type", "type", nil, []string{"type is required", "async or sync"}},
	{"bad type", "type", "batch", []string{"type", "async or sync", "batch"}},
	{"no name", "name", nil, []string{"name is required"}},
	{"name too long", "name", strings.Repeat("n", 256), []string{"name", "1-255", "256"}},
	{"no product", "product_id", nil, []string{"product_id is required"}},
	{"no image", "image", "", []string{"image is required"}},
	{"image too long", "image", strings.Repeat("i", 501), []string{"image", "1-500", "501"}},
	{"command too long", "command", strings.Repeat("c", 2048), []string{"command", "2047"}},
	{"entrypoint too long", "entrypoint", strings.Repeat("c", 2048), []string{"entrypoint", "2047"}},
	{"bad app name", "app_name", "no spaces", []string{"app_name", "letters, digits and hyphens"}},
	{"app name too long", "app_name", strings.Repeat("a", 256), []string{"app_name", "255"}},
	{"no worker_config", "worker_config", nil, []string{"worker_config is required"}},
	{"no max_replicas", "worker_config.max_replicas", nil, []string{"worker_config.max_replicas is required"}},
	{"min replicas", "worker_config.min_replicas", -1, []string{"worker_config.min_replicas", "0 and 100"}},
	{"max replicas", "worker_config.max_replicas", 101, []string{"worker_config.max_replicas", "0 and 100"}},
	{"max below min", "worker_config.max_replicas", 0, []string{"max_replicas", "min_replicas"}},
	{"idle timeout", "worker_config.idle_timeout", 3601, []string{"worker_config.idle_timeout", "1 and 3600"}},
	{"idle timeout missing", "worker_config.idle_timeout", nil, []string{"worker_config.idle_timeout"}},
	{"concurrency", "worker_config.max_concurrent_per_worker", 0, []string{"worker_config.max_concurrent_per_worker", "1 and 100"}},
	{"gpus over the product", "worker_config.gpu_num", 9, []string{"worker_config.gpu_num", "1 and 8", product, "RTX 4090"}},
	{"gpus missing", "worker_config.gpu_num", nil, []string{"worker_config.gpu_num", "1 and 8"}},
	{"rootfs over the product", "worker_config.rootfs_size_gb", 1001, []string{"worker_config.rootfs_size_gb", "10 and 1000", product}},
	{"request timeout", "worker_config.request_timeout", 3601, []string{"worker_config.request_timeout", "1 and 3600"}},
	{"cuda", "worker_config.min_cuda_version", "10.2", []string{"min_cuda_version", "12.8", "10.2"}},
	{"queue value", "policy.value", 3601, []string{"policy.value", "1 and 3600"}},
	{"policy type", "policy.type", "cpu", []string{"policy.type", "queue or concurrency"}},
	{"two ports", "ports", []any{80, 81}, []string{"exactly one port"}},
	{"no port", "ports", nil, []string{"exactly one port", "got 0"}},
	{"port zero", "ports", []any{0}, []string{"ports[0]", "1 and 65535"}},
	{"port too big", "ports", []any{65536}, []string{"ports[0]", "1 and 65535"}},
	{"health path", "health_check.path", "health", []string{"health_check.path", "start with /"}},
	{"health port", "health_check.port", 70000, []string{"health_check.port", "1 and 65535"}},
	{"health port reserved", "health_check.port", 2222, []string{"health_check.port", "reserved"}},
	{"local volume size", "volumes", []any{map[string]any{"type": "local", "size": 5, "mount_point": "/data"}}, []string{"volumes[0].size", "10 and 1000"}},
	{"volume type", "volumes", []any{map[string]any{"type": "nfs", "mount_point": "/data"}}, []string{"volumes[0].type", "local or network"}},
	{"relative mount", "volumes", []any{map[string]any{"type": "local", "size": 20, "mount_point": "data"}}, []string{"volumes[0].mount_point"}},
	{"mounted twice", "volumes", []any{map[string]any{"type": "local", "size": 20, "mount_point": "/d"}, map[string]any{"type": "local", "size": 20, "mount_point": "/d"}}, []string{"volumes[1].mount_point"}},
	{"unknown region", "region_id", "mars-1", []string{"region_id", "mars-1", "us-dallas-1, eu-frankfurt-1, ap-singapore-1"}},
	{"product not in region", "region_id", "ap-singapore-1", []string{"region_id", "not offered", "ap-singapore-1", "us-dallas-1, eu-frankfurt-1"}},
	{"empty env key", "envs", []any{map[string]any{"key": "", "value": "x"}}, []string{"envs[0].key"}},
	{"repeated env key", "envs", []any{map[string]any{"key": "A"}, map[string]any{"key": "A"}}, []string{"envs[1].key", "repeated"}},
}

func TestEndpointCreateValidation(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	for _, tc := range invalidCreates {
		t.Run(tc.name, func(t *testing.T) {
			wantInvalid(t, h.createEndpoint(keyA, set(endpointSpec(), tc.path, tc.value)), tc.fragments...)
		})
	}
	for _, port := range []int{2222, 2223, 2224} {
		t.Run(fmt.Sprintf("reserved port %d", port), func(t *testing.T) {
			wantInvalid(t, h.createEndpoint(keyA, set(endpointSpec(), "ports", []any{port})), "reserved", fmt.Sprint(port))
		})
	}
	t.Run("gpus within the limits but over a smaller product", func(t *testing.T) {
		spec := set(set(endpointSpec(), "product_id", "SL-serverless-3"), "worker_config.gpu_num", 5)
		wantInvalid(t, h.createEndpoint(keyA, spec), "worker_config.gpu_num", "1 and 4", "SL-serverless-3", "RTX 5090")
	})
	t.Run("concurrency policy range", func(t *testing.T) {
		spec := set(endpointSpec(), "policy", map[string]any{"type": "concurrency", "value": 101})
		wantInvalid(t, h.createEndpoint(keyA, spec), "policy.value", "1 and 100")
	})
	t.Run("unknown product", func(t *testing.T) {
		r := h.createEndpoint(keyA, set(endpointSpec(), "product_id", "SL-serverless-99"))
		wantError(t, r, http.StatusBadRequest, "SERVERLESS_PRODUCT_NOT_FOUND")
		if !strings.Contains(r.message(), "SL-serverless-1") {
			t.Errorf("message %q does not list the products", r.message())
		}
	})
	t.Run("unknown credential", func(t *testing.T) {
		r := h.createEndpoint(keyA, set(endpointSpec(), "registry_auth_id", "nope"))
		wantError(t, r, http.StatusBadRequest, "RESOURCE_NOT_FOUND")
	})
	if n := h.emu.Counts().Endpoints; n != 0 {
		t.Errorf("%d endpoints were created by invalid requests", n)
	}
}

// Lengths are counted in characters, not bytes.
func TestEndpointLimitsAtTheEdgesAreAccepted(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	spec := endpointSpec()
	set(spec, "worker_config", map[string]any{"min_replicas": 0, "max_replicas": 100, "idle_timeout": 3600,
		"max_concurrent_per_worker": 100, "gpu_num": 8, "rootfs_size_gb": 1000, "request_timeout": 1, "min_cuda_version": "11.8"})
	set(spec, "policy", map[string]any{"type": "concurrency", "value": 100})
	set(spec, "ports", []any{65535})
	set(spec, "name", strings.Repeat("名", 255))
	set(spec, "image", strings.Repeat("镜", 500))
	set(spec, "command", strings.Repeat("命", 2047))
	set(spec, "app_name", strings.Repeat("a", 255))
	set(spec, "volumes", []any{map[string]any{"type": "local", "size": 1000, "mount_point": "/scratch"}})
	id := h.mustCreateEndpoint(keyA, spec)
	if w := at[[]any](t, h.getEndpoint(keyA, id), "workers"); len(w) != 0 {
		t.Errorf("min_replicas 0 should show no workers, got %v", w)
	}
}

func TestEndpointUniqueAppName(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	h.mustCreateEndpoint(keyA, set(endpointSpec(), "app_name", "shared"))
	wantError(t, h.createEndpoint(keyA2, set(endpointSpec(), "app_name", "shared")), http.StatusBadRequest, "SERVERLESS_APP_NAME_IS_EXIST")
	// Unique per team only.
	idB := h.mustCreateEndpoint(keyB, set(endpointSpec(), "app_name", "shared"))
	if got := h.getEndpoint(keyB, idB)["app_name"]; got != "shared" {
		t.Errorf("team B's app_name = %v", got)
	}
}

func TestEndpointNetworkVolumeRules(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	st := h.mustCreateStorage(keyA, "eu-frankfurt-1", "models", 50)
	stB := h.mustCreateStorage(keyB, "eu-frankfurt-1", "other", 50)
	mount := func(id string) []any {
		return []any{map[string]any{"type": "network", "id": id, "size": 1, "mount_point": "/models"}}
	}

	wantInvalid(t, h.createEndpoint(keyA, set(endpointSpec(), "volumes", mount(st))), "region_id is required", "eu-frankfurt-1")
	spec := set(set(endpointSpec(), "volumes", mount(st)), "region_id", "us-dallas-1")
	wantInvalid(t, h.createEndpoint(keyA, spec), "region_id", "eu-frankfurt-1")
	spec = set(set(endpointSpec(), "volumes", mount(stB)), "region_id", "eu-frankfurt-1")
	wantError(t, h.createEndpoint(keyA, spec), http.StatusBadRequest, "NETWORK_STORAGE_NOT_FOUND")
	spec = set(set(endpointSpec(), "volumes", []any{map[string]any{"type": "network", "mount_point": "/m"}}), "region_id", "eu-frankfurt-1")
	wantInvalid(t, h.createEndpoint(keyA, spec), "volumes[0].id", "required")

	spec = set(set(endpointSpec(), "volumes", mount(st)), "region_id", "eu-frankfurt-1")
	id := h.mustCreateEndpoint(keyA, spec)
	ep := h.getEndpoint(keyA, id)
	if got := mustJSON(ep["volumes"]); got != `[{"id":"`+st+`","mount_point":"/models","type":"network"}]` || ep["region_id"] != "eu-frankfurt-1" {
		t.Errorf("volumes = %s, region %v", got, ep["region_id"])
	}
	// The list shows the storage's size, not the size sent.
	list := mustOK(t, h.get(endpoints, keyA))
	if got := mustJSON(at[any](t, list.body, "data", 0, "volumes")); got != `[{"id":"`+st+`","mount_point":"/models","size":50,"type":"network"}]` {
		t.Errorf("listed volumes = %s", got)
	}
	// Update must keep satisfying the rule.
	wantInvalid(t, h.updateEndpoint(keyA, id, set(updateSpec(), "volumes", mount(st))), "region_id is required")
}

func TestEndpointNotFoundAndTeams(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	id := h.mustCreateEndpoint(keyA, endpointSpec())

	r := h.get(endpoints+"/ffffffffffffffff", keyA)
	wantError(t, r, http.StatusNotFound, "SERVERLESS_ENDPOINT_NOT_FOUND")
	if !strings.Contains(r.message(), "ffffffffffffffff") {
		t.Errorf("message %q does not name the id", r.message())
	}
	// Team B sees nothing of team A's endpoint and cannot change it; a second key of team A can.
	wantError(t, h.get(endpoints+"/"+id, keyB), http.StatusNotFound, "SERVERLESS_ENDPOINT_NOT_FOUND")
	wantError(t, h.updateEndpoint(keyB, id, updateSpec()), http.StatusNotFound, "SERVERLESS_ENDPOINT_NOT_FOUND")
	wantError(t, h.deleteEndpoint(keyB, id), http.StatusNotFound, "SERVERLESS_ENDPOINT_NOT_FOUND")
	if r := mustOK(t, h.get(endpoints, keyB)); len(at[[]any](t, r.body, "data")) != 0 {
		t.Errorf("team B lists %s", r.raw)
	}
	if r := h.post("/v1/"+id+"/run", keyB, `{"input":1}`); r.status != http.StatusNotFound {
		t.Errorf("team B submitted a job to team A's endpoint: %d %s", r.status, r.raw)
	}
	if ep, ok := h.emu.Endpoint(id); !ok || ep.Status != emulator.StatusRunning {
		t.Errorf("team A's endpoint changed: %+v %v", ep, ok)
	}
	mustOK(t, h.updateEndpoint(keyA2, id, updateSpec()))
}

func TestEndpointHooks(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	id := h.mustCreateEndpoint(keyA, endpointSpec())

	// Copies: changing the returned value does not change the store.
	ep, _ := h.emu.Endpoint(id)
	ep.Envs[0].Value = "mutated"
	if again, _ := h.emu.Endpoint(id); again.Envs[0].Value != "fast" {
		t.Errorf("Endpoint returned shared slices")
	}

	if !h.emu.ChangeEndpoint(id, func(e *emulator.Endpoint) { e.Name = "drifted"; e.Status = "stopped"; e.ID = "other" }) {
		t.Fatal("ChangeEndpoint reported missing")
	}
	got := h.getEndpoint(keyA, id)
	if got["name"] != "drifted" || statusOf(got) != "stopped" {
		t.Errorf("drift not visible: %v %v", got["name"], statusOf(got))
	}
	if h.emu.ChangeEndpoint("missing", func(*emulator.Endpoint) {}) {
		t.Error("ChangeEndpoint of a missing id reported true")
	}
	if !h.emu.RemoveEndpoint(id) || h.emu.RemoveEndpoint(id) {
		t.Error("RemoveEndpoint should succeed once")
	}
	wantError(t, h.get(endpoints+"/"+id, keyA), http.StatusNotFound, "SERVERLESS_ENDPOINT_NOT_FOUND")
	if r := mustOK(t, h.get(endpoints, keyA)); len(at[[]any](t, r.body, "data")) != 0 {
		t.Errorf("a removed endpoint is still listed: %s", r.raw)
	}
}
