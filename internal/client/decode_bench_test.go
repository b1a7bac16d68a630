package client

// Benchmarks of the client's lenient decoding. They report ratios measured in one run (absolute
// timings on a shared machine are noise), and fail when a ratio passes the ceiling written next to
// it, so that a costlier decoding fails CI (which runs each benchmark once) instead of printing a
// bigger number. The ceilings leave room for a loaded machine's noise.
//
//	go test ./internal/emulator/... ./internal/client -run '^$' -bench .

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// endpointAnswer is a GET /gpus/v2/endpoints/{id} answer in the documented shape, each of its 12
// numbers between two ~ marks: endpointBody replaces them with "" for plain JSON numbers, or with
// `"` for numeric strings.
const endpointAnswer = `{"id":"0123456789abcdef","type":"async","name":"demo","app_name":"demo-app",
"status":{"status":"running","error":"","message":""},"url":"https://0123456789abcdef.async.example",
"product_id":"SL-serverless-1","worker_config":{"min_replicas":~1~,"max_replicas":~3~,"idle_timeout":~300~,
"max_concurrent_per_worker":~2~,"gpu_num":~1~,"rootfs_size_gb":~100~,"min_cuda_version":"12.4","request_timeout":~600~},
"policy":{"type":"queue","value":~30~},"image":"novitalabs/sleep-worker:latest","registry_auth_id":"",
"entrypoint":"","command":"python handler.py",
"volumes":[{"id":"","type":"local","size":~50~,"mount_point":"/data"}],
"envs":[{"key":"MODE","value":"fast"}],"ports":[~8080~],
"workers":[{"id":"w1","status":{"status":"ready"},"log":"","health":true,"drain":false}],
"health_check":{"path":"/health","port":~8080~},"region_id":"us-dallas-1","member_id":"m","owner_id":"o",
"created_at":~1710000000~}`

func endpointBody(quote string) []byte {
	return []byte(strings.ReplaceAll(endpointAnswer, "~", quote))
}

func decodeEndpoint(b *testing.B, body []byte) {
	var ep Endpoint
	if err := json.Unmarshal(body, &ep); err != nil {
		b.Fatal(err)
	}
	if ep.WorkerConfig.IdleTimeout != 300 || ep.Policy.Value != 30 || ep.Ports[0] != 8080 ||
		ep.Volumes[0].Size != 50 || ep.HealthCheck.Port != 8080 || ep.Status.Readiness() != Ready || ep.CreatedAt != 1710000000 {
		b.Fatalf("decoded %+v", ep)
	}
}

// intFields is a flat object of twelve integers, decoded into Int and into int64 fields.
const intFields = `{"a":1,"b":3,"c":300,"d":2,"e":1,"f":600,"g":8080,"h":30,"i":100,"j":50,"k":10,"l":5}`

type lenientInts struct{ A, B, C, D, E, F, G, H, I, J, K, L Int }

type plainInts struct{ A, B, C, D, E, F, G, H, I, J, K, L int64 }

// BenchmarkDecodeEndpoint decodes one endpoint answer whose 12 numbers are JSON strings and the
// same answer with plain numbers, and reports the cost of the strings relative to the numbers. It
// also reports what Int costs over a plain int64 field on plain numbers.
func BenchmarkDecodeEndpoint(b *testing.B) {
	const rounds, decodes = 5, 40 // per iteration: rounds of decodes per variant, interleaved
	strs, nums := endpointBody(`"`), endpointBody("")
	// The fastest round of each variant counts: a pause of a loaded machine inflates one round,
	// not the ratio (CI runs a single iteration).
	var fastest [4]time.Duration
	timed := func(slot int, decode func()) {
		start := time.Now()
		for range decodes {
			decode()
		}
		if d := time.Since(start); fastest[slot] == 0 || d < fastest[slot] {
			fastest[slot] = d
		}
	}
	for b.Loop() {
		for range rounds {
			timed(0, func() { decodeEndpoint(b, strs) })
			timed(1, func() { decodeEndpoint(b, nums) })
			timed(2, func() {
				var v lenientInts
				if err := json.Unmarshal([]byte(intFields), &v); err != nil || v.G != 8080 || v.L != 5 {
					b.Fatalf("Int fields %+v (%v)", v, err)
				}
			})
			timed(3, func() {
				var v plainInts
				if err := json.Unmarshal([]byte(intFields), &v); err != nil || v.G != 8080 || v.L != 5 {
					b.Fatalf("int64 fields %+v (%v)", v, err)
				}
			})
		}
	}
	per := func(slot int) float64 { return float64(fastest[slot]) / decodes }
	b.ReportMetric(per(0), "ns/decode-strings")
	b.ReportMetric(per(1), "ns/decode-numbers")
	// Ceilings: both ratios measure about 1.2-1.4 here; 3 means a decoding that got much costlier.
	reportRatio(b, per(0)/per(1), "x-strings-vs-numbers", 3)
	reportRatio(b, per(2)/per(3), "x-Int-vs-int64-fields", 3)
}

// reportRatio reports a ratio and fails the benchmark when it passes its ceiling.
func reportRatio(b *testing.B, ratio float64, unit string, ceiling float64) {
	b.Helper()
	b.ReportMetric(ratio, unit)
	if ratio > ceiling {
		b.Fatalf("%s = %.2f, above its ceiling %.2f", unit, ratio, ceiling)
	}
}
