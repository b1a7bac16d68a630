package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"testing"
)

func TestCreateEndpointSendsWrappedSpec(t *testing.T) {
	var rec recorder
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		writeJSON(w, 200, `{"id":"0123456789abcdef"}`)
	}))
	spec := EndpointSpec{
		Name: "demo", AppName: "demo-app", Type: "async",
		WorkerConfig: WorkerConfig{MinNum: 0, MaxNum: 2, FreeTimeout: 300, MaxConcurrent: 1, GPUNum: 1},
		Ports:        []Port{{Port: 8080}},
		Policy:       Policy{Type: "queue", Value: 60},
		Image:        Image{Image: "novitalabs/sleep:1"},
		Products:     []ProductRef{{ID: "SL-serverless-3"}},
		RootfsSize:   100,
	}
	id, err := c.CreateEndpoint(context.Background(), spec)
	if err != nil || id != "0123456789abcdef" {
		t.Fatalf("CreateEndpoint = %q, %v", id, err)
	}
	req := rec.all()[0]
	if req.Method != "POST" || req.Path != "/gpu-instance/openapi/v1/endpoint/create" {
		t.Fatalf("request %s %s", req.Method, req.Path)
	}
	body := decodeMap(t, req.Body)
	ep, ok := body["endpoint"].(map[string]any)
	if !ok || len(body) != 1 {
		t.Fatalf("body not wrapped in endpoint: %s", req.Body)
	}
	if ep["appName"] != "demo-app" || ep["type"] != "async" || ep["rootfsSize"] != 100.0 {
		t.Errorf("create fields missing: %s", req.Body)
	}
	if port := ep["ports"].([]any)[0].(map[string]any)["port"]; port != "8080" {
		t.Errorf("port sent as %#v, want the string \"8080\"", port)
	}
	for _, list := range []string{"volumeMounts", "envs"} {
		if v, ok := ep[list].([]any); !ok || len(v) != 0 {
			t.Errorf("%s sent as %#v, want []", list, ep[list])
		}
	}
}

func TestGetEndpointDecodesTolerantly(t *testing.T) {
	var rec recorder
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		switch r.URL.Query().Get("id") {
		case "wrapped":
			writeJSON(w, 200, `{"endpoint":{"id":"wrapped","name":"n","appName":"a",
				"workerConfig":{"minNum":1,"maxNum":"3","freeTimeout":"300","maxConcurrent":"2","gpuNum":1,"cudaVersion":"12.4"},
				"ports":[{"port":"8080"}],"policy":{"type":"queue","value":"60"},
				"image":{"image":"img","authId":"","command":""},"products":[{"id":"p"}],"rootfsSize":"100",
				"volumeMounts":[{"type":"local","size":"30","mountPath":"/data"}],"clusterID":"c1",
				"envs":[{"key":"A","value":"b"}],"healthy":{"path":"/health","period":"10"},
				"url":"https://x","state":{"state":"serving","error":"","message":""},
				"workers":[{"id":"w1","state":{"state":"running"},"healthy":true}],"log":"l"}}`)
		case "flat":
			writeJSON(w, 200, `{"id":"flat","ports":[{"port":8000}],"state":"failed","workerConfig":{"freeTimeout":null,"maxConcurrent":""}}`)
		}
	}))
	ep, err := c.GetEndpoint(context.Background(), "wrapped")
	if err != nil {
		t.Fatal(err)
	}
	if q := rec.all()[0]; q.Path != "/gpu-instance/openapi/v1/endpoint" || q.Query["id"][0] != "wrapped" {
		t.Errorf("request %s ?%v", q.Path, q.Query)
	}
	want := WorkerConfig{MinNum: 1, MaxNum: 3, FreeTimeout: 300, MaxConcurrent: 2, GPUNum: 1, CudaVersion: "12.4"}
	if ep.WorkerConfig != want || ep.Policy.Value != 60 || ep.RootfsSize != 100 || ep.Ports[0].Port != 8080 {
		t.Errorf("numbers not decoded: %+v", ep)
	}
	if ep.VolumeMounts[0].Size != 30 || ep.Healthy.Period != 10 || ep.State.State != "serving" ||
		ep.Workers[0].State.State != "running" || !ep.Workers[0].Healthy || ep.URL != "https://x" {
		t.Errorf("fields not decoded: %+v", ep)
	}

	ep, err = c.GetEndpoint(context.Background(), "flat")
	if err != nil {
		t.Fatal(err)
	}
	if ep.ID != "flat" || ep.State.State != "failed" || ep.Ports[0].Port != 8000 || ep.WorkerConfig.FreeTimeout != 0 {
		t.Errorf("flat answer decoded as %+v", ep)
	}
}

func TestListEndpointsPages(t *testing.T) {
	const total = 230
	var rec recorder
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		size, _ := strconv.Atoi(r.URL.Query().Get("pageSize"))
		num, _ := strconv.Atoi(r.URL.Query().Get("pageNum"))
		size = min(size, 50) // a server may cap the page size below what was asked
		var page []map[string]any
		for i := (num - 1) * size; i < min(num*size, total); i++ {
			page = append(page, map[string]any{"id": fmt.Sprintf("e%03d", i), "state": map[string]string{"state": "serving"}})
		}
		b, _ := json.Marshal(map[string]any{"endpoints": page, "total": strconv.Itoa(total)})
		writeJSON(w, 200, string(b))
	}))
	eps, err := c.ListEndpoints(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(eps) != total || eps[0].ID != "e000" || eps[total-1].ID != fmt.Sprintf("e%03d", total-1) {
		t.Fatalf("got %d endpoints", len(eps))
	}
	reqs := rec.all()
	if len(reqs) != 5 || reqs[0].Query["pageNum"][0] != "1" || reqs[4].Query["pageNum"][0] != "5" {
		t.Errorf("%d page requests: %+v", len(reqs), reqs)
	}
}

func TestListEndpointsEmpty(t *testing.T) {
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"endpoints":[],"total":0}`)
	}))
	eps, err := c.ListEndpoints(context.Background())
	if err != nil || eps == nil || len(eps) != 0 {
		t.Fatalf("ListEndpoints = %#v, %v", eps, err)
	}
}

func TestUpdateEndpointSendsFlatUpdatableFields(t *testing.T) {
	var rec recorder
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		writeJSON(w, 200, `{}`)
	}))
	spec := EndpointSpec{
		Name: "n2", AppName: "a", Type: "async", RootfsSize: 100, Products: []ProductRef{{ID: "p"}},
		WorkerConfig: WorkerConfig{MaxNum: 4}, Ports: []Port{{Port: 9000}}, Policy: Policy{Type: "concurrency", Value: 2},
		Image: Image{Image: "img:2"}, ClusterID: "c1", Healthy: &HealthCheck{Path: "/h"},
	}
	if err := c.UpdateEndpoint(context.Background(), "e1", spec); err != nil {
		t.Fatal(err)
	}
	req := rec.all()[0]
	if req.Path != "/gpu-instance/openapi/v1/endpoint/update" {
		t.Errorf("path %s", req.Path)
	}
	body := decodeMap(t, req.Body)
	var keys []string
	for k := range body {
		keys = append(keys, k)
	}
	want := map[string]bool{"id": true, "name": true, "clusterID": true, "workerConfig": true, "ports": true,
		"policy": true, "image": true, "volumeMounts": true, "envs": true, "healthy": true}
	if len(body) != len(want) {
		t.Errorf("update body keys %v, want exactly %v", keys, want)
	}
	for k := range body {
		if !want[k] {
			t.Errorf("update body carries %q", k)
		}
	}
	if body["id"] != "e1" || body["name"] != "n2" {
		t.Errorf("body %s", req.Body)
	}
}

func TestDeleteEndpointBody(t *testing.T) {
	var rec recorder
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		w.WriteHeader(200) // empty body: ignored
	}))
	if err := c.DeleteEndpoint(context.Background(), "e1"); err != nil {
		t.Fatal(err)
	}
	if got := decodeMap(t, rec.all()[0].Body); !reflect.DeepEqual(got, map[string]any{"id": "e1"}) {
		t.Errorf("delete body %v", got)
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
			writeJSON(w, 200, `{"data":[{"id":"SL-serverless-3","name":"RTX 5090 32GB","price":"89000","regions":["c1"],"availableDeploy":true,"inventoryState":"high"}]}`)
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
	if err != nil || len(products) != 1 || products[0].Price != 89000 || !products[0].AvailableDeploy || products[0].Regions[0] != "c1" {
		t.Errorf("products = %+v, %v", products, err)
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

func TestPortAndStateJSON(t *testing.T) {
	b, _ := json.Marshal([]Port{{Port: 8080}})
	if string(b) != `[{"port":"8080"}]` {
		t.Errorf("ports encode as %s", b)
	}
	var ports []Port
	if err := json.Unmarshal([]byte(`[{"port":8080},{"port":"9000"},7000,"6000"]`), &ports); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ports, []Port{{8080}, {9000}, {7000}, {6000}}) {
		t.Errorf("ports decode as %v", ports)
	}
	var states []EndpointState
	if err := json.Unmarshal([]byte(`["serving",{"state":"failed","error":"E","message":"M"},null]`), &states); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(states, []EndpointState{{State: "serving"}, {State: "failed", Error: "E", Message: "M"}, {}}) {
		t.Errorf("states decode as %+v", states)
	}
}
