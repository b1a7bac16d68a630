package emulator_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
)

func TestEndpointUpdateIsFullReplacement(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	cred := h.mustCreateCredential(keyA, "reg")
	spec := set(set(endpointSpec(), "registry_auth_id", cred), "app_name", "keep-me")
	set(spec, "entrypoint", "/entry")
	id := h.mustCreateEndpoint(keyA, spec)
	before, _ := h.emu.Endpoint(id)

	// New values; envs, health_check, command, entrypoint, registry_auth_id, policy, rootfs and
	// request_timeout left out: cleared, or back to their defaults.
	upd := updateSpec()
	set(upd, "name", "renamed")
	set(upd, "worker_config.max_replicas", 5)
	set(upd, "ports", []any{9090})
	set(upd, "image", "novitalabs/sleep-worker:v2")
	for _, k := range []string{"envs", "health_check", "command", "policy", "worker_config.rootfs_size_gb", "worker_config.request_timeout"} {
		set(upd, k, nil)
	}
	r := mustOK(t, h.updateEndpoint(keyA, id, upd))
	if strings.TrimSpace(r.raw) != "{}" {
		t.Errorf("PUT answered %s, want {}", r.raw)
	}

	ep, _ := h.emu.Endpoint(id)
	if ep.Name != "renamed" || ep.WorkerConfig.MaxReplicas != 5 || ep.Port != 9090 || ep.Image != "novitalabs/sleep-worker:v2" {
		t.Errorf("updated fields wrong: %+v", ep)
	}
	if ep.Envs != nil || ep.HealthCheck != (emulator.HealthCheck{Port: 9090}) || ep.Command != "" || ep.Entrypoint != "" || ep.RegistryAuthID != "" {
		t.Errorf("left-out fields not cleared: %+v", ep)
	}
	if ep.Policy != emulator.DefaultPolicy || ep.WorkerConfig.RootfsSizeGB != 100 || ep.WorkerConfig.RequestTimeout != 3600 {
		t.Errorf("left-out fields not back to defaults: policy %+v worker_config %+v", ep.Policy, ep.WorkerConfig)
	}
	// What a PUT cannot change.
	if ep.ID != id || ep.AppName != "keep-me" || ep.Type != "async" || ep.RegionID != "us-dallas-1" ||
		!ep.CreatedAt.Equal(before.CreatedAt) || ep.MemberID != before.MemberID {
		t.Errorf("fixed fields changed: %+v", ep)
	}

	// A missing required field is an error, not a silent keep.
	wantInvalid(t, h.updateEndpoint(keyA, id, set(updateSpec(), "worker_config.idle_timeout", nil)), "worker_config.idle_timeout")
	wantInvalid(t, h.updateEndpoint(keyA, id, set(updateSpec(), "worker_config.max_replicas", nil)), "worker_config.max_replicas is required")
	wantInvalid(t, h.updateEndpoint(keyA, id, set(updateSpec(), "worker_config", nil)), "worker_config is required")
	wantInvalid(t, h.updateEndpoint(keyA, id, set(updateSpec(), "image", nil)), "image is required")
	wantInvalid(t, h.updateEndpoint(keyA, id, set(updateSpec(), "name", nil)), "name is required")
	wantInvalid(t, h.updateEndpoint(keyA, id, set(updateSpec(), "product_id", nil)), "product_id is required")
	// Limits and strictness apply on update too.
	wantInvalid(t, h.updateEndpoint(keyA, id, set(updateSpec(), "worker_config.gpu_num", 9)), "worker_config.gpu_num", "1 and 8")
	wantInvalid(t, h.updateEndpoint(keyA, id, set(updateSpec(), "ports", []any{2223})), "reserved")
	wantInvalid(t, h.updateEndpoint(keyA, id, set(updateSpec(), "image_tag", "x")), "image_tag", "not a known field")
	// type and app_name are not update fields.
	wantInvalid(t, h.updateEndpoint(keyA, id, set(updateSpec(), "app_name", "keep-me")), "app_name", "fixed when the endpoint is created")
	wantInvalid(t, h.updateEndpoint(keyA, id, set(updateSpec(), "type", "async")), "type", "fixed when the endpoint is created")

	if after, _ := h.emu.Endpoint(id); after.Name != "renamed" {
		t.Errorf("a rejected update changed the endpoint: %+v", after)
	}
	wantError(t, h.updateEndpoint(keyA, "0123456789abcdef", updateSpec()), http.StatusNotFound, "SERVERLESS_ENDPOINT_NOT_FOUND")
	wantError(t, h.call("PUT", endpoints+"/"+id, keyA, `{"name":`), http.StatusBadRequest, "REQUEST")
}

// product_id is updatable: the new product bounds gpu_num and rootfs_size_gb and must be offered
// in the endpoint's region; the id stays.
func TestEndpointUpdateChangesProduct(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	id := h.mustCreateEndpoint(keyA, set(endpointSpec(), "worker_config.gpu_num", 8)) // RTX 4090, us-dallas-1

	// RTX 5090 is offered in us-dallas-1 but takes at most 4 GPUs per worker.
	to5090 := set(set(updateSpec(), "product_id", "SL-serverless-3"), "worker_config.gpu_num", 8)
	wantInvalid(t, h.updateEndpoint(keyA, id, to5090), "worker_config.gpu_num", "1 and 4", "SL-serverless-3")
	set(to5090, "worker_config.gpu_num", 4)
	set(to5090, "worker_config.rootfs_size_gb", 200)
	mustOK(t, h.updateEndpoint(keyA, id, to5090))
	ep := h.getEndpoint(keyA, id)
	if ep["id"] != id || ep["product_id"] != "SL-serverless-3" || at[float64](t, ep, "worker_config", "gpu_num") != 4 ||
		at[float64](t, ep, "worker_config", "rootfs_size_gb") != 200 || ep["region_id"] != "us-dallas-1" {
		t.Errorf("after the product change: %v", ep)
	}

	// H100 is only in eu-frankfurt-1: left out, region_id keeps us-dallas-1, which does not offer it.
	toH100 := set(updateSpec(), "product_id", "SL-serverless-2")
	wantInvalid(t, h.updateEndpoint(keyA, id, toH100), "region_id", "SL-serverless-2", "us-dallas-1", "eu-frankfurt-1")
	mustOK(t, h.updateEndpoint(keyA, id, set(toH100, "region_id", "eu-frankfurt-1")))
	if got, _ := h.emu.Endpoint(id); got.ProductID != "SL-serverless-2" || got.RegionID != "eu-frankfurt-1" {
		t.Errorf("after moving to H100: product %q region %q", got.ProductID, got.RegionID)
	}
	wantError(t, h.updateEndpoint(keyA, id, set(updateSpec(), "product_id", "nope")), http.StatusBadRequest, "SERVERLESS_PRODUCT_NOT_FOUND")
	if n := h.emu.Requests("PUT " + endpoints + "/{endpoint_id}"); n != 5 {
		t.Errorf("%d PUTs counted, want 5", n)
	}
}

func TestEndpointLifecycleWithClock(t *testing.T) {
	h := newHarness(t, emulator.Options{CreateDelay: 5 * time.Second, UpdateDelay: 3 * time.Second, DeleteDelay: 2 * time.Second})
	id := h.mustCreateEndpoint(keyA, endpointSpec())
	wantStatus := func(stage, want string) {
		t.Helper()
		ep := h.getEndpoint(keyA, id)
		if got := statusOf(ep); got != want {
			t.Fatalf("%s: status %q, want %q", stage, got, want)
		}
		if workers := at[[]any](t, ep, "workers"); want != emulator.StatusRunning && len(workers) != 0 {
			t.Errorf("%s: workers %v on an endpoint that is not running", stage, workers)
		}
	}

	wantStatus("just created", emulator.StatusCreating)
	h.clock.Advance(4 * time.Second)
	wantStatus("after 4s", emulator.StatusCreating)
	h.clock.Advance(time.Second)
	wantStatus("after 5s", emulator.StatusRunning)

	mustOK(t, h.updateEndpoint(keyA, id, updateSpec()))
	wantStatus("after update", emulator.StatusUpdating)
	h.clock.Advance(3 * time.Second)
	wantStatus("3s after update", emulator.StatusRunning)

	mustOK(t, h.deleteEndpoint(keyA, id))
	wantStatus("after delete", emulator.StatusDeleting)
	// Deleting twice is harmless; updating a deleting endpoint is refused.
	mustOK(t, h.deleteEndpoint(keyA, id))
	wantError(t, h.updateEndpoint(keyA, id, updateSpec()), http.StatusBadRequest, "OPERATION_LIMIT")
	if h.emu.Counts().Endpoints != 1 {
		t.Errorf("a deleting endpoint still counts")
	}
	h.clock.Advance(2 * time.Second)
	wantError(t, h.get(endpoints+"/"+id, keyA), http.StatusNotFound, "SERVERLESS_ENDPOINT_NOT_FOUND")
	wantError(t, h.deleteEndpoint(keyA, id), http.StatusNotFound, "SERVERLESS_ENDPOINT_NOT_FOUND")
	if _, ok := h.emu.Endpoint(id); ok || h.emu.Counts().Endpoints != 0 {
		t.Errorf("endpoint still stored after the delete delay")
	}
}

func TestEndpointDeleteWithoutDelayIsImmediate(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	id := h.mustCreateEndpoint(keyA, endpointSpec())
	r := mustOK(t, h.deleteEndpoint(keyA, id))
	if strings.TrimSpace(r.raw) != "{}" {
		t.Errorf("DELETE answered %s, want {}", r.raw)
	}
	if _, ok := h.emu.Endpoint(id); ok {
		t.Errorf("endpoint not deleted")
	}
}

func TestEndpointUnpullableImageFails(t *testing.T) {
	h := newHarness(t, emulator.Options{CreateDelay: time.Second, UpdateDelay: time.Second})
	id := h.mustCreateEndpoint(keyA, set(endpointSpec(), "image", emulator.UnpullableImage))
	if s := statusOf(h.getEndpoint(keyA, id)); s != emulator.StatusCreating {
		t.Fatalf("status %q, want creating", s)
	}
	h.clock.Advance(time.Second)
	st := at[map[string]any](t, h.getEndpoint(keyA, id), "status")
	want := `failed to pull image "` + emulator.UnpullableImage + `": manifest unknown`
	if st["status"] != emulator.StatusFailed || st["error"] != "IMAGE_PULL_FAILED" || st["message"] != want {
		t.Fatalf("status = %v, want failed with IMAGE_PULL_FAILED and %q", st, want)
	}

	// Fixing the image through an update recovers the endpoint.
	mustOK(t, h.updateEndpoint(keyA, id, updateSpec()))
	h.clock.Advance(time.Second)
	if ep, _ := h.emu.Endpoint(id); ep.Status != emulator.StatusRunning || ep.StatusMessage != "" || ep.StatusError != "" {
		t.Errorf("after fixing the image: %q %q %q", ep.Status, ep.StatusError, ep.StatusMessage)
	}
}

func TestClusterReactivationRefusesOnce(t *testing.T) {
	h := newHarness(t, emulator.Options{DeleteDelay: time.Second, ClusterReactivation: 5 * time.Second})
	a := h.mustCreateEndpoint(keyA, endpointSpec())
	b := h.mustCreateEndpoint(keyA, endpointSpec())
	mustOK(t, h.deleteEndpoint(keyA, a))
	h.clock.Advance(time.Second)
	c := h.mustCreateEndpoint(keyA, endpointSpec()) // b still lives in the cluster: no refusal
	mustOK(t, h.deleteEndpoint(keyA, b))
	mustOK(t, h.deleteEndpoint(keyA, c))
	h.clock.Advance(time.Second)
	if _, ok := h.emu.Endpoint(b); ok {
		t.Fatal("endpoints not deleted")
	}

	// Another team and another cluster are unaffected.
	h.mustCreateEndpoint(keyB, endpointSpec())
	h.mustCreateEndpoint(keyA, set(endpointSpec(), "region_id", "eu-frankfurt-1"))
	r := h.createEndpoint(keyA, endpointSpec())
	wantError(t, r, http.StatusBadRequest, "REQUEST")
	if !strings.Contains(r.message(), "cluster is not active") {
		t.Errorf("message = %q", r.message())
	}
	h.mustCreateEndpoint(keyA, endpointSpec()) // the retry succeeds

	// Off by default.
	h2 := newHarness(t, emulator.Options{})
	id := h2.mustCreateEndpoint(keyA, endpointSpec())
	mustOK(t, h2.deleteEndpoint(keyA, id))
	h2.mustCreateEndpoint(keyA, endpointSpec())
}
