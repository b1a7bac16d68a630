package emulator

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestAuth(t *testing.T) {
	h := newHarness(t, Options{})
	for _, tc := range []struct {
		name, header string
	}{
		{"missing", ""},
		{"unknown key", "Bearer sk_wrong"},
		{"not bearer", "Basic " + keyA},
		{"empty bearer", "Bearer "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, path := range []string{v1 + "/endpoints", productsPath + "?type=gpu&category=serverless", "/v1/x-y/health"} {
				req, _ := http.NewRequest("GET", h.url+path, nil)
				if tc.header != "" {
					req.Header.Set("Authorization", tc.header)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusUnauthorized {
					t.Errorf("%s: status %d, want 401", path, resp.StatusCode)
				}
			}
		})
	}
	r := h.get(v1+"/endpoints", "sk_wrong")
	wantError(t, r, http.StatusUnauthorized, "UNAUTHORIZED")
	if strings.Contains(r.raw, "sk_wrong") {
		t.Error("the 401 echoes the key")
	}
	mustOK(t, h.get(v1+"/endpoints", keyA))
}

func TestDefaultKey(t *testing.T) {
	emu, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emu.Close() })
	h := &harness{t: t, emu: emu, url: serveForTest(t, emu)}
	mustOK(t, h.get(v1+"/clusters", DefaultAPIKey))
	wantError(t, h.get(v1+"/clusters", keyA), http.StatusUnauthorized, "UNAUTHORIZED")
}

func TestRouting(t *testing.T) {
	h := newHarness(t, Options{})
	wantError(t, h.get(v1+"/nope", keyA), http.StatusNotFound, "NOT_FOUND")
	wantError(t, h.get(v1+"/endpoint/create", keyA), http.StatusMethodNotAllowed, "REQUEST")
	wantError(t, h.post(v1+"/endpoint/create", keyA, ""), http.StatusBadRequest, "REQUEST")
	wantError(t, h.post(v1+"/endpoint/create", keyA, `[1,2]`), http.StatusBadRequest, "REQUEST")
}

func TestBodyLimit(t *testing.T) {
	h := newHarness(t, Options{})
	// Just over 4 MiB: refused before any parsing.
	big := `{"name":"` + strings.Repeat("x", maxBodyBytes) + `"}`
	wantError(t, h.post(v1+"/repository/auth/save", keyA, big), http.StatusRequestEntityTooLarge, "REQUEST")
	// Just under: parsed and validated normally.
	under := `{"name":"n","username":"u","password":"p","pad":"` + strings.Repeat("x", maxBodyBytes-100) + `"}`
	mustOK(t, h.post(v1+"/repository/auth/save", keyA, under))
}

func TestCatalog(t *testing.T) {
	h := newHarness(t, Options{})
	r := mustOK(t, h.get(productsPath+"?type=gpu&category=serverless", keyA))
	names := map[string]map[string]any{}
	for _, pm := range objects(t, r.body, "data") {
		names[at[string](t, pm, "name")] = pm
		at[float64](t, pm, "price")
		at[bool](t, pm, "availableDeploy")
		if len(at[[]any](t, pm, "regions")) == 0 || at[string](t, pm, "inventoryState") == "" {
			t.Errorf("product %v lacks regions or inventory", pm)
		}
	}
	if names["RTX 5090 32GB"]["id"] != "SL-serverless-3" || names["RTX 4090 24GB"] == nil || names["H100 SXM 80GB"] == nil {
		t.Errorf("catalog = %v", names)
	}
	wantInvalid(t, h.get(productsPath+"?type=gpu", keyA), "category")
	wantInvalid(t, h.get(productsPath+"?category=serverless", keyA), "type")
	wantInvalid(t, h.get(productsPath, keyA), "type", "category")

	r = mustOK(t, h.get(v1+"/clusters", keyA))
	clusters := objects(t, r.body, "data")
	gpuTypes := map[string]bool{}
	withStorage, without := 0, 0
	for _, cm := range clusters {
		for i := range at[[]any](t, cm, "availableGpuType") {
			gpuTypes[at[string](t, cm, "availableGpuType", i)] = true
		}
		if at[bool](t, cm, "supportNetworkStorage") {
			withStorage++
		} else {
			without++
		}
		if _, ok := cm["supportInstanceNetwork"].(bool); !ok || cm["id"] == "" || cm["name"] == "" {
			t.Errorf("cluster %v incomplete", cm)
		}
	}
	if len(clusters) < 3 || len(gpuTypes) < 3 || withStorage == 0 || without == 0 {
		t.Errorf("clusters = %v", clusters)
	}

	r = mustOK(t, h.get(v1+"/endpoint/limit", keyA))
	lim := r.obj()
	for _, k := range []string{"minRootfsSize", "maxRootfsSize", "freeRootfsSize", "minLocalVolumeSize", "maxLocalVolumeSize",
		"freeLocalVolumeSize", "minWorkerNum", "maxWorkerNum", "minFreeTimeout", "maxFreeTimeout", "minConcurrencyNum",
		"maxConcurrencyNum", "minQueueWaitTime", "maxQueueWaitTime", "minRequestNum", "maxRequestNum", "minGPUNum",
		"maxGPUNum", "minRequestTimeout", "maxRequestTimeout"} {
		if _, ok := lim[k].(float64); !ok {
			t.Errorf("limit %s = %#v, want a number", k, lim[k])
		}
	}
	if cv, _ := lim["cudaVersionList"].([]any); len(cv) == 0 {
		t.Errorf("cudaVersionList = %v", lim["cudaVersionList"])
	}
	if lim["maxGPUNum"] != 8.0 || lim["maxWorkerNum"] != 100.0 {
		t.Errorf("limits = %v", lim)
	}
}

func TestFaultInjectionAndRequestCounts(t *testing.T) {
	h := newHarness(t, Options{})
	path := v1 + "/endpoints"
	h.emu.InjectFault(Fault{Method: "GET", Path: path, Status: http.StatusTooManyRequests, RetryAfter: "1", Times: 2})
	h.emu.InjectFault(Fault{Method: "POST", Path: v1 + "/endpoint/create", Status: http.StatusBadRequest, Reason: "OPERATION_LIMIT", Message: "cluster is not active"})

	for i := range 2 {
		r := h.get(path, keyA)
		wantError(t, r, http.StatusTooManyRequests, "RATE_LIMIT_EXCEEDED")
		if r.header.Get("Retry-After") != "1" {
			t.Errorf("attempt %d: Retry-After = %q", i, r.header.Get("Retry-After"))
		}
	}
	mustOK(t, h.get(path, keyA))
	if n := h.emu.Requests(path); n != 3 {
		t.Errorf("Requests(%s) = %d, want 3", path, n)
	}

	r := h.createEndpoint(keyA, endpointSpec())
	wantError(t, r, http.StatusBadRequest, "OPERATION_LIMIT")
	if r.message() != "cluster is not active" {
		t.Errorf("message = %q", r.message())
	}
	h.mustCreateEndpoint(keyA, endpointSpec()) // the retry succeeds
	if n := h.emu.Requests(v1 + "/endpoint/create"); n != 2 {
		t.Errorf("create requests = %d, want 2", n)
	}

	h.emu.InjectFault(Fault{Path: "/v1/a-b/health", Status: http.StatusServiceUnavailable})
	wantError(t, h.get("/v1/a-b/health", keyA), http.StatusServiceUnavailable, "UNKNOWN")
	h.emu.InjectFault(Fault{Path: v1 + "/clusters"})
	wantError(t, h.get(v1+"/clusters", keyA), http.StatusInternalServerError, "UNKNOWN")
	mustOK(t, h.get(v1+"/clusters", keyA))
}

func TestGatewayWiring(t *testing.T) {
	h := newHarness(t, Options{CreateDelay: time.Second, DeleteDelay: time.Second, ColdStart: -1})
	id := h.mustCreateEndpoint(keyA, set(endpointSpec(), "appName", "jobs"))
	name := id + "-jobs"

	// Not serving yet: the gateway refuses jobs.
	if r := h.post("/v1/"+name+"/run", keyA, `{"input":{}}`); r.status == http.StatusOK {
		t.Fatalf("a creating endpoint accepted a job: %s", r.raw)
	}
	h.clock.Advance(time.Second)
	r := mustOK(t, h.post("/v1/"+name+"/run", keyA, `{"input":{"sleep":1000}}`))
	jobID, _ := r.obj()["id"].(string)
	if jobID == "" {
		t.Fatalf("run answered %s", r.raw)
	}
	if r := h.get("/v1/"+name+"/status/"+jobID, keyB); r.status == http.StatusOK {
		t.Errorf("team B read team A's job: %s", r.raw)
	}
	mustOK(t, h.get("/v1/"+name+"/status/"+jobID, keyA))

	// The management view shows the gateway's live workers.
	ep := h.getEndpoint(keyA, id)
	if w := at[[]any](t, ep, "workers"); len(w) != 1 {
		t.Errorf("workers = %v, want the one min worker", w)
	}

	// Once the endpoint is fully deleted the gateway forgets its jobs.
	mustOK(t, h.post(v1+"/endpoint/delete", keyA, `{"id":"`+id+`"}`))
	if _, ok := h.emu.Gateway().Job(jobID); !ok {
		t.Fatal("job dropped while the endpoint is still deleting")
	}
	h.clock.Advance(time.Second)
	h.emu.Counts() // any call settles and flushes
	if _, ok := h.emu.Gateway().Job(jobID); ok {
		t.Error("the gateway still holds a job of a deleted endpoint")
	}
}
