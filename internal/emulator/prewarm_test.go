package emulator_test

import (
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
	"github.com/novitalabs/terraform-provider-novita/internal/emulator/emulatortest"
)

// Products and clusters of the tests: the RTX 4090 (product) is in us-dallas-1 and
// eu-frankfurt-1, the H100 only in eu-frankfurt-1.
const h100 = "SL-serverless-2"

func (h *harness) createPrewarm(key string, body map[string]any) response {
	h.t.Helper()
	return h.post(v1+"/image/prewarm", key, mustJSON(body))
}

func (h *harness) mustCreatePrewarm(key, image, cluster string) string {
	h.t.Helper()
	r := mustOK(h.t, h.createPrewarm(key, map[string]any{"imageUrl": image, "clusterId": cluster}))
	return at[string](h.t, r.body, "id")
}

// prewarm lists the team's tasks and returns the one with id (failing the test when missing).
func (h *harness) prewarm(id string) map[string]any {
	key := keyA
	h.t.Helper()
	r := mustOK(h.t, h.get(v1+"/image/prewarm?pageSize=100", key))
	for _, task := range objects(h.t, r.body, "data") {
		if task["id"] == id {
			return task
		}
	}
	h.t.Fatalf("task %s not listed: %s", id, r.raw)
	return nil
}

func TestPrewarmLifecycle(t *testing.T) {
	h := newHarness(t, emulator.Options{PrewarmTime: 100 * time.Second})
	created := h.clock.Now().Unix()
	r := mustOK(t, h.createPrewarm(keyA, map[string]any{
		"imageUrl": "novitalabs/comfyui-worker:v0.0.1", "clusterId": "eu-frankfurt-1",
		"productIds": []string{h100}, "note": "for the quickstart",
	}))
	id := at[string](t, r.body, "id")

	task := h.prewarm(id)
	if at[string](t, task, "state") != "Pending" || at[string](t, task, "imageSize") != "0" ||
		at[string](t, task, "completeTime") != "" || len(at[map[string]any](t, task, "reason")) != 0 {
		t.Errorf("new task = %v, want Pending, size \"0\", no completeTime, reason {}", task)
	}
	for field, want := range map[string]string{
		"imageName": "comfyui-worker", "imageUrl": "novitalabs/comfyui-worker:v0.0.1", "repositoryAuth": "",
		"clusterId": "eu-frankfurt-1", "clusterName": "EU-Frankfurt-1", "note": "for the quickstart",
		"createTime": strconv.FormatInt(created, 10),
	} {
		if got := at[string](t, task, field); got != want {
			t.Errorf("%s = %q, want %q", field, got, want)
		}
	}
	if p := objects(t, task, "products"); len(p) != 1 || p[0]["productId"] != h100 || p[0]["productName"] != "H100 SXM 80GB" {
		t.Errorf("products = %v", p)
	}

	h.clock.Advance(20 * time.Second)
	task = h.prewarm(id)
	size := at[string](t, task, "imageSize")
	if at[string](t, task, "state") != "Running" || size != strconv.FormatInt(emulator.ImageSizeBytes("novitalabs/comfyui-worker:v0.0.1"), 10) {
		t.Errorf("after a fifth: state %v size %v, want Running with the image's size", task["state"], size)
	}

	h.clock.Advance(80*time.Second - time.Millisecond)
	if s := at[string](t, h.prewarm(id), "state"); s != "Running" {
		t.Errorf("just before the end: %s", s)
	}
	h.clock.Advance(time.Millisecond)
	task = h.prewarm(id)
	if at[string](t, task, "state") != "Succeeded" || at[string](t, task, "completeTime") != strconv.FormatInt(created+100, 10) {
		t.Errorf("finished task = %v", task)
	}
}

func TestPrewarmFailsWithReasons(t *testing.T) {
	h := newHarness(t, emulator.Options{PrewarmTime: 10 * time.Second})
	unpullable := h.mustCreatePrewarm(keyA, emulator.UnpullableImage, "us-dallas-1")
	huge := h.mustCreatePrewarm(keyA, "example/huge-model:1", "us-dallas-1")
	h.clock.Advance(2 * time.Second)
	for id, want := range map[string]string{
		unpullable: `failed to pull image "` + emulator.UnpullableImage + `": manifest unknown`,
		huge:       "image size 64.0 GB exceeds the per-image limit of 30 GB",
	} {
		task := h.prewarm(id)
		if at[string](t, task, "state") != "Failed" || at[string](t, task, "reason", 0) != want || at[string](t, task, "completeTime") == "" {
			t.Errorf("task = %v, want Failed with reason %q", task, want)
		}
	}
}

func TestPrewarmStrictBodies(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	cred := h.mustCreateCredential(keyB, "other-team")
	for _, tc := range []struct {
		body     string
		reason   string
		fragment string
	}{
		{`{"imageURL":"a/b:1","clusterId":"us-dallas-1"}`, "VALIDATOR_PARAM", "imageURL is not a known field"},
		{`{"clusterId":"us-dallas-1"}`, "VALIDATOR_PARAM", "imageUrl must be 1-500 characters"},
		{`{"imageUrl":"` + strings.Repeat("a", 501) + `","clusterId":"us-dallas-1"}`, "VALIDATOR_PARAM", "got 501"},
		{`{"imageUrl":"a/b:1"}`, "VALIDATOR_PARAM", "clusterId is required"},
		{`{"imageUrl":"a/b:1","clusterId":"mars-1"}`, "VALIDATOR_PARAM", `"mars-1" is not a known cluster`},
		{`{"imageUrl":"a/b:1","clusterId":"us-dallas-1","productIds":"` + product + `"}`, "VALIDATOR_PARAM", "productIds must be a list"},
		{`{"imageUrl":"a/b:1","clusterId":"us-dallas-1","productIds":["` + h100 + `"]}`, "VALIDATOR_PARAM", "not offered in cluster \"us-dallas-1\""},
		{`{"imageUrl":"a/b:1","clusterId":"us-dallas-1","productIds":["SL-nope"]}`, "SERVERLESS_PRODUCT_NOT_FOUND", "SL-nope"},
		{`{"imageUrl":"a/b:1","clusterId":"us-dallas-1","repositoryAuth":"` + cred + `"}`, "RESOURCE_NOT_FOUND", "registry credential not found"},
		{`{"imageUrl":"a/b:1","clusterId":"us-dallas-1","note":"` + strings.Repeat("n", 256) + `"}`, "VALIDATOR_PARAM", "note must be at most 255"},
	} {
		r := h.post(v1+"/image/prewarm", keyA, tc.body)
		wantError(t, r, http.StatusBadRequest, tc.reason)
		if !strings.Contains(r.message(), tc.fragment) {
			t.Errorf("%s: message %q lacks %q", tc.body, r.message(), tc.fragment)
		}
	}

	id := h.mustCreatePrewarm(keyA, "a/b:1", "us-dallas-1")
	wantInvalid(t, h.post(v1+"/image/prewarm/edit", keyA, `{"id":"`+id+`"}`), "note is required")
	wantInvalid(t, h.post(v1+"/image/prewarm/edit", keyA, `{"id":"`+id+`","note":"x","state":"Failed"}`), "state is not a known field")
	wantError(t, h.post(v1+"/image/prewarm/edit", keyB, `{"id":"`+id+`","note":"x"}`), http.StatusBadRequest, "RESOURCE_NOT_FOUND")
	mustOK(t, h.post(v1+"/image/prewarm/edit", keyA, `{"id":"`+id+`","note":"edited"}`))
	if note := at[string](t, h.prewarm(id), "note"); note != "edited" {
		t.Errorf("note = %q after edit", note)
	}

	wantInvalid(t, h.post(v1+"/image/prewarm/delete", keyA, `{"ids":[]}`), "at least one")
	wantInvalid(t, h.post(v1+"/image/prewarm/delete", keyA, `{"id":"`+id+`"}`), "id is not a known field")
	// One missing id deletes nothing.
	wantError(t, h.post(v1+"/image/prewarm/delete", keyA, `{"ids":["`+id+`","nope"]}`), http.StatusBadRequest, "RESOURCE_NOT_FOUND")
	h.prewarm(id)
	mustOK(t, h.post(v1+"/image/prewarm/delete", keyA, `{"ids":["`+id+`"]}`))
	if _, ok := h.emu.ImagePrewarmTask(id); ok {
		t.Error("deleted task still stored")
	}
}

// Without productIds a task covers every product of its cluster.
func TestPrewarmDefaultsToEveryProductOfTheCluster(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	task := h.prewarm(h.mustCreatePrewarm(keyA, "a/b:1", "eu-frankfurt-1"))
	var ids []string
	for _, p := range objects(t, task, "products") {
		ids = append(ids, p["productId"].(string))
	}
	if !slices.Equal(ids, []string{product, h100}) {
		t.Errorf("products = %v, want the 4090 and the H100 of eu-frankfurt-1", ids)
	}
}

func TestPrewarmQuota(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	var ids []string
	for i := range emulator.PrewarmQuota.Limit {
		ids = append(ids, h.mustCreatePrewarm(keyA, fmt.Sprintf("a/img-%d:1", i), "us-dallas-1"))
	}
	r := h.createPrewarm(keyA, map[string]any{"imageUrl": "a/one-more:1", "clusterId": "us-dallas-1"})
	wantError(t, r, http.StatusBadRequest, "OPERATION_LIMIT")
	if !strings.Contains(r.message(), "10 of 10 tasks") {
		t.Errorf("quota message = %q", r.message())
	}
	q := mustOK(t, h.get(v1+"/image/prewarm/quota", keyA))
	if at[float64](t, q.body, "total") != 10 || at[float64](t, q.body, "limit") != 10 || at[float64](t, q.body, "perImageSize") != 30 {
		t.Errorf("quota = %s", q.raw)
	}
	// The other team has its own quota.
	if at[float64](t, mustOK(t, h.get(v1+"/image/prewarm/quota", keyB)).body, "total") != 0 {
		t.Error("team B sees team A's tasks in its quota")
	}
	h.mustCreatePrewarm(keyB, "a/b:1", "us-dallas-1")
	// Deleting a task frees its slot.
	mustOK(t, h.post(v1+"/image/prewarm/delete", keyA, mustJSON(map[string]any{"ids": ids[:2]})))
	h.mustCreatePrewarm(keyA, "a/one-more:1", "us-dallas-1")
}

func TestPrewarmListPagingAndFilters(t *testing.T) {
	h := newHarness(t, emulator.Options{PrewarmTime: 10 * time.Second})
	var ids []string
	for i := range 7 {
		cluster := "us-dallas-1"
		if i%2 == 1 {
			cluster = "eu-frankfurt-1"
		}
		ids = append(ids, h.mustCreatePrewarm(keyA, fmt.Sprintf("registry.example.com/team/Model-%d:v%d", i, i), cluster))
	}
	mustOK(t, h.post(v1+"/image/prewarm/edit", keyA, `{"id":"`+ids[6]+`","note":"Nightly build"}`))
	h.clock.Advance(10 * time.Second)
	failing := h.mustCreatePrewarm(keyA, emulator.UnpullableImage, "us-dallas-1")
	h.mustCreatePrewarm(keyB, "registry.example.com/team/Model-0:v0", "us-dallas-1")

	listed := func(query string) (ids []string, total int) {
		t.Helper()
		r := mustOK(t, h.get(v1+"/image/prewarm"+query, keyA))
		for _, task := range objects(t, r.body, "data") {
			ids = append(ids, task["id"].(string))
		}
		return ids, int(at[float64](t, r.body, "total"))
	}
	if got, total := listed(""); len(got) != 8 || total != 8 || got[0] != ids[0] || got[7] != failing {
		t.Errorf("default page: %d of %d, want all 8 in creation order", len(got), total)
	}
	if got, total := listed("?page=3&pageSize=3"); !slices.Equal(got, []string{ids[6], failing}) || total != 8 {
		t.Errorf("page 3 of 3 = %v (total %d)", got, total)
	}
	if got, _ := listed("?page=4&pageSize=3"); len(got) != 0 {
		t.Errorf("past the end = %v", got)
	}
	if got, _ := listed("?clusterId=eu-frankfurt-1"); !slices.Equal(got, []string{ids[1], ids[3], ids[5]}) {
		t.Errorf("cluster filter = %v", got)
	}
	if got, _ := listed("?state=Succeeded&clusterId=us-dallas-1"); !slices.Equal(got, []string{ids[0], ids[2], ids[4], ids[6]}) {
		t.Errorf("state+cluster filter = %v", got)
	}
	if got, _ := listed("?state=Pending"); !slices.Equal(got, []string{failing}) {
		t.Errorf("pending = %v", got)
	}
	// name matches the image name (not its registry path) or the note, ignoring case.
	if got, _ := listed("?name=model-3"); !slices.Equal(got, []string{ids[3]}) {
		t.Errorf("name filter on the image name = %v", got)
	}
	if got, _ := listed("?name=nightly"); !slices.Equal(got, []string{ids[6]}) {
		t.Errorf("name filter on the note = %v", got)
	}
	if got, _ := listed("?name=example.com"); len(got) != 0 {
		t.Errorf("name matched the registry host: %v", got)
	}
	wantInvalid(t, h.get(v1+"/image/prewarm?state=done", keyA), "state must be one of Pending, Running, Succeeded, Failed")
	wantInvalid(t, h.get(v1+"/image/prewarm?pageSize=101", keyA), "pageSize")
}

func TestPrewarmStateFileRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	clock := emulatortest.NewClock()
	opts := emulator.Options{StateFile: path, Now: clock.Now, PrewarmTime: 10 * time.Second, Keys: map[string]string{keyA: "team-a"}}
	h := newHarness(t, opts)
	id := h.mustCreatePrewarm(keyA, "a/b:1", "us-dallas-1")

	h2 := newHarness(t, opts)
	if task, ok := h2.emu.ImagePrewarmTask(id); !ok || task.State != "Pending" || task.Team != "team-a" || task.ClusterName != "US-Dallas-1" {
		t.Fatalf("reloaded task = %+v, %v", task, ok)
	}
	clock.Advance(10 * time.Second)
	if task, _ := h2.emu.ImagePrewarmTask(id); task.State != "Succeeded" {
		t.Errorf("reloaded task did not finish: %s", task.State)
	}
}

// The effect through the whole emulator: a job on an endpoint whose image is prewarmed in its
// cluster waits a fifth of the cold start; a task in another cluster, for another product, or
// not yet finished does not count.
func TestPrewarmShortensColdStartsOfMatchingEndpoints(t *testing.T) {
	h := newHarness(t, emulator.Options{PrewarmTime: 10 * time.Second, ColdStart: 10 * time.Second})
	const image = "novitalabs/sleep-worker:latest"
	endpoint := func(app, cluster, img string) string {
		spec := set(endpointSpec(), "app_name", app)
		set(spec, "worker_config.min_replicas", 0)
		set(spec, "region_id", cluster)
		set(spec, "image", img)
		return h.mustCreateEndpoint(keyA, spec) + "-" + app
	}
	warm := endpoint("warm", "eu-frankfurt-1", "docker.io/"+image) // the same image, spelled out
	otherCluster := endpoint("elsewhere", "us-dallas-1", image)
	h.mustCreatePrewarm(keyA, image, "eu-frankfurt-1")
	mustOK(t, h.createPrewarm(keyA, map[string]any{"imageUrl": image, "clusterId": "us-dallas-1", "productIds": []string{"SL-serverless-3"}}))
	mustOK(t, h.createPrewarm(keyB, map[string]any{"imageUrl": image, "clusterId": "us-dallas-1"})) // another team's
	early := endpoint("early", "eu-frankfurt-1", image)

	run := func(name string) string {
		r := mustOK(t, h.post("/v1/"+name+"/run", keyA, `{"input":{"seconds":1}}`))
		return at[string](t, r.body, "id")
	}
	earlyJob := run(early) // the task is still running: a full cold start
	h.clock.Advance(10 * time.Second)
	warmJob, coldJob := run(warm), run(otherCluster)

	h.clock.Advance(2 * time.Second)
	health := mustOK(t, h.get("/v1/"+warm+"/health", keyA))
	if at[float64](t, health.body, "workers", "throttled") != 0 || at[float64](t, health.body, "workers", "running") != 1 {
		t.Errorf("prewarmed endpoint after 2 s: %s", health.raw)
	}
	health = mustOK(t, h.get("/v1/"+otherCluster+"/health", keyA))
	if at[float64](t, health.body, "workers", "throttled") != 1 {
		t.Errorf("endpoint without a matching task after 2 s: %s", health.raw)
	}

	h.clock.Advance(20 * time.Second)
	for name, want := range map[string]float64{
		warm + "/status/" + warmJob: 2000, otherCluster + "/status/" + coldJob: 10000, early + "/status/" + earlyJob: 10000,
	} {
		st := mustOK(t, h.get("/v1/"+name, keyA))
		if at[string](t, st.body, "status") != "COMPLETED" || at[float64](t, st.body, "delayTime") != want {
			t.Errorf("%s: %s, want COMPLETED after %v ms", name, st.raw, want)
		}
	}
}
