package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Fixtures typed from Novita's GPU API v2 documents (shared/novita-api-v2.md), not produced by the
// emulator: the client is checked against the documents, the emulator separately.

// docFixture reads one of the documented examples kept in internal/testdata/v2 (shared with the
// provider's tests): product.json is the P-products example verbatim, endpoint.json the P-get
// example of GET /gpus/v2/endpoints/{id} with a real type.
func docFixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "v2", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// docListItem is a P-list item: the get shape without type, volumes with size.
func docListItem(id, appName string) string {
	return fmt.Sprintf(`{"id": %q, "name": "example-endpoint", "app_name": %q,
  "status": {"status": "running", "error": "", "message": ""}, "url": "https://endpoint.example.com/%s",
  "product_id": "product-id", "worker_config": {"min_replicas": 0, "max_replicas": 2, "idle_timeout": 300,
  "max_concurrent_per_worker": 10, "gpu_num": 1, "rootfs_size_gb": 20, "min_cuda_version": "12.4", "request_timeout": 60},
  "policy": {"type": "queue", "value": 100}, "image": "registry.example.com/namespace/image:tag",
  "registry_auth_id": "registry-auth-id", "entrypoint": "", "command": "go run main.go",
  "volumes": [{"id": "storage-id", "type": "network", "size": 123, "mount_point": "/data"}],
  "envs": [{"key": "ENV_NAME", "value": "ENV_VALUE"}], "ports": [8080], "workers": [],
  "health_check": {"path": "/healthz", "port": 8080}, "region_id": "region-id", "member_id": "member-id",
  "owner_id": "550e8400-e29b-41d4-a716-446655440000", "created_at": 1710000000}`, id, appName, id)
}

func testSpec(typ string) EndpointSpec {
	return EndpointSpec{Type: typ, AppName: "example-app", EndpointConfig: EndpointConfig{
		Name: "example-endpoint", ProductID: "product-id", Image: "registry.example.com/namespace/image:tag",
		WorkerConfig: WorkerConfig{MinReplicas: 0, MaxReplicas: 2, IdleTimeout: 300, MaxConcurrentPerWorker: 10, GPUNum: 1,
			RootfsSizeGB: 20, MinCudaVersion: "12.4", RequestTimeout: 60},
		Policy:      Policy{Type: "queue", Value: 100},
		Ports:       []Int{8080},
		HealthCheck: &HealthCheck{Path: "/healthz", Port: 8080},
		RegionID:    "region-id",
	}}
}

func TestCreateEndpointPostsFlatV2Body(t *testing.T) {
	for _, typ := range []string{EndpointAsync, EndpointSync} {
		t.Run(typ, func(t *testing.T) {
			var rec recorder
			c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodGet { // the list by app name before the create (reconcile.go)
					writeJSON(w, 200, `{"data":[],"has_more":false}`)
					return
				}
				rec.add(r)
				writeJSON(w, 200, `{"id":"endpoint-id"}`)
			}))
			id, err := c.CreateEndpoint(context.Background(), testSpec(typ))
			if err != nil || id != "endpoint-id" {
				t.Fatalf("CreateEndpoint = %q, %v", id, err)
			}
			req := rec.all()[0]
			if req.Method != "POST" || req.Path != "/gpus/v2/endpoints" {
				t.Fatalf("request %s %s, want POST /gpus/v2/endpoints", req.Method, req.Path)
			}
			var got map[string]any
			if err := json.Unmarshal(req.Body, &got); err != nil {
				t.Fatal(err)
			}
			// The documented example's keys, flat and snake_case; lists the user left empty are [].
			want := map[string]any{
				"type": typ, "name": "example-endpoint", "app_name": "example-app", "product_id": "product-id",
				"image": "registry.example.com/namespace/image:tag", "registry_auth_id": "", "entrypoint": "", "command": "",
				"worker_config": map[string]any{"min_replicas": 0.0, "max_replicas": 2.0, "idle_timeout": 300.0,
					"max_concurrent_per_worker": 10.0, "gpu_num": 1.0, "rootfs_size_gb": 20.0, "min_cuda_version": "12.4", "request_timeout": 60.0},
				"policy": map[string]any{"type": "queue", "value": 100.0}, "volumes": []any{}, "envs": []any{},
				"ports": []any{8080.0}, "health_check": map[string]any{"path": "/healthz", "port": 8080.0}, "region_id": "region-id",
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("body:\n got %v\nwant %v", got, want)
			}
		})
	}
}

func TestGetEndpointDecodesDocumentedExample(t *testing.T) {
	var rec recorder
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		writeJSON(w, 200, docFixture(t, "endpoint.json"))
	}))
	ep, err := c.GetEndpoint(context.Background(), "endpoint-id")
	if err != nil {
		t.Fatal(err)
	}
	if req := rec.all()[0]; req.Method != "GET" || req.Path != "/gpus/v2/endpoints/endpoint-id" {
		t.Errorf("request %s %s", req.Method, req.Path)
	}
	want := &Endpoint{
		ID: "endpoint-id", Type: "async", AppName: "example-app",
		EndpointConfig: EndpointConfig{
			Name: "example-endpoint", ProductID: "product-id", Image: "registry.example.com/namespace/image:tag",
			RegistryAuthID: "registry-auth-id", Command: "cargo run",
			WorkerConfig: WorkerConfig{MinReplicas: 0, MaxReplicas: 2, IdleTimeout: 300, MaxConcurrentPerWorker: 10, GPUNum: 1,
				RootfsSizeGB: 20, MinCudaVersion: "12.4", RequestTimeout: 60},
			Policy:      Policy{Type: "queue", Value: 100},
			Volumes:     []Volume{{ID: "storage-id", Type: "network", MountPoint: "/data"}},
			Envs:        []Env{{Key: "ENV_NAME", Value: "ENV_VALUE"}},
			Ports:       []Int{8080},
			HealthCheck: &HealthCheck{Path: "/healthz", Port: 8080},
			RegionID:    "region-id",
		},
		Status:    EndpointStatus{Status: "running"},
		URL:       "https://endpoint.example.com/endpoint-id",
		Workers:   []Worker{{ID: "worker-id", Status: EndpointStatus{Status: "ready"}, Log: "https://logs.example.com/worker-id", Health: true}},
		MemberID:  "member-id",
		OwnerID:   "550e8400-e29b-41d4-a716-446655440000",
		CreatedAt: 1710000000,
		JobName:   "endpoint-id-example-app", // the url is not on the job gateway
	}
	if !reflect.DeepEqual(ep, want) {
		t.Errorf("endpoint:\n got %+v\nwant %+v", ep, want)
	}
	if ep.Status.Readiness() != Ready {
		t.Errorf("running is not ready")
	}
}

func TestGetEndpointDecodesTolerantly(t *testing.T) {
	// Numbers as strings, created_at as a string or a date, a bare status string and a status
	// value the client does not know: all decode, and the unknown value is kept verbatim.
	body := strings.NewReplacer(
		`"max_replicas": 2`, `"max_replicas": "2"`,
		`"created_at": 1710000000`, `"created_at": "1710000000"`,
		`"status": { "status": "running", "error": "", "message": "" }`, `"status": "migrating"`,
		`"ports": [ 8080 ]`, `"ports": [ "8080" ]`,
	).Replace(docFixture(t, "endpoint.json"))
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, body) }))
	ep, err := c.GetEndpoint(context.Background(), "endpoint-id")
	if err != nil {
		t.Fatal(err)
	}
	if ep.WorkerConfig.MaxReplicas != 2 || ep.CreatedAt != 1710000000 || ep.Status.Status != "migrating" || ep.Ports[0] != 8080 {
		t.Errorf("decoded %+v", ep)
	}
	if ep.Status.Readiness() != NotReadyYet {
		t.Errorf("an unknown status must mean not ready yet, got %v", ep.Status.Readiness())
	}
	var date struct{ T UnixTime }
	if err := json.Unmarshal([]byte(`{"T":"2024-03-09T16:00:00Z"}`), &date); err != nil || date.T != 1710000000 {
		t.Errorf("RFC 3339 created_at = %d, %v", date.T, err)
	}
}

func TestStatusReadinessTable(t *testing.T) {
	for status, want := range map[string]Readiness{
		"running": Ready, "serving": Ready, "creating": NotReadyYet, "updating": NotReadyYet, "": NotReadyYet,
		"something-new": NotReadyYet, "failed": WillNotServe, "stopped": WillNotServe, "deleting": WillNotServe,
	} {
		if got := (EndpointStatus{Status: status}).Readiness(); got != want {
			t.Errorf("Readiness(%q) = %v, want %v", status, got, want)
		}
	}
	var statuses []EndpointStatus
	if err := json.Unmarshal([]byte(`["running",{"status":"failed","error":"E","message":"M"},null]`), &statuses); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(statuses, []EndpointStatus{{Status: "running"}, {Status: "failed", Error: "E", Message: "M"}, {}}) {
		t.Errorf("statuses decode as %+v", statuses)
	}
}

// pagedServer serves ids in pages of two with opaque cursors, recording the queries.
func pagedServer(t *testing.T, rec *recorder, ids []string) *Client {
	return newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		q := r.URL.Query()
		start := 0
		if cur := q.Get("cursor"); cur != "" {
			if _, err := fmt.Sscanf(cur, "after-%d", &start); err != nil {
				writeJSON(w, 400, `{"reason":"VALIDATOR_PARAM","message":"bad cursor"}`)
				return
			}
		}
		var items []string
		for _, id := range ids {
			if kw := q.Get("keyword"); kw == "" || strings.Contains(id+"-app", kw) {
				items = append(items, id)
			}
		}
		end := min(start+2, len(items))
		data := make([]string, 0, 2)
		for _, id := range items[start:end] {
			data = append(data, docListItem(id, id+"-app"))
		}
		next, more := "", end < len(items)
		if more {
			next = fmt.Sprintf("after-%d", end)
		}
		writeJSON(w, 200, fmt.Sprintf(`{"data":[%s],"next_cursor":%q,"has_more":%v}`, strings.Join(data, ","), next, more))
	}))
}

func TestListEndpointsFollowsTheCursor(t *testing.T) {
	var rec recorder
	c := pagedServer(t, &rec, []string{"e1", "e2", "e3", "e4", "e5"})
	eps, err := c.ListEndpoints(context.Background(), "")
	if err != nil || len(eps) != 5 || eps[4].ID != "e5" || eps[0].Volumes[0].Size != 123 {
		t.Fatalf("ListEndpoints = %d endpoints, %v", len(eps), err)
	}
	reqs := rec.all()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3 pages", len(reqs))
	}
	if _, sent := reqs[0].Query["cursor"]; sent || reqs[0].Path != "/gpus/v2/endpoints" {
		t.Errorf("first page: %s %v; want no cursor", reqs[0].Path, reqs[0].Query)
	}
	if reqs[1].Query["cursor"][0] != "after-2" || reqs[2].Query["cursor"][0] != "after-4" {
		t.Errorf("cursors sent: %v, %v", reqs[1].Query, reqs[2].Query)
	}
}

func TestListEndpointsStopsOnARepeatedCursor(t *testing.T) {
	calls := 0
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		writeJSON(w, 200, `{"data":[`+docListItem("e1", "a")+`],"next_cursor":"same","has_more":true}`)
	}))
	if _, err := c.ListEndpoints(context.Background(), ""); err != nil || calls != 2 {
		t.Errorf("ListEndpoints against a server ignoring cursors: %d calls, %v; want 2 calls", calls, err)
	}
}

func TestFindEndpointByAppNameUsesKeywordAndMatchesExactly(t *testing.T) {
	var rec recorder
	c := pagedServer(t, &rec, []string{"demo", "demo-2", "other"})
	ep, err := c.FindEndpointByAppName(context.Background(), "demo-app")
	if err != nil || ep == nil || ep.ID != "demo" {
		t.Fatalf("FindEndpointByAppName = %+v, %v", ep, err)
	}
	if q := rec.all()[0].Query; q["keyword"][0] != "demo-app" {
		t.Errorf("query %v, want keyword=demo-app", q)
	}
	if ep, err := c.FindEndpointByAppName(context.Background(), "demo-2"); err != nil || ep != nil {
		t.Errorf("a substring match must not count: %+v, %v", ep, err)
	}
}

func TestUpdateEndpointPutsTheFullConfiguration(t *testing.T) {
	var rec recorder
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		writeJSON(w, 200, `{}`)
	}))
	cfg := testSpec(EndpointAsync).EndpointConfig
	cfg.HealthCheck = nil
	if err := c.UpdateEndpoint(context.Background(), "endpoint-id", cfg); err != nil {
		t.Fatal(err)
	}
	req := rec.all()[0]
	if req.Method != "PUT" || req.Path != "/gpus/v2/endpoints/endpoint-id" {
		t.Fatalf("request %s %s", req.Method, req.Path)
	}
	body := decodeMap(t, req.Body)
	for _, key := range []string{"name", "product_id", "image", "registry_auth_id", "entrypoint", "command", "worker_config", "policy", "volumes", "envs", "ports", "region_id"} {
		if _, ok := body[key]; !ok {
			t.Errorf("update omits %s; v2's merge rule is undocumented, so everything is sent", key)
		}
	}
	for _, key := range []string{"type", "app_name", "id"} {
		if _, ok := body[key]; ok {
			t.Errorf("update sends %s, which v2's update does not take", key)
		}
	}
}

func TestDeleteEndpointSendsNoBody(t *testing.T) {
	var rec recorder
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		writeJSON(w, 200, `{}`)
	}))
	if err := c.DeleteEndpoint(context.Background(), "endpoint-id"); err != nil {
		t.Fatal(err)
	}
	if req := rec.all()[0]; req.Method != "DELETE" || req.Path != "/gpus/v2/endpoints/endpoint-id" || len(req.Body) != 0 {
		t.Errorf("request %s %s body %q", req.Method, req.Path, req.Body)
	}
}

func TestJobNameComesFromTheGatewayURL(t *testing.T) {
	c := newTestClient(t, http.NotFoundHandler())
	for _, tc := range []struct{ url, want string }{
		{c.asyncBaseURL + "/0f43a6867e05fddd", "0f43a6867e05fddd"},
		{c.asyncBaseURL + "/ep1-app/", "ep1-app"},
		{"https://endpoint.example.com/ep1", "ep1-app"},
		{c.asyncBaseURL + "/a/b", "ep1-app"},
		{"", "ep1-app"},
	} {
		if got := c.jobName(&Endpoint{ID: "ep1", AppName: "app", URL: tc.url}); got != tc.want {
			t.Errorf("jobName(url %q) = %q, want %q", tc.url, got, tc.want)
		}
	}
}

func TestLimitsClustersProducts(t *testing.T) {
	var rec recorder
	wrapLimits := false
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		switch r.URL.Path {
		case "/gpu-instance/openapi/v1/endpoint/limit":
			limits := `{"minWorkerNum":0,"maxWorkerNum":"100","maxGPUNum":8,"cudaVersionList":["12.1","12.4"]}`
			if wrapLimits {
				limits = `{"data":` + limits + `}`
			}
			writeJSON(w, 200, limits)
		case "/gpu-instance/openapi/v1/clusters":
			writeJSON(w, 200, `{"data":[{"id":"c1","name":"US","availableGpuType":["RTX 4090"],"supportNetworkStorage":true}]}`)
		case "/gpus/v2/products":
			writeJSON(w, 200, `{"data":[`+docFixture(t, "product.json")+`]}`)
		default:
			writeJSON(w, 404, `{}`)
		}
	}))
	ctx := context.Background()
	for _, wrapped := range []bool{false, true} {
		wrapLimits = wrapped
		l, err := c.GetEndpointLimits(ctx)
		if err != nil || l.MaxWorkerNum != 100 || l.MaxGPUNum != 8 || len(l.CudaVersionList) != 2 {
			t.Errorf("limits (wrapped=%v) = %+v, %v", wrapped, l, err)
		}
	}
	clusters, err := c.ListClusters(ctx)
	if err != nil || len(clusters) != 1 || !clusters[0].SupportNetworkStorage || clusters[0].AvailableGPUType[0] != "RTX 4090" {
		t.Errorf("clusters = %+v, %v", clusters, err)
	}
	products, err := c.ListServerlessProducts(ctx)
	if err != nil || len(products) != 1 {
		t.Fatalf("products = %+v, %v", products, err)
	}
	p := products[0]
	if p.ID != "prod-a100-80g" || p.Category != "instance" || p.RegionIDs[0] != "c-east-1" || p.ResourceSpec.GPU.MemoryGB != 80 ||
		p.ResourceSpec.GPU.Max != 8 || p.ResourceSpec.Rootfs.MaxGB != 500 || p.Pricing.Precision != 3 ||
		p.Pricing.Postpaid.FinalPrice != 12600 || p.Pricing.Postpaid.Unit != "per_hour" || !p.Deployable || p.InventoryState != "normal" ||
		!reflect.DeepEqual(p.BillingMethods, []string{"postpaid", "prepaid", "spot"}) {
		t.Errorf("product decoded as %+v", p)
	}
	last := rec.all()[len(rec.all())-1]
	if last.Query["type"][0] != "gpu" || last.Query["category"][0] != "serverless" {
		t.Errorf("products query %v", last.Query)
	}
}

func TestIntDecoding(t *testing.T) {
	cases := map[string]Int{`300`: 300, `"300"`: 300, `" 42 "`: 42, `""`: 0, `null`: 0, `-5`: -5, `300.0`: 300, `"1e3"`: 1000}
	for in, want := range cases {
		var n Int = 7
		if err := json.Unmarshal([]byte(in), &n); err != nil || n != want {
			t.Errorf("decode %s = %d, %v; want %d", in, n, err, want)
		}
	}
	for _, bad := range []string{`"abc"`, `1.5`, `true`, `{}`} {
		var n Int
		if err := json.Unmarshal([]byte(bad), &n); err == nil {
			t.Errorf("decode %s succeeded with %d", bad, n)
		}
	}
	if b, _ := json.Marshal(struct{ N Int }{12}); string(b) != `{"N":12}` {
		t.Errorf("Int encodes as %s", b)
	}
}
