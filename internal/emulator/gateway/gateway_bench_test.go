package gateway_test

// Benchmarks of how the gateway's cost grows with scale. Each reports ratios measured in one run
// (absolute timings on a shared machine are noise): a ratio near 1 means the cost per request or
// per job does not grow with the scale, a ratio near the scale factor means linear growth per
// request, and more than that means worse. Each ratio has a ceiling written next to it: a cost
// that grows with the scale again fails the benchmark (and CI, which runs each benchmark once)
// instead of printing a bigger number. The ceilings leave room for a loaded machine's noise.
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
	fastest := make([]time.Duration, len(sizes)) // of rounds of requests/benchRounds, per size
	b.ResetTimer()
	for b.Loop() {
		for range benchRounds {
			for i, g := range gateways {
				start := time.Now()
				for range requests / benchRounds {
					g.clock.Advance(10 * time.Millisecond)
					g.serve(http.MethodGet, "/ep0000-app/health", "")
				}
				keepFastest(&fastest[i], time.Since(start))
			}
		}
	}
	b.StopTimer()
	for i, g := range gateways {
		want := gateway.Health{Workers: workers(1, 0, 0), Jobs: gateway.JobCounts{Completed: 1}}
		if got := g.health("ep0000-app"); got != want {
			b.Fatalf("%d endpoints: health %+v, want %+v", sizes[i], got, want)
		}
	}
	perRequest := func(i int) float64 { return float64(fastest[i]) / float64(requests/benchRounds) }
	b.ReportMetric(perRequest(0), "ns/req-1-endpoint")
	b.ReportMetric(perRequest(2), "ns/req-1000-endpoints")
	// Ceilings: both measure about 1-1.3; a request cost that grows with the endpoints passes 3.
	reportRatio(b, perRequest(1)/perRequest(0), "x-100-vs-1-endpoint")
	reportRatio(b, perRequest(2)/perRequest(0), "x-1000-vs-1-endpoint")
}

// benchRounds is how many rounds each size is timed in per iteration. The fastest round counts:
// a pause of a loaded machine inflates one round, not a ratio (CI runs a single iteration).
const benchRounds = 5

func keepFastest(fastest *time.Duration, d time.Duration) {
	if *fastest == 0 || d < *fastest {
		*fastest = d
	}
}

// ratioCeiling is every ratio's ceiling: steady values are 0.5-1.7, a cost that grows with the
// scale passes it.
const ratioCeiling = 3.0

// reportRatio reports a ratio and fails the benchmark when it passes ratioCeiling.
func reportRatio(b *testing.B, ratio float64, unit string) {
	b.Helper()
	b.ReportMetric(ratio, unit)
	if ratio > ratioCeiling {
		b.Fatalf("%s = %.2f, above its ceiling %.2f: a cost grows with the scale again", unit, ratio, ratioCeiling)
	}
}

// BenchmarkDeepQueue submits N jobs (10 or 1000) to one endpoint, replays the simulation until all
// are done, then reads every job's status, and reports each phase's cost per job at 1000 relative
// to 10. Both sizes handle the same number of jobs per iteration (100 rounds of 10, 1 of 1000).
func BenchmarkDeepQueue(b *testing.B) {
	const small, large = 10, 1000
	round := func(n int) (phases [3]time.Duration) { // submit, replay, status
		g := newBenchGateway(b, gateway.Options{})
		name := g.addEndpoint("ep0001", 0, 5, 2)
		ids := make([]string, n)
		start := time.Now()
		for i := range ids {
			ids[i] = g.submit(name)
		}
		phases[0] = time.Since(start)

		g.clock.Advance(time.Hour) // 5 workers × 2 jobs × 0.5 s each: 1000 jobs take under a minute
		start = time.Now()
		g.gw.Advance()
		phases[1] = time.Since(start)
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
		phases[2] = time.Since(start)
		return phases
	}
	// fastest[slot][phase] over rounds: slot 0 is large/small rounds of small jobs, 1 one of large.
	var fastest [2][3]time.Duration
	const deepRounds = 3 // fewer than benchRounds: a round of 1000 jobs takes a while
	b.ResetTimer()
	for b.Loop() {
		for range deepRounds {
			var sum [3]time.Duration
			for range large / small {
				for p, d := range round(small) {
					sum[p] += d
				}
			}
			big := round(large)
			for p := range 3 {
				keepFastest(&fastest[0][p], sum[p])
				keepFastest(&fastest[1][p], big[p])
			}
		}
	}
	b.StopTimer()
	perJob := func(d time.Duration) float64 { return float64(d) / large }
	b.ReportMetric(perJob(fastest[1][0]), "ns/job-submit-1000")
	b.ReportMetric(perJob(fastest[1][1]), "ns/job-replay-1000")
	// Ceilings: the three measure about 0.5-1.7; a per-job cost that grows with the queue passes 3.
	reportRatio(b, perJob(fastest[1][0])/perJob(fastest[0][0]), "x-submit-per-job-1000-vs-10")
	reportRatio(b, perJob(fastest[1][1])/perJob(fastest[0][1]), "x-replay-per-job-1000-vs-10")
	reportRatio(b, perJob(fastest[1][2])/perJob(fastest[0][2]), "x-status-per-job-1000-vs-10")
}
