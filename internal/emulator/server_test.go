package emulator_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
	"github.com/novitalabs/terraform-provider-novita/internal/emulator/emulatortest"
)

func TestAuth(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	for _, tc := range []struct {
		name, header string
	}{
		{"missing", ""},
		{"unknown key", "Bearer sk_wrong"},
		{"not bearer", "Basic " + keyA},
		{"empty bearer", "Bearer "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, path := range []string{endpoints, products + "?category=serverless", "/v1/x-y/health", "/nope"} {
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
	r := h.get(endpoints, "sk_wrong")
	wantError(t, r, http.StatusUnauthorized, "UNAUTHORIZED")
	if strings.Contains(r.raw, "sk_wrong") {
		t.Error("the 401 echoes the key")
	}
	mustOK(t, h.get(endpoints, keyA))
}

func TestDefaultKey(t *testing.T) {
	_, srv := emulatortest.Start(t, emulator.Options{})
	h := &harness{t: t, url: srv.URL}
	mustOK(t, h.get(v1+"/clusters", emulator.DefaultAPIKey))
	wantError(t, h.get(v1+"/clusters", keyA), http.StatusUnauthorized, "UNAUTHORIZED")
}

// ServeMux answers unknown paths and wrong methods; the API's error body is kept for both.
func TestRoutingErrorsKeepTheErrorShape(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	wantError(t, h.get(v1+"/nope", keyA), http.StatusNotFound, "NOT_FOUND")
	wantError(t, h.get(endpoints+"/", keyA), http.StatusNotFound, "NOT_FOUND")
	r := h.call("PATCH", endpoints+"/abc", keyA, "{}")
	wantError(t, r, http.StatusMethodNotAllowed, "REQUEST")
	for _, m := range []string{"GET", "PUT", "DELETE"} {
		if !strings.Contains(r.header.Get("Allow"), m) || !strings.Contains(r.message(), m) {
			t.Errorf("405 does not name %s as allowed: Allow %q, message %q", m, r.header.Get("Allow"), r.message())
		}
	}
	wantError(t, h.call("DELETE", endpoints, keyA, ""), http.StatusMethodNotAllowed, "REQUEST")
	// The v1 endpoint routes are gone.
	for _, path := range []string{"/endpoint/create", "/endpoint", "/endpoints", "/endpoint/update", "/endpoint/delete"} {
		wantError(t, h.post(v1+path, keyA, `{}`), http.StatusNotFound, "NOT_FOUND")
	}
	wantError(t, h.post(endpoints, keyA, ""), http.StatusBadRequest, "REQUEST")
	wantError(t, h.post(endpoints, keyA, `[1,2]`), http.StatusBadRequest, "REQUEST")
	wantError(t, h.post(endpoints, keyA, `{"type":`), http.StatusBadRequest, "REQUEST")
	wantError(t, h.post(endpoints, keyA, `{} {}`), http.StatusBadRequest, "REQUEST")
}

func TestRoutesListsEveryRoute(t *testing.T) {
	want := []string{
		"DELETE /gpus/v2/endpoints/{endpoint_id}",
		"GET /gpu-instance/openapi/v1/clusters",
		"GET /gpu-instance/openapi/v1/endpoint/limit",
		"GET /gpu-instance/openapi/v1/image/prewarm",
		"GET /gpu-instance/openapi/v1/image/prewarm/quota",
		"GET /gpu-instance/openapi/v1/networkstorages/list",
		"GET /gpu-instance/openapi/v1/repository/auths",
		"GET /gpus/v2/endpoints",
		"GET /gpus/v2/endpoints/{endpoint_id}",
		"GET /gpus/v2/products",
		"POST /gpu-instance/openapi/v1/image/prewarm",
		"POST /gpu-instance/openapi/v1/image/prewarm/delete",
		"POST /gpu-instance/openapi/v1/image/prewarm/edit",
		"POST /gpu-instance/openapi/v1/networkstorage/create",
		"POST /gpu-instance/openapi/v1/networkstorage/delete",
		"POST /gpu-instance/openapi/v1/networkstorage/update",
		"POST /gpu-instance/openapi/v1/repository/auth/delete",
		"POST /gpu-instance/openapi/v1/repository/auth/save",
		"POST /gpus/v2/endpoints",
		"PUT /gpus/v2/endpoints/{endpoint_id}",
		"/v1/",
	}
	slices.Sort(want)
	if got := emulator.Routes(); !slices.Equal(got, want) {
		t.Errorf("Routes() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestBodyLimit(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	// Just over 4 MiB: refused before any parsing.
	big := `{"name":"` + strings.Repeat("x", emulator.MaxBodyBytes) + `"}`
	wantError(t, h.post(v1+"/repository/auth/save", keyA, big), http.StatusRequestEntityTooLarge, "REQUEST")
	wantError(t, h.post(endpoints, keyA, big), http.StatusRequestEntityTooLarge, "REQUEST")
	// Just under: parsed and validated normally (v1 bodies ignore unknown keys).
	under := `{"name":"n","username":"u","password":"p","pad":"` + strings.Repeat("x", emulator.MaxBodyBytes-100) + `"}`
	mustOK(t, h.post(v1+"/repository/auth/save", keyA, under))
}

func TestClustersAndLimits(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	r := mustOK(t, h.get(v1+"/clusters", keyA))
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

	lim := mustOK(t, h.get(v1+"/endpoint/limit", keyA)).obj()
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
	h := newHarness(t, emulator.Options{})
	h.emu.InjectFault(emulator.Fault{Method: "GET", Path: endpoints, Status: http.StatusTooManyRequests, RetryAfter: "1", Times: 2})
	h.emu.InjectFault(emulator.Fault{Method: "POST", Path: endpoints, Status: http.StatusBadRequest, Reason: "OPERATION_LIMIT", Message: "cluster is not active"})

	for i := range 2 {
		r := h.get(endpoints, keyA)
		wantError(t, r, http.StatusTooManyRequests, "RATE_LIMIT_EXCEEDED")
		if r.header.Get("Retry-After") != "1" {
			t.Errorf("attempt %d: Retry-After = %q", i, r.header.Get("Retry-After"))
		}
	}
	mustOK(t, h.get(endpoints, keyA))

	r := h.createEndpoint(keyA, endpointSpec())
	wantError(t, r, http.StatusBadRequest, "OPERATION_LIMIT")
	if r.message() != "cluster is not active" {
		t.Errorf("message = %q", r.message())
	}
	id := h.mustCreateEndpoint(keyA, endpointSpec()) // the retry succeeds
	mustOK(t, h.updateEndpoint(keyA, id, updateSpec()))
	h.getEndpoint(keyA, id)

	// Counted by plain path (any method) and by route pattern.
	for key, want := range map[string]int{
		endpoints:                                 5,
		"GET " + endpoints:                        3,
		"POST " + endpoints:                       2,
		endpoints + "/" + id:                      2,
		"PUT " + endpoints + "/{endpoint_id}":     1,
		"GET " + endpoints + "/{endpoint_id}":     1,
		"DELETE " + endpoints + "/{endpoint_id}":  0,
		"GET /gpu-instance/openapi/v1/clusters":   0,
		"/gpu-instance/openapi/v1/endpoint/limit": 0,
	} {
		if n := h.emu.Requests(key); n != want {
			t.Errorf("Requests(%q) = %d, want %d", key, n, want)
		}
	}

	// A fault on a pattern path hits every endpoint's URL.
	h.emu.InjectFault(emulator.Fault{Method: "PUT", Path: endpoints + "/{endpoint_id}", Status: http.StatusServiceUnavailable})
	wantError(t, h.updateEndpoint(keyA, id, updateSpec()), http.StatusServiceUnavailable, "UNKNOWN")
	mustOK(t, h.updateEndpoint(keyA, id, updateSpec()))

	h.emu.InjectFault(emulator.Fault{Path: "/v1/a-b/health", Status: http.StatusServiceUnavailable})
	wantError(t, h.get("/v1/a-b/health", keyA), http.StatusServiceUnavailable, "UNKNOWN")
	h.emu.InjectFault(emulator.Fault{Path: v1 + "/clusters"})
	wantError(t, h.get(v1+"/clusters", keyA), http.StatusInternalServerError, "UNKNOWN")
	mustOK(t, h.get(v1+"/clusters", keyA))
}

func TestGatewayWiring(t *testing.T) {
	h := newHarness(t, emulator.Options{CreateDelay: time.Second, DeleteDelay: time.Second, ColdStart: -1})
	id := h.mustCreateEndpoint(keyA, set(endpointSpec(), "app_name", "jobs"))
	name := id + "-jobs"

	// Not running yet: the gateway refuses jobs.
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
	if w := objects(t, ep, "workers"); len(w) != 1 || at[string](t, w[0], "status", "status") != emulator.WorkerReady {
		t.Errorf("workers = %v, want the one min worker, ready", w)
	}

	// Once the endpoint is fully deleted the gateway forgets its jobs.
	mustOK(t, h.deleteEndpoint(keyA, id))
	if _, ok := h.emu.Gateway().Job(jobID); !ok {
		t.Fatal("job dropped while the endpoint is still deleting")
	}
	h.clock.Advance(time.Second)
	h.emu.Counts() // any call settles and flushes
	if _, ok := h.emu.Gateway().Job(jobID); ok {
		t.Error("the gateway still holds a job of a deleted endpoint")
	}
}
