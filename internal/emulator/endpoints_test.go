package emulator

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestEndpointCreateGetShapes(t *testing.T) {
	h := newHarness(t, Options{})
	id := h.mustCreateEndpoint(keyA, endpointSpec())
	if !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(id) {
		t.Errorf("id %q is not 16 lowercase hex digits", id)
	}

	ep := h.getEndpoint(keyA, id)
	if ep["id"] != id || ep["name"] != "demo" || ep["appName"] != id || ep["type"] != "async" {
		t.Errorf("id/name/appName/type wrong: %v %v %v %v", ep["id"], ep["name"], ep["appName"], ep["type"])
	}
	wc := at[map[string]any](t, ep, "workerConfig")
	// Documented string-typed numbers.
	if wc["freeTimeout"] != "300" || wc["maxConcurrent"] != "2" {
		t.Errorf("freeTimeout/maxConcurrent should be strings: %#v %#v", wc["freeTimeout"], wc["maxConcurrent"])
	}
	if wc["minNum"] != 1.0 || wc["maxNum"] != 3.0 || wc["gpuNum"] != 1.0 || wc["requestTimeout"] != 600.0 || wc["cudaVersion"] != "12.4" {
		t.Errorf("workerConfig numbers wrong: %v", wc)
	}
	if pol := at[map[string]any](t, ep, "policy"); pol["type"] != "queue" || pol["value"] != "30" {
		t.Errorf("policy = %v, want value as the string \"30\"", pol)
	}
	if port := at[any](t, ep, "ports", 0, "port"); port != "8080" {
		t.Errorf("get port = %#v, want the string \"8080\"", port)
	}
	img := at[map[string]any](t, ep, "image")
	if img["image"] != "novitalabs/sleep-worker:latest" || img["command"] != "python handler.py" || img["authId"] != "" {
		t.Errorf("image = %v", img)
	}
	if p := at[string](t, ep, "products", 0, "id"); p != product {
		t.Errorf("products = %v", ep["products"])
	}
	if ep["rootfsSize"] != 100.0 || ep["clusterID"] != "us-dallas-1" {
		t.Errorf("rootfsSize/clusterID = %v %v", ep["rootfsSize"], ep["clusterID"])
	}
	if envs := objects(t, ep, "envs"); len(envs) != 1 || envs[0]["key"] != "MODE" {
		t.Errorf("envs = %v", envs)
	}
	if at[string](t, ep, "healthy", "path") != "/health" {
		t.Errorf("healthy = %v", ep["healthy"])
	}
	if u, _ := ep["url"].(string); !strings.Contains(u, id) {
		t.Errorf("url %q does not name the endpoint", u)
	}
	if stateOf(ep) != "serving" { // zero CreateDelay
		t.Errorf("state = %q, want serving", stateOf(ep))
	}
	if w := objects(t, ep, "workers"); len(w) != 1 || at[string](t, w[0], "state", "state") != "running" {
		t.Errorf("workers = %v, want minNum=1 running worker", w)
	}

	// The list shows the port as a number: clients must accept both.
	r := mustOK(t, h.get(v1+"/endpoints", keyA))
	if port := at[any](t, r.body, "endpoints", 0, "ports", 0, "port"); port != 8080.0 {
		t.Errorf("list port = %#v, want the number 8080", port)
	}
	if r.obj()["total"] != 1.0 {
		t.Errorf("total = %v", r.obj()["total"])
	}
}

func TestEndpointCreateAcceptsNumericPortAndDefaults(t *testing.T) {
	h := newHarness(t, Options{})
	spec := endpointSpec()
	set(spec, "ports", []any{map[string]any{"port": 9000}})
	set(spec, "rootfsSize", nil)
	set(spec, "workerConfig.requestTimeout", nil)
	set(spec, "appName", "my-app")
	id := h.mustCreateEndpoint(keyA, spec)
	ep, _ := h.emu.Endpoint(id)
	if ep.Port != 9000 || ep.RootfsSize != DefaultLimits.FreeRootfsSize || ep.WorkerConfig.RequestTimeout != defaultRequestTimeout {
		t.Errorf("port %d rootfs %d requestTimeout %d", ep.Port, ep.RootfsSize, ep.WorkerConfig.RequestTimeout)
	}
	if ep.AppName != "my-app" || ep.Team != "team-a" || ep.Type != "async" {
		t.Errorf("appName %q team %q type %q", ep.AppName, ep.Team, ep.Type)
	}
}

func TestEndpointCreateValidation(t *testing.T) {
	h := newHarness(t, Options{})
	cases := []struct {
		name      string
		path      string
		value     any
		fragments []string
	}{
		{"name too long", "name", strings.Repeat("n", 221), []string{"name", "220"}},
		{"bad type", "type", "batch", []string{"type", "async or sync"}},
		{"min workers", "workerConfig.minNum", -1, []string{"workerConfig.minNum", "0 and 100"}},
		{"max workers", "workerConfig.maxNum", 101, []string{"workerConfig.maxNum", "0 and 100"}},
		{"max below min", "workerConfig.maxNum", 0, []string{"maxNum", "minNum"}},
		{"free timeout", "workerConfig.freeTimeout", 3601, []string{"workerConfig.freeTimeout", "1 and 3600"}},
		{"free timeout missing", "workerConfig.freeTimeout", nil, []string{"workerConfig.freeTimeout"}},
		{"concurrency", "workerConfig.maxConcurrent", 0, []string{"workerConfig.maxConcurrent", "1 and 100"}},
		{"gpus", "workerConfig.gpuNum", 9, []string{"workerConfig.gpuNum", "1 and 8"}},
		{"request timeout", "workerConfig.requestTimeout", 3601, []string{"workerConfig.requestTimeout", "1 and 3600"}},
		{"cuda", "workerConfig.cudaVersion", "10.2", []string{"cudaVersion", "12.8"}},
		{"queue value", "policy.value", 3601, []string{"policy.value", "1 and 3600"}},
		{"policy type", "policy.type", "cpu", []string{"policy.type"}},
		{"no image", "image.image", "", []string{"image.image"}},
		{"image too long", "image.image", strings.Repeat("i", 512), []string{"image.image", "511"}},
		{"command too long", "image.command", strings.Repeat("c", 2048), []string{"image.command", "2047"}},
		{"rootfs", "rootfsSize", 1001, []string{"rootfsSize", "10 and 1000"}},
		{"two ports", "ports", []any{map[string]any{"port": 80}, map[string]any{"port": 81}}, []string{"exactly one port"}},
		{"no port", "ports", []any{}, []string{"exactly one port"}},
		{"port zero", "ports", []any{map[string]any{"port": 0}}, []string{"port", "1 and 65535"}},
		{"port too big", "ports", []any{map[string]any{"port": "65536"}}, []string{"port", "1 and 65535"}},
		{"port not a number", "ports", []any{map[string]any{"port": "http"}}, []string{"port"}},
		{"number as string", "workerConfig.minNum", "1", []string{"workerConfig.minNum", "number"}},
		{"local volume size", "volumeMounts", []any{map[string]any{"type": "local", "size": 5, "mountPath": "/data"}}, []string{"volumeMounts[0].size", "10 and 1000"}},
		{"volume type", "volumeMounts", []any{map[string]any{"type": "nfs", "mountPath": "/data"}}, []string{"volumeMounts[0].type"}},
		{"relative mount", "volumeMounts", []any{map[string]any{"type": "local", "size": 20, "mountPath": "data"}}, []string{"mountPath"}},
		{"unknown cluster", "clusterID", "mars-1", []string{"clusterID", "mars-1"}},
		{"product not in cluster", "clusterID", "ap-singapore-1", []string{"not offered", "ap-singapore-1"}},
		{"empty env key", "envs", []any{map[string]any{"key": "", "value": "x"}}, []string{"envs[0].key"}},
		{"bad app name", "appName", "no spaces", []string{"appName"}},
		{"no workerConfig", "workerConfig", nil, []string{"workerConfig is required"}},
		{"no policy", "policy", nil, []string{"policy is required"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantInvalid(t, h.createEndpoint(keyA, set(endpointSpec(), tc.path, tc.value)), tc.fragments...)
		})
	}
	for _, port := range []int{2222, 2223, 2224} {
		t.Run(fmt.Sprintf("reserved port %d", port), func(t *testing.T) {
			r := h.createEndpoint(keyA, set(endpointSpec(), "ports", []any{map[string]any{"port": port}}))
			wantInvalid(t, r, "reserved", fmt.Sprint(port))
		})
	}
	t.Run("concurrency policy range", func(t *testing.T) {
		spec := set(endpointSpec(), "policy", map[string]any{"type": "concurrency", "value": 101})
		wantInvalid(t, h.createEndpoint(keyA, spec), "policy.value", "1 and 100")
	})
	t.Run("unknown product", func(t *testing.T) {
		r := h.createEndpoint(keyA, set(endpointSpec(), "products", []any{map[string]any{"id": "SL-serverless-99"}}))
		wantError(t, r, http.StatusBadRequest, "SERVERLESS_PRODUCT_NOT_FOUND")
	})
	t.Run("no product", func(t *testing.T) {
		wantInvalid(t, h.createEndpoint(keyA, set(endpointSpec(), "products", nil)), "products")
	})
	t.Run("unwrapped body", func(t *testing.T) {
		wantInvalid(t, h.post(v1+"/endpoint/create", keyA, mustJSON(endpointSpec())), "endpoint is required")
	})
	t.Run("malformed json", func(t *testing.T) {
		wantError(t, h.post(v1+"/endpoint/create", keyA, `{"endpoint":`), http.StatusBadRequest, "REQUEST")
	})
	t.Run("unknown credential", func(t *testing.T) {
		r := h.createEndpoint(keyA, set(endpointSpec(), "image.authId", "nope"))
		wantError(t, r, http.StatusBadRequest, "RESOURCE_NOT_FOUND")
	})
	if n := h.emu.Counts().Endpoints; n != 0 {
		t.Errorf("%d endpoints were created by invalid requests", n)
	}
}

func TestEndpointLimitsAtTheEdgesAreAccepted(t *testing.T) {
	h := newHarness(t, Options{})
	spec := endpointSpec()
	set(spec, "workerConfig", map[string]any{"minNum": 0, "maxNum": 100, "freeTimeout": 3600, "maxConcurrent": 100, "gpuNum": 8, "requestTimeout": 1, "cudaVersion": "11.8"})
	set(spec, "policy", map[string]any{"type": "concurrency", "value": 100})
	set(spec, "ports", []any{map[string]any{"port": 65535}})
	set(spec, "rootfsSize", 1000)
	set(spec, "name", strings.Repeat("n", 220))
	set(spec, "volumeMounts", []any{map[string]any{"type": "local", "size": 1000, "mountPath": "/scratch"}})
	id := h.mustCreateEndpoint(keyA, spec)
	if w := at[[]any](t, h.getEndpoint(keyA, id), "workers"); len(w) != 0 {
		t.Errorf("minNum 0 should show no workers, got %v", w)
	}
}

func TestEndpointUniqueAppName(t *testing.T) {
	h := newHarness(t, Options{})
	h.mustCreateEndpoint(keyA, set(endpointSpec(), "appName", "shared"))
	wantError(t, h.createEndpoint(keyA, set(endpointSpec(), "appName", "shared")), http.StatusBadRequest, "SERVERLESS_APP_NAME_IS_EXIST")
	// Unique per team only.
	idB := h.mustCreateEndpoint(keyB, set(endpointSpec(), "appName", "shared"))
	if got := h.getEndpoint(keyB, idB)["appName"]; got != "shared" {
		t.Errorf("team B's appName = %v", got)
	}
}

func TestEndpointNetworkVolumeRules(t *testing.T) {
	h := newHarness(t, Options{})
	st := h.mustCreateStorage(keyA, "eu-frankfurt-1", "models", 50)
	stB := h.mustCreateStorage(keyB, "eu-frankfurt-1", "other", 50)
	mount := func(id string) []any {
		return []any{map[string]any{"type": "network", "id": id, "mountPath": "/models"}}
	}

	r := h.createEndpoint(keyA, set(endpointSpec(), "volumeMounts", mount(st)))
	wantInvalid(t, r, "clusterID is required", "eu-frankfurt-1")

	spec := set(set(endpointSpec(), "volumeMounts", mount(st)), "clusterID", "us-dallas-1")
	wantInvalid(t, h.createEndpoint(keyA, spec), "clusterID", "eu-frankfurt-1")

	spec = set(set(endpointSpec(), "volumeMounts", mount(stB)), "clusterID", "eu-frankfurt-1")
	wantError(t, h.createEndpoint(keyA, spec), http.StatusBadRequest, "NETWORK_STORAGE_NOT_FOUND")

	spec = set(set(endpointSpec(), "volumeMounts", mount("00000000-0000-4000-8000-000000000000")), "clusterID", "eu-frankfurt-1")
	wantError(t, h.createEndpoint(keyA, spec), http.StatusBadRequest, "NETWORK_STORAGE_NOT_FOUND")

	spec = set(set(endpointSpec(), "volumeMounts", mount(st)), "clusterID", "eu-frankfurt-1")
	id := h.mustCreateEndpoint(keyA, spec)
	ep := h.getEndpoint(keyA, id)
	vm := at[map[string]any](t, ep, "volumeMounts", 0)
	if vm["type"] != "network" || vm["id"] != st || vm["mountPath"] != "/models" || ep["clusterID"] != "eu-frankfurt-1" {
		t.Errorf("volume mount = %v, cluster %v", vm, ep["clusterID"])
	}

	// Update must keep satisfying the rule.
	upd := set(endpointSpec(), "volumeMounts", mount(st))
	wantInvalid(t, h.updateEndpoint(keyA, id, upd), "clusterID is required")
}

func TestEndpointGetNotFoundAndTeams(t *testing.T) {
	h := newHarness(t, Options{})
	id := h.mustCreateEndpoint(keyA, endpointSpec())

	wantError(t, h.get(v1+"/endpoint?id=ffffffffffffffff", keyA), http.StatusBadRequest, "SERVERLESS_ENDPOINT_NOT_FOUND")
	wantInvalid(t, h.get(v1+"/endpoint", keyA), "id")

	// Team B sees nothing of team A's endpoint and cannot change it.
	wantError(t, h.get(v1+"/endpoint?id="+id, keyB), http.StatusBadRequest, "SERVERLESS_ENDPOINT_NOT_FOUND")
	wantError(t, h.updateEndpoint(keyB, id, endpointSpec()), http.StatusBadRequest, "SERVERLESS_ENDPOINT_NOT_FOUND")
	wantError(t, h.post(v1+"/endpoint/delete", keyB, `{"id":"`+id+`"}`), http.StatusBadRequest, "SERVERLESS_ENDPOINT_NOT_FOUND")
	if r := mustOK(t, h.get(v1+"/endpoints", keyB)); r.obj()["total"] != 0.0 || len(at[[]any](t, r.body, "endpoints")) != 0 {
		t.Errorf("team B lists %s", r.raw)
	}
	if ep, ok := h.emu.Endpoint(id); !ok || ep.State != "serving" {
		t.Errorf("team A's endpoint changed: %+v %v", ep, ok)
	}
}

func TestEndpointUpdateIsFullReplacement(t *testing.T) {
	h := newHarness(t, Options{})
	cred := h.mustCreateCredential(keyA, "reg")
	spec := set(endpointSpec(), "image.authId", cred)
	set(spec, "appName", "keep-me")
	id := h.mustCreateEndpoint(keyA, spec)

	// New values, and envs, healthy, command and authId left out: they are cleared.
	upd := endpointSpec()
	set(upd, "name", "renamed")
	set(upd, "workerConfig.maxNum", 5)
	set(upd, "workerConfig.requestTimeout", nil)
	set(upd, "policy", map[string]any{"type": "concurrency", "value": 4})
	set(upd, "ports", []any{map[string]any{"port": 9090}})
	set(upd, "image", map[string]any{"image": "novitalabs/sleep-worker:v2"})
	for _, k := range []string{"envs", "healthy", "products", "rootfsSize"} {
		set(upd, k, nil)
	}
	mustOK(t, h.updateEndpoint(keyA, id, upd))

	ep, _ := h.emu.Endpoint(id)
	if ep.Name != "renamed" || ep.WorkerConfig.MaxNum != 5 || ep.Policy != (Policy{"concurrency", 4}) || ep.Port != 9090 {
		t.Errorf("updated fields wrong: %+v", ep)
	}
	if ep.Image != (Image{Image: "novitalabs/sleep-worker:v2"}) || len(ep.Envs) != 0 || ep.HealthPath != "" {
		t.Errorf("omitted fields not reset: image %+v envs %v health %q", ep.Image, ep.Envs, ep.HealthPath)
	}
	if ep.WorkerConfig.RequestTimeout != defaultRequestTimeout {
		t.Errorf("requestTimeout = %d, want the default %d", ep.WorkerConfig.RequestTimeout, defaultRequestTimeout)
	}
	// Fixed fields kept.
	if ep.AppName != "keep-me" || ep.ProductID != product || ep.RootfsSize != 100 || ep.ClusterID != "us-dallas-1" {
		t.Errorf("fixed fields changed: %+v", ep)
	}

	// A missing required field is an error, not a silent keep.
	wantInvalid(t, h.updateEndpoint(keyA, id, set(endpointSpec(), "workerConfig.freeTimeout", nil)), "workerConfig.freeTimeout")
	wantInvalid(t, h.updateEndpoint(keyA, id, set(endpointSpec(), "policy", nil)), "policy")
	// Limits apply on update too.
	wantInvalid(t, h.updateEndpoint(keyA, id, set(endpointSpec(), "workerConfig.gpuNum", 9)), "workerConfig.gpuNum", "1 and 8")
	wantInvalid(t, h.updateEndpoint(keyA, id, set(endpointSpec(), "ports", []any{map[string]any{"port": 2223}})), "reserved")
	// Changes to fixed fields are rejected.
	wantInvalid(t, h.updateEndpoint(keyA, id, set(endpointSpec(), "appName", "other")), "appName cannot be changed")
	wantInvalid(t, h.updateEndpoint(keyA, id, set(endpointSpec(), "rootfsSize", 200)), "rootfsSize cannot be changed")
	wantInvalid(t, h.updateEndpoint(keyA, id, set(endpointSpec(), "products", []any{map[string]any{"id": "SL-serverless-3"}})), "products cannot be changed")
	wantInvalid(t, h.updateEndpoint(keyA, id, set(endpointSpec(), "type", "sync")), "type cannot be changed")
	// Sending them unchanged is fine.
	mustOK(t, h.updateEndpoint(keyA, id, set(set(endpointSpec(), "appName", "keep-me"), "rootfsSize", 100)))

	wantError(t, h.updateEndpoint(keyA, "0123456789abcdef", endpointSpec()), http.StatusBadRequest, "SERVERLESS_ENDPOINT_NOT_FOUND")
	wantInvalid(t, h.post(v1+"/endpoint/update", keyA, mustJSON(endpointSpec())), "id")
}

func TestEndpointLifecycleWithClock(t *testing.T) {
	h := newHarness(t, Options{CreateDelay: 5 * time.Second, UpdateDelay: 3 * time.Second, DeleteDelay: 2 * time.Second})
	id := h.mustCreateEndpoint(keyA, endpointSpec())

	ep := h.getEndpoint(keyA, id)
	if stateOf(ep) != "creating" || len(at[[]any](t, ep, "workers")) != 0 {
		t.Fatalf("just created: state %q workers %v", stateOf(ep), ep["workers"])
	}
	h.clock.Advance(4 * time.Second)
	if s := stateOf(h.getEndpoint(keyA, id)); s != "creating" {
		t.Fatalf("after 4s: %q, want creating", s)
	}
	h.clock.Advance(time.Second)
	if s := stateOf(h.getEndpoint(keyA, id)); s != "serving" {
		t.Fatalf("after 5s: %q, want serving", s)
	}

	mustOK(t, h.updateEndpoint(keyA, id, endpointSpec()))
	if s := stateOf(h.getEndpoint(keyA, id)); s != "updating" {
		t.Fatalf("after update: %q, want updating", s)
	}
	h.clock.Advance(3 * time.Second)
	if s := stateOf(h.getEndpoint(keyA, id)); s != "serving" {
		t.Fatalf("3s after update: %q, want serving", s)
	}

	mustOK(t, h.post(v1+"/endpoint/delete", keyA, `{"id":"`+id+`"}`))
	if s := stateOf(h.getEndpoint(keyA, id)); s != "deleting" {
		t.Fatalf("after delete: %q, want deleting", s)
	}
	// Deleting twice is harmless; updating a deleting endpoint is refused.
	mustOK(t, h.post(v1+"/endpoint/delete", keyA, `{"id":"`+id+`"}`))
	wantError(t, h.updateEndpoint(keyA, id, endpointSpec()), http.StatusBadRequest, "OPERATION_LIMIT")
	if h.emu.Counts().Endpoints != 1 {
		t.Errorf("a deleting endpoint still counts")
	}
	h.clock.Advance(2 * time.Second)
	wantError(t, h.get(v1+"/endpoint?id="+id, keyA), http.StatusBadRequest, "SERVERLESS_ENDPOINT_NOT_FOUND")
	wantError(t, h.post(v1+"/endpoint/delete", keyA, `{"id":"`+id+`"}`), http.StatusBadRequest, "SERVERLESS_ENDPOINT_NOT_FOUND")
	if _, ok := h.emu.Endpoint(id); ok || h.emu.Counts().Endpoints != 0 {
		t.Errorf("endpoint still stored after the delete delay")
	}
}

func TestEndpointDeleteAcceptsName(t *testing.T) {
	h := newHarness(t, Options{})
	id := h.mustCreateEndpoint(keyA, endpointSpec())
	mustOK(t, h.post(v1+"/endpoint/delete", keyA, `{"name":"`+id+`"}`))
	if _, ok := h.emu.Endpoint(id); ok {
		t.Errorf("endpoint not deleted via the name field")
	}
	wantInvalid(t, h.post(v1+"/endpoint/delete", keyA, `{}`), "id")
}

func TestEndpointUnpullableImageFails(t *testing.T) {
	h := newHarness(t, Options{CreateDelay: time.Second, UpdateDelay: time.Second})
	id := h.mustCreateEndpoint(keyA, set(endpointSpec(), "image.image", UnpullableImage))
	if s := stateOf(h.getEndpoint(keyA, id)); s != "creating" {
		t.Fatalf("state %q, want creating", s)
	}
	h.clock.Advance(time.Second)
	st := at[map[string]any](t, h.getEndpoint(keyA, id), "state")
	if st["state"] != "failed" || st["error"] == "" {
		t.Fatalf("state = %v, want failed with an error code", st)
	}
	want := `failed to pull image "` + UnpullableImage + `": manifest unknown`
	if st["message"] != want {
		t.Errorf("message = %q, want %q", st["message"], want)
	}

	// Fixing the image through an update recovers the endpoint.
	mustOK(t, h.updateEndpoint(keyA, id, endpointSpec()))
	h.clock.Advance(time.Second)
	if ep, _ := h.emu.Endpoint(id); ep.State != "serving" || ep.StateMessage != "" {
		t.Errorf("after fixing the image: %q %q", ep.State, ep.StateMessage)
	}
}

func TestEndpointListPaging(t *testing.T) {
	h := newHarness(t, Options{})
	var ids []string
	for i := range 5 {
		ids = append(ids, h.mustCreateEndpoint(keyA, set(endpointSpec(), "name", fmt.Sprint("ep", i))))
	}
	h.mustCreateEndpoint(keyB, endpointSpec())

	var got []string
	for pageNum := 1; pageNum <= 3; pageNum++ {
		r := mustOK(t, h.get(fmt.Sprintf("%s/endpoints?pageSize=2&pageNum=%d", v1, pageNum), keyA))
		if r.obj()["total"] != 5.0 {
			t.Fatalf("total = %v, want 5", r.obj()["total"])
		}
		for _, e := range objects(t, r.body, "endpoints") {
			got = append(got, at[string](t, e, "id"))
		}
	}
	if strings.Join(got, ",") != strings.Join(ids, ",") {
		t.Errorf("paged ids %v, want creation order %v", got, ids)
	}
	if r := mustOK(t, h.get(v1+"/endpoints?pageSize=2&pageNum=4", keyA)); len(at[[]any](t, r.body, "endpoints")) != 0 {
		t.Errorf("page past the end should be empty: %s", r.raw)
	}
	wantInvalid(t, h.get(v1+"/endpoints?pageNum=0", keyA), "pageNum")
	wantInvalid(t, h.get(v1+"/endpoints?pageSize=abc", keyA), "pageSize")
	wantInvalid(t, h.get(v1+"/endpoints?pageSize=101", keyA), "pageSize", "100")
}

func TestEndpointHooks(t *testing.T) {
	h := newHarness(t, Options{})
	id := h.mustCreateEndpoint(keyA, endpointSpec())

	// Copies: changing the returned value does not change the store.
	ep, _ := h.emu.Endpoint(id)
	ep.Envs[0].Value = "mutated"
	if again, _ := h.emu.Endpoint(id); again.Envs[0].Value != "fast" {
		t.Errorf("Endpoint returned shared slices")
	}

	if !h.emu.ChangeEndpoint(id, func(e *Endpoint) { e.Name = "drifted"; e.State = "stopped"; e.ID = "other" }) {
		t.Fatal("ChangeEndpoint reported missing")
	}
	got := h.getEndpoint(keyA, id)
	if got["name"] != "drifted" || stateOf(got) != "stopped" {
		t.Errorf("drift not visible: %v %v", got["name"], stateOf(got))
	}
	if h.emu.ChangeEndpoint("missing", func(*Endpoint) {}) {
		t.Error("ChangeEndpoint of a missing id reported true")
	}
	if !h.emu.RemoveEndpoint(id) || h.emu.RemoveEndpoint(id) {
		t.Error("RemoveEndpoint should succeed once")
	}
	wantError(t, h.get(v1+"/endpoint?id="+id, keyA), http.StatusBadRequest, "SERVERLESS_ENDPOINT_NOT_FOUND")
}

func TestDirectoryLookup(t *testing.T) {
	h := newHarness(t, Options{CreateDelay: time.Second})
	id := h.mustCreateEndpoint(keyA, set(endpointSpec(), "appName", "jobs"))
	dir := directory{h.emu}

	ge, ok := dir.LookupJobEndpoint(id + "-jobs")
	if !ok || ge.Serving || ge.Team != "team-a" || ge.ID != id || ge.AppName != "jobs" {
		t.Fatalf("while creating: %+v %v", ge, ok)
	}
	h.clock.Advance(time.Second)
	ge, _ = dir.LookupJobEndpoint(id + "-jobs")
	want := struct {
		serving                           bool
		min, max, free, conc, timeout, pv int
		pt, image, env                    string
	}{true, 1, 3, 300, 2, 600, 30, "queue", "novitalabs/sleep-worker:latest", "fast"}
	got := struct {
		serving                           bool
		min, max, free, conc, timeout, pv int
		pt, image, env                    string
	}{ge.Serving, ge.MinWorkers, ge.MaxWorkers, ge.FreeTimeoutSec, ge.MaxConcurrent, ge.RequestTimeoutSec, ge.PolicyValue, ge.PolicyType, ge.Image, ge.Env["MODE"]}
	if got != want || ge.Type != "async" {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if _, ok := dir.LookupJobEndpoint(id + "-" + id); ok {
		t.Error("the default-name form must not match an endpoint with a custom appName")
	}
	if _, ok := dir.LookupJobEndpoint("nope"); ok {
		t.Error("unknown name found")
	}
}

func TestClusterReactivationRefusesOnce(t *testing.T) {
	h := newHarness(t, Options{DeleteDelay: time.Second, ClusterReactivation: 5 * time.Second})
	a := h.mustCreateEndpoint(keyA, endpointSpec())
	b := h.mustCreateEndpoint(keyA, endpointSpec())
	mustOK(t, h.post(v1+"/endpoint/delete", keyA, `{"id":"`+a+`"}`))
	h.clock.Advance(time.Second)
	h.mustCreateEndpoint(keyA, endpointSpec()) // b still lives in the cluster: no refusal
	for _, id := range h.listIDs(keyA) {
		mustOK(t, h.post(v1+"/endpoint/delete", keyA, `{"id":"`+id+`"}`))
	}
	h.clock.Advance(time.Second)
	if _, ok := h.emu.Endpoint(b); ok {
		t.Fatal("endpoints not deleted")
	}

	// Another team and another cluster are unaffected.
	h.mustCreateEndpoint(keyB, endpointSpec())
	h.mustCreateEndpoint(keyA, set(endpointSpec(), "clusterID", "eu-frankfurt-1"))
	r := h.createEndpoint(keyA, endpointSpec())
	wantError(t, r, http.StatusBadRequest, "REQUEST")
	if !strings.Contains(r.message(), "cluster is not active") {
		t.Errorf("message = %q", r.message())
	}
	h.mustCreateEndpoint(keyA, endpointSpec()) // the retry succeeds

	// Off by default.
	h2 := newHarness(t, Options{})
	id := h2.mustCreateEndpoint(keyA, endpointSpec())
	mustOK(t, h2.post(v1+"/endpoint/delete", keyA, `{"id":"`+id+`"}`))
	h2.mustCreateEndpoint(keyA, endpointSpec())
}

// listIDs lists the team's endpoint ids (one page).
func (h *harness) listIDs(key string) []string {
	h.t.Helper()
	var ids []string
	for _, e := range objects(h.t, mustOK(h.t, h.get(v1+"/endpoints?pageSize=100", key)).body, "endpoints") {
		ids = append(ids, at[string](h.t, e, "id"))
	}
	return ids
}

func TestDirectoryLookupByJobName(t *testing.T) {
	h := newHarness(t, Options{DeleteDelay: time.Second})
	// Ids from a hand-edited state file may contain "-": every split of the name is tried.
	h.emu.withStore(func() {
		h.emu.endpoints["ab"] = &endpointRecord{Endpoint: Endpoint{ID: "ab", AppName: "cd-x", Team: "team-a", Type: "async", State: stateServing}}
		h.emu.endpoints["ab-cd"] = &endpointRecord{Endpoint: Endpoint{ID: "ab-cd", AppName: "y", Team: "team-a", Type: "async", State: stateServing}}
	})
	dir := directory{h.emu}
	for name, wantID := range map[string]string{"ab-cd-x": "ab", "ab-cd-y": "ab-cd", "ab-cd": "", "ab-cd-z": "", "ab": ""} {
		ge, ok := dir.LookupJobEndpoint(name)
		if ok != (wantID != "") || ge.ID != wantID {
			t.Errorf("lookup %q: %q %v, want %q", name, ge.ID, ok, wantID)
		}
	}

	// A lookup settles the endpoint it finds: once its delete has completed it is gone.
	id := h.mustCreateEndpoint(keyA, endpointSpec())
	mustOK(t, h.post(v1+"/endpoint/delete", keyA, `{"id":"`+id+`"}`))
	if _, ok := dir.LookupJobEndpoint(id + "-" + id); !ok {
		t.Fatal("a deleting endpoint is not found")
	}
	h.clock.Advance(time.Second)
	if ge, ok := dir.LookupJobEndpoint(id + "-" + id); ok {
		t.Fatalf("a deleted endpoint is found: %+v", ge)
	}
	if n := h.emu.Counts().Endpoints; n != 2 {
		t.Errorf("%d endpoints stored, want the 2 others", n)
	}
}
