package gateway_test

// Benchmarks of how the gateway's cost grows with scale. Each reports ratios measured in one run
// (absolute timings on a shared machine are noise): a ratio near 1 means the cost per request or
// per job does not grow with the scale, a ratio near the scale factor means linear growth per
// request, and more than that means worse. A ratio above ratioThreshold fails the benchmark.
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

	"github.com/novitalabs/terraform-provider-novita/internal/emulator/emulatortest"
	"github.com/novitalabs/terraform-provider-novita/internal/emulator/gateway"
)

// benchGateway is a gateway over an in-memory directory and a fake clock, for benchmarks.
type benchGateway struct {
	b     *testing.B
	clock *emulatortest.Clock
	dir   *fakeDir
	gw    *gateway.Gateway
}

func newBenchGateway(b *testing.B, opts gateway.Options) *benchGateway {
	clock := emulatortest.NewClock()
	opts.Now = clock.Now
	dir := &fakeDir{byName: map[string]gateway.Endpoint{}}
	return &benchGateway{b: b, clock: clock, dir: dir, gw: gateway.New(dir, opts)}
}

// addEndpoint registers an async echo endpoint and returns its job name.
func (g *benchGateway) addEndpoint(id string, minWorkers, maxWorkers, maxConcurrent int) string {
	ep := gateway.Endpoint{
		ID: id, AppName: "app", Team: testTeam, Type: "async", Serving: true,
		MinWorkers: minWorkers, MaxWorkers: maxWorkers, MaxConcurrent: maxConcurrent,
		FreeTimeoutSec: 60, RequestTimeoutSec: 600, PolicyType: "concurrency", PolicyValue: 1,
		Image: "example/echo:1",
	}
	name := id + "-app"
	g.dir.byName[name] = ep
	return name
}

// serve sends one request and fails the benchmark unless it answers 200.
func (g *benchGateway) serve(method, path, body string) []byte {
	req := httptest.NewRequest(method, "/v1"+path, strings.NewReader(body))
	rec := httptest.NewRecorder()
	g.gw.Serve(rec, req, testTeam, path)
	if rec.Code != http.StatusOK {
		g.b.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body)
	}
	return rec.Body.Bytes()
}

func (g *benchGateway) submit(name string) string {
	var ref jobRef
	if err := json.Unmarshal(g.serve(http.MethodPost, "/"+name+"/run", `{"input":{"n":1}}`), &ref); err != nil || ref.ID == "" {
		g.b.Fatalf("run %s: no job id (%v)", name, err)
	}
	return ref.ID
}

func (g *benchGateway) health(name string) gateway.Health {
	var h gateway.Health
	if err := json.Unmarshal(g.serve(http.MethodGet, "/"+name+"/health", ""), &h); err != nil {
		g.b.Fatalf("health %s: %v", name, err)
	}
	return h
}

// BenchmarkHealthByKnownEndpoints asks one endpoint's health while the gateway knows 1, 100 or
// 1000 endpoints, each with a finished job, and reports the cost per request relative to 1.
func BenchmarkHealthByKnownEndpoints(b *testing.B) {
	sizes := []int{1, 100, 1000}
	const requests = 200 // per size and iteration
	gateways := make([]*benchGateway, len(sizes))
	for i, n := range sizes {
		g := newBenchGateway(b, gateway.Options{ColdStart: -1})
		for k := range n {
			g.submit(g.addEndpoint(fmt.Sprintf("ep%04d", k), 1, 1, 1))
		}
		g.clock.Advance(time.Minute) // every job done, every worker idle but kept (min 1)
		gateways[i] = g
	}
	elapsed := make([]time.Duration, len(sizes))
	b.ResetTimer()
	for b.Loop() {
		for i, g := range gateways {
			start := time.Now()
			for range requests {
				g.clock.Advance(10 * time.Millisecond)
				g.serve(http.MethodGet, "/ep0000-app/health", "")
			}
			elapsed[i] += time.Since(start)
		}
	}
	b.StopTimer()
	for i, g := range gateways {
		want := gateway.Health{Workers: workers(1, 0, 0), Jobs: gateway.JobCounts{Completed: 1}}
		if got := g.health("ep0000-app"); got != want {
			b.Fatalf("%d endpoints: health %+v, want %+v", sizes[i], got, want)
		}
	}
	perRequest := func(i int) float64 { return float64(elapsed[i]) / float64(b.N*requests) }
	b.ReportMetric(perRequest(0), "ns/req-1-endpoint")
	b.ReportMetric(perRequest(2), "ns/req-1000-endpoints")
	reportRatio(b, "x-100-vs-1-endpoint", perRequest(1)/perRequest(0))
	reportRatio(b, "x-1000-vs-1-endpoint", perRequest(2)/perRequest(0))
}

// ratioThreshold is the largest ratio a benchmark accepts: noise on a shared machine stays near
// 1-2, a cost that grows with the scale shows as about the scale factor (100 or 1000).
const ratioThreshold = 5

// reportRatio reports a ratio and fails the benchmark when it passes ratioThreshold.
func reportRatio(b *testing.B, name string, ratio float64) {
	b.Helper()
	b.ReportMetric(ratio, name)
	if ratio > ratioThreshold {
		b.Fatalf("%s = %.2f, above its threshold %d: the cost grows with the scale", name, ratio, ratioThreshold)
	}
}

// BenchmarkDeepQueue submits N jobs (10 or 1000) to one endpoint, replays the simulation until all
// are done, then reads every job's status, and reports each phase's cost per job at 1000 relative
// to 10. Both sizes handle the same number of jobs per iteration (100 rounds of 10, 1 of 1000).
func BenchmarkDeepQueue(b *testing.B) {
	const small, large = 10, 1000
	var submit, replay, status [2]time.Duration
	round := func(slot, n int) {
		g := newBenchGateway(b, gateway.Options{})
		name := g.addEndpoint("ep0001", 0, 5, 2)
		ids := make([]string, n)
		start := time.Now()
		for i := range ids {
			ids[i] = g.submit(name)
		}
		submit[slot] += time.Since(start)

		g.clock.Advance(time.Hour) // 5 workers × 2 jobs × 0.5 s each: 1000 jobs take under a minute
		start = time.Now()
		g.gw.Advance()
		replay[slot] += time.Since(start)
		if h := g.health(name); h.Jobs.Completed != n || h.Jobs.InQueue+h.Jobs.InProgress != 0 {
			b.Fatalf("%d jobs: health after replay %+v", n, h.Jobs)
		}

		start = time.Now()
		for _, id := range ids {
			var st statusBody
			if err := json.Unmarshal(g.serve(http.MethodGet, "/"+name+"/status/"+id, ""), &st); err != nil || st.Status != gateway.StatusCompleted {
				b.Fatalf("job %s: %+v (%v)", id, st, err)
			}
		}
		status[slot] += time.Since(start)
	}
	b.ResetTimer()
	for b.Loop() {
		for range large / small {
			round(0, small)
		}
		round(1, large)
	}
	b.StopTimer()
	perJob := func(d time.Duration) float64 { return float64(d) / float64(b.N*large) }
	b.ReportMetric(perJob(submit[1]), "ns/job-submit-1000")
	b.ReportMetric(perJob(replay[1]), "ns/job-replay-1000")
	reportRatio(b, "x-submit-per-job-1000-vs-10", perJob(submit[1])/perJob(submit[0]))
	reportRatio(b, "x-replay-per-job-1000-vs-10", perJob(replay[1])/perJob(replay[0]))
	reportRatio(b, "x-status-per-job-1000-vs-10", perJob(status[1])/perJob(status[0]))
}
