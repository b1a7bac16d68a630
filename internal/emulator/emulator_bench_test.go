package emulator_test

// Benchmarks of how the emulator's cost grows with the number of objects a team has. Each reports
// ratios measured in one run (absolute timings on a shared machine are noise) and fails when a
// ratio passes the threshold written next to it: a cost per request or per object that grows with
// the number of objects (a quadratic listing, a scan per request) must not come back. Requests go
// straight to ServeHTTP, without a network, so the ratios show the emulator's own work.
//
//	go test ./internal/emulator/... ./internal/client -run '^$' -bench .

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
	"github.com/novitalabs/terraform-provider-novita/internal/emulator/emulatortest"
)

// benchEmulator is an emulator on a fake clock with instant lifecycles and cold starts.
type benchEmulator struct {
	b     *testing.B
	clock *emulatortest.Clock
	emu   *emulator.Emulator
}

func newBenchEmulator(b *testing.B) *benchEmulator {
	clock := emulatortest.NewClock()
	emu, err := emulator.New(emulator.Options{Keys: map[string]string{keyA: "team-a"}, Now: clock.Now, ColdStart: -1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = emu.Close() })
	return &benchEmulator{b: b, clock: clock, emu: emu}
}

// failAbove fails the benchmark when a reported ratio passes its threshold.
func failAbove(b *testing.B, name string, ratio, threshold float64) {
	b.Helper()
	if ratio > threshold {
		b.Fatalf("%s = %.2f, above its threshold %.1f: the cost grows with the number of objects", name, ratio, threshold)
	}
}

// call sends one request as team-a and decodes a 200 answer into out (when not nil).
func (e *benchEmulator) call(method, path, body string, out any) {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+keyA)
	rec := httptest.NewRecorder()
	e.emu.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		e.b.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body)
	}
	if out != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			e.b.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

// addEndpoints creates n serving echo endpoints (one warm worker each) and returns their job names.
func (e *benchEmulator) addEndpoints(n int) []string {
	spec := endpointSpec()
	set(spec, "image", "example/echo:1")
	set(spec, "worker_config.min_replicas", 1)
	names := make([]string, n)
	for i := range names {
		set(spec, "name", fmt.Sprintf("bench-%d", i))
		var out struct{ ID string }
		e.call(http.MethodPost, endpoints, mustJSON(spec), &out)
		names[i] = out.ID + "-" + out.ID // app_name defaults to the id
	}
	return names
}

func (e *benchEmulator) addStorages(n int) {
	for i := range n {
		body := mustJSON(map[string]any{"clusterId": "us-dallas-1", "storageName": fmt.Sprintf("bench-%d", i), "storageSize": 10})
		e.call(http.MethodPost, v1+"/networkstorage/create", body, nil)
	}
}

// BenchmarkGatewayHealthByEndpoints asks one endpoint's job-gateway health through the emulator
// while the team has 1, 100 or 1000 endpoints the gateway knows (each ran a job), and reports the
// cost per request relative to 1.
func BenchmarkGatewayHealthByEndpoints(b *testing.B) {
	sizes := []int{1, 100, 1000}
	const requests = 200 // per size and iteration
	emus := make([]*benchEmulator, len(sizes))
	targets := make([]string, len(sizes))
	for i, n := range sizes {
		e := newBenchEmulator(b)
		names := e.addEndpoints(n)
		for _, name := range names {
			e.call(http.MethodPost, "/v1/"+name+"/run", `{"input":{"n":1}}`, nil)
		}
		e.clock.Advance(time.Minute)
		emus[i], targets[i] = e, names[0]
	}
	elapsed := make([]time.Duration, len(sizes))
	b.ResetTimer()
	for b.Loop() {
		for i, e := range emus {
			start := time.Now()
			for range requests {
				e.clock.Advance(10 * time.Millisecond)
				e.call(http.MethodGet, "/v1/"+targets[i]+"/health", "", nil)
			}
			elapsed[i] += time.Since(start)
		}
	}
	b.StopTimer()
	for i, e := range emus {
		h, ok := e.emu.Gateway().Health(targets[i])
		if !ok || h.Jobs.Completed != 1 || h.Workers.Total != 1 {
			b.Fatalf("%d endpoints: health %+v (known %v), want 1 completed job on 1 worker", sizes[i], h, ok)
		}
	}
	perRequest := func(i int) float64 { return float64(elapsed[i]) / float64(b.N*requests) }
	b.ReportMetric(perRequest(0), "ns/req-1-endpoint")
	b.ReportMetric(perRequest(2), "ns/req-1000-endpoints")
	const threshold = 5 // about 1 when a request does not scan the other endpoints; a scan shows as 100 and 1000
	for i, name := range map[int]string{1: "x-100-vs-1-endpoint", 2: "x-1000-vs-1-endpoint"} {
		ratio := perRequest(i) / perRequest(0)
		b.ReportMetric(ratio, name)
		failAbove(b, name, ratio, threshold)
	}
}

// BenchmarkListEndpoints reads every page (100 per page, by cursor) of a team's 10 or 1000 running
// endpoints, each with its live workers, and reports the cost per listed endpoint at 1000
// relative to 10. Both sizes list the same number of endpoints per iteration (100 listings of 10,
// 1 of 1000).
func BenchmarkListEndpoints(b *testing.B) {
	const small, large = 10, 1000
	emus := [2]*benchEmulator{newBenchEmulator(b), newBenchEmulator(b)}
	emus[0].addEndpoints(small)
	emus[1].addEndpoints(large)
	listAll := func(e *benchEmulator, n int) {
		seen, cursor := 0, ""
		for {
			var out struct {
				Data []struct {
					ID      string
					Workers []struct{ ID string }
				}
				NextCursor string `json:"next_cursor"`
				HasMore    bool   `json:"has_more"`
			}
			e.call(http.MethodGet, endpoints+"?limit=100&cursor="+cursor, "", &out)
			for _, ep := range out.Data {
				if len(ep.Workers) != 1 {
					b.Fatalf("endpoint %s lists %d workers, want its 1 warm worker", ep.ID, len(ep.Workers))
				}
			}
			seen += len(out.Data)
			if !out.HasMore {
				break
			}
			cursor = out.NextCursor
		}
		if seen != n {
			b.Fatalf("listed %d endpoints, want %d", seen, n)
		}
	}
	const threshold = 5 // about 1 when a page costs what its endpoints cost; quadratic shows as about 100
	reportPerObjectRatio(b, "endpoint", small, large, threshold, func(i, n int) { listAll(emus[i], n) })
}

// BenchmarkListStorages reads every page (100 per page) of a team's 10 or 1000 cloud storages and
// reports the cost per listed storage at 1000 relative to 10.
func BenchmarkListStorages(b *testing.B) {
	const small, large = 10, 1000
	emus := [2]*benchEmulator{newBenchEmulator(b), newBenchEmulator(b)}
	emus[0].addStorages(small)
	emus[1].addStorages(large)
	listAll := func(e *benchEmulator, n int) {
		seen := 0
		for page := 1; seen < n; page++ {
			var out struct {
				Data  []struct{ StorageID string }
				Total int
			}
			e.call(http.MethodGet, fmt.Sprintf("%s/networkstorages/list?pageNo=%d&pageSize=100", v1, page), "", &out)
			if out.Total != n || len(out.Data) == 0 {
				b.Fatalf("page %d: total %d with %d storages, want total %d", page, out.Total, len(out.Data), n)
			}
			seen += len(out.Data)
		}
		if seen != n {
			b.Fatalf("listed %d storages, want %d", seen, n)
		}
	}
	// Page-number paging sorts the whole list for each page, so the ratio grows slowly with the
	// number of pages; a cost quadratic in the listing would pass the threshold.
	const threshold = 5
	reportPerObjectRatio(b, "storage", small, large, threshold, func(i, n int) { listAll(emus[i], n) })
}

// reportPerObjectRatio times, in each iteration, large/small runs over the small set (index 0)
// against one run over the large set (index 1), and reports the cost per object at the large size
// and its ratio to the small size: near 1 means the cost per object does not grow with scale. The
// benchmark fails when the ratio passes threshold.
func reportPerObjectRatio(b *testing.B, object string, small, large int, threshold float64, run func(index, n int)) {
	var elapsed [2]time.Duration
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		for range large / small {
			run(0, small)
		}
		elapsed[0] += time.Since(start)
		start = time.Now()
		run(1, large)
		elapsed[1] += time.Since(start)
	}
	b.StopTimer()
	perObject := func(d time.Duration) float64 { return float64(d) / float64(b.N*large) }
	b.ReportMetric(perObject(elapsed[1]), fmt.Sprintf("ns/%s-%d", object, large))
	name := fmt.Sprintf("x-per-%s-%d-vs-%d", object, large, small)
	ratio := perObject(elapsed[1]) / perObject(elapsed[0])
	b.ReportMetric(ratio, name)
	failAbove(b, name, ratio, threshold)
}
