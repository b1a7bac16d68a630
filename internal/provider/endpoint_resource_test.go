package provider

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
)

// testCatalog is an account catalogue like the emulator's.
func testCatalog() *accountCatalog {
	return &accountCatalog{
		Limits: &client.EndpointLimits{
			MinRootfsSize: 10, MaxRootfsSize: 1000, MinLocalVolumeSize: 10, MaxLocalVolumeSize: 1000,
			MinWorkerNum: 0, MaxWorkerNum: 100, MinFreeTimeout: 1, MaxFreeTimeout: 3600,
			MinConcurrencyNum: 1, MaxConcurrencyNum: 100, MinQueueWaitTime: 1, MaxQueueWaitTime: 3600,
			MinRequestNum: 1, MaxRequestNum: 100, MinGPUNum: 1, MaxGPUNum: 8,
			MinRequestTimeout: 1, MaxRequestTimeout: 3600, CudaVersionList: []string{"11.8", "12.4"},
		},
		Products: []client.Product{
			{ID: "SL-serverless-1", Name: "RTX 4090 24GB", RegionIDs: []string{"us-dallas-1", "eu-frankfurt-1"}},
			{ID: "SL-serverless-3", Name: "RTX 5090 32GB", RegionIDs: []string{"us-dallas-1", "ap-singapore-1"}},
		},
		Clusters: []client.Cluster{
			{ID: "us-dallas-1", SupportNetworkStorage: true},
			{ID: "eu-frankfurt-1", SupportNetworkStorage: true},
			{ID: "ap-singapore-1", SupportNetworkStorage: false},
		},
	}
}

// wantOneError asserts diags hold exactly one error, on the attribute path, containing every fragment.
func wantOneError(t *testing.T, diags diag.Diagnostics, attrPath string, fragments ...string) {
	t.Helper()
	errs := diags.Errors()
	if len(errs) != 1 {
		t.Fatalf("got %d errors, want 1: %v", len(errs), diags)
	}
	withPath, ok := errs[0].(diag.DiagnosticWithPath)
	if !ok || withPath.Path().String() != attrPath {
		t.Errorf("error is not on %s: %v", attrPath, errs[0])
	}
	for _, f := range fragments {
		if !strings.Contains(errs[0].Detail(), f) {
			t.Errorf("error detail %q does not mention %q", errs[0].Detail(), f)
		}
	}
}

func TestCheckEndpointPlan(t *testing.T) {
	ctx := context.Background()
	network := volumeMountModel{Type: types.StringValue("network"), CloudStorageID: types.StringValue("st-1"), SizeGB: types.Int64Null(), MountPath: types.StringValue("/models")}
	cases := []struct {
		name      string
		edit      func(m *endpointResourceModel)
		path      string
		fragments []string
	}{
		{"min_workers above limit", func(m *endpointResourceModel) { m.MinWorkers = types.Int64Value(101) }, "min_workers", []string{"between 0 and 100", "got 101"}},
		{"max_workers above limit", func(m *endpointResourceModel) { m.MaxWorkers = types.Int64Value(500) }, "max_workers", []string{"between 0 and 100"}},
		{"idle_timeout below limit", func(m *endpointResourceModel) { m.IdleTimeout = types.Int64Value(0) }, "idle_timeout", []string{"between 1 and 3600", "got 0"}},
		{"max_concurrency above limit", func(m *endpointResourceModel) { m.MaxConcurrency = types.Int64Value(101) }, "max_concurrency", []string{"between 1 and 100"}},
		{"gpu_count above limit", func(m *endpointResourceModel) { m.GPUCount = types.Int64Value(9) }, "gpu_count", []string{"between 1 and 8"}},
		{"system disk too small", func(m *endpointResourceModel) { m.SystemDiskGB = types.Int64Value(5) }, "system_disk_gb", []string{"between 10 and 1000"}},
		{"request_timeout too long", func(m *endpointResourceModel) { m.RequestTimeout = types.Int64Value(7200) }, "request_timeout", []string{"between 1 and 3600"}},
		{"queue policy value", func(m *endpointResourceModel) { m.ScalingPolicy = policyValue(t, "queue", 4000) }, "scaling_policy.value", []string{"between 1 and 3600", "queue"}},
		{"concurrency policy value", func(m *endpointResourceModel) { m.ScalingPolicy = policyValue(t, "concurrency", 101) }, "scaling_policy.value", []string{"between 1 and 100", "concurrency"}},
		{"local volume too small", func(m *endpointResourceModel) {
			m.VolumeMounts = mountsValue(t, volumeMountModel{Type: types.StringValue("local"), CloudStorageID: types.StringNull(), SizeGB: types.Int64Value(1), MountPath: types.StringValue("/x")})
		}, "volume_mounts[0].size_gb", []string{"between 10 and 1000"}},
		{"unknown product", func(m *endpointResourceModel) { m.ProductID = types.StringValue("SL-nope") }, "product_id", []string{`"SL-nope"`, "SL-serverless-1 (RTX 4090 24GB)", "SL-serverless-3"}},
		{"unknown cuda version", func(m *endpointResourceModel) { m.MinCudaVersion = types.StringValue("10.0") }, "min_cuda_version", []string{`"10.0"`, "11.8, 12.4"}},
		{"unknown cluster", func(m *endpointResourceModel) { m.ClusterID = types.StringValue("mars-1") }, "cluster_id", []string{`"mars-1"`, "us-dallas-1"}},
		{"product not in cluster", func(m *endpointResourceModel) { m.ClusterID = types.StringValue("ap-singapore-1") }, "cluster_id", []string{"not offered", "us-dallas-1, eu-frankfurt-1"}},
		{"cluster without network storage", func(m *endpointResourceModel) {
			m.ProductID = types.StringValue("SL-serverless-3")
			m.ClusterID = types.StringValue("ap-singapore-1")
			m.VolumeMounts = mountsValue(t, network)
		}, "cluster_id", []string{"does not support network storage", "us-dallas-1", "eu-frankfurt-1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := testEndpointModel(t)
			tc.edit(&m)
			wantOneError(t, checkEndpointPlan(ctx, m, nil, testCatalog()), tc.path, tc.fragments...)
		})
	}

	t.Run("valid plan passes, unknown values are skipped", func(t *testing.T) {
		m := testEndpointModel(t) // cuda_version, cluster_id, request_timeout, system disk unknown
		m.VolumeMounts = mountsValue(t, network)
		if d := checkEndpointPlan(ctx, m, nil, testCatalog()); d.HasError() {
			t.Fatalf("unexpected errors: %v", d)
		}
	})

	t.Run("update checks only changed values", func(t *testing.T) {
		prior := testEndpointModel(t)
		prior.IdleTimeout = types.Int64Value(9999) // allowed when applied, limit lowered since
		plan := prior
		plan.MaxWorkers = types.Int64Value(5)
		if d := checkEndpointPlan(ctx, plan, &prior, testCatalog()); d.HasError() {
			t.Fatalf("an unchanged out-of-limit value blocked an unrelated update: %v", d)
		}
		plan.MaxWorkers = types.Int64Value(200)
		wantOneError(t, checkEndpointPlan(ctx, plan, &prior, testCatalog()), "max_workers", "between 0 and 100")
	})

	t.Run("a changed policy type checks the unchanged value against the new range", func(t *testing.T) {
		prior := testEndpointModel(t)
		prior.ScalingPolicy = policyValue(t, "queue", 600)
		plan := prior
		plan.ScalingPolicy = policyValue(t, "concurrency", 600)
		wantOneError(t, checkEndpointPlan(ctx, plan, &prior, testCatalog()), "scaling_policy.value", "between 1 and 100")
	})
}

func TestIdleWorkersWarning(t *testing.T) {
	m := testEndpointModel(t)
	m.MinWorkers = types.Int64Value(2)
	d := idleWorkersWarning(m)
	if len(d.Warnings()) != 1 || !strings.Contains(d.Warnings()[0].Detail(), "min_workers = 2") || !strings.Contains(d.Warnings()[0].Detail(), "billed") {
		t.Fatalf("want one warning about 2 billed idle workers, got %v", d)
	}
	for _, v := range []types.Int64{types.Int64Value(0), types.Int64Unknown()} {
		m.MinWorkers = v
		if d := idleWorkersWarning(m); len(d) != 0 {
			t.Errorf("min_workers = %s: unexpected diagnostics %v", v, d)
		}
	}
}

func TestValidateEndpointConfig(t *testing.T) {
	ctx := context.Background()
	local := func(path string, size int64) volumeMountModel {
		return volumeMountModel{Type: types.StringValue("local"), CloudStorageID: types.StringNull(), SizeGB: types.Int64Value(size), MountPath: types.StringValue(path)}
	}
	cases := []struct {
		name      string
		edit      func(m *endpointResourceModel)
		path      string
		fragments []string
	}{
		{"max below min", func(m *endpointResourceModel) { m.MinWorkers, m.MaxWorkers = types.Int64Value(3), types.Int64Value(2) }, "max_workers", []string{"max_workers (2)", "min_workers (3)"}},
		{"duplicate mount path", func(m *endpointResourceModel) { m.VolumeMounts = mountsValue(t, local("/a", 10), local("/a", 20)) }, "volume_mounts[1].mount_path", []string{`"/a"`, "volume_mounts[0]"}},
		{"network mount without storage", func(m *endpointResourceModel) {
			m.ClusterID = types.StringValue("us-dallas-1")
			m.VolumeMounts = mountsValue(t, volumeMountModel{Type: types.StringValue("network"), CloudStorageID: types.StringNull(), SizeGB: types.Int64Null(), MountPath: types.StringValue("/m")})
		}, "volume_mounts[0].cloud_storage_id", []string{"cloud_storage_id"}},
		{"network mount with size", func(m *endpointResourceModel) {
			m.ClusterID = types.StringValue("us-dallas-1")
			m.VolumeMounts = mountsValue(t, volumeMountModel{Type: types.StringValue("network"), CloudStorageID: types.StringValue("st"), SizeGB: types.Int64Value(10), MountPath: types.StringValue("/m")})
		}, "volume_mounts[0].size_gb", []string{"remove size_gb"}},
		{"local mount without size", func(m *endpointResourceModel) {
			m.VolumeMounts = mountsValue(t, volumeMountModel{Type: types.StringValue("local"), CloudStorageID: types.StringNull(), SizeGB: types.Int64Null(), MountPath: types.StringValue("/m")})
		}, "volume_mounts[0].size_gb", []string{"size_gb"}},
		{"network mount without cluster", func(m *endpointResourceModel) {
			m.ClusterID = types.StringNull()
			m.VolumeMounts = mountsValue(t, volumeMountModel{Type: types.StringValue("network"), CloudStorageID: types.StringValue("st"), SizeGB: types.Int64Null(), MountPath: types.StringValue("/m")})
		}, "cluster_id", []string{"cluster_id"}},
		{"key in env and secret_env", func(m *endpointResourceModel) {
			m.SecretEnv = mapValue(t, map[string]string{"BUCKET_NAME": "x"})
		}, `secret_env["BUCKET_NAME"]`, []string{"BUCKET_NAME is set in both env and secret_env"}},
		{"key in secret_env and secret_env_wo", func(m *endpointResourceModel) {
			m.SecretEnvWO = mapValue(t, map[string]string{"BUCKET_ACCESS_KEY_ID": "x"})
			m.SecretEnvWOVersion = types.Int64Value(1)
		}, `secret_env_wo["BUCKET_ACCESS_KEY_ID"]`, []string{"secret_env and secret_env_wo"}},
		{"secret_env_wo without version", func(m *endpointResourceModel) {
			m.SecretEnvWO = mapValue(t, map[string]string{"K": "v"})
			m.SecretEnvWOVersion = types.Int64Null()
		}, "secret_env_wo_version", []string{"set secret_env_wo_version"}},
		{"version without secret_env_wo", func(m *endpointResourceModel) { m.SecretEnvWOVersion = types.Int64Value(1) }, "secret_env_wo_version", []string{"set secret_env_wo or remove"}},
		{"health check port without path", func(m *endpointResourceModel) {
			m.HealthCheckPath, m.HealthCheckPort = types.StringNull(), types.Int64Value(9000)
		}, "health_check_port", []string{"set health_check_path"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := testEndpointModel(t)
			m.ClusterID = types.StringNull() // config: not set
			tc.edit(&m)
			wantOneError(t, validateEndpointConfig(ctx, m), tc.path, tc.fragments...)
		})
	}

	t.Run("health check port equal to port without path passes (generated configuration)", func(t *testing.T) {
		m := testEndpointModel(t)
		m.HealthCheckPath, m.HealthCheckPort = types.StringNull(), m.Port
		if d := validateEndpointConfig(ctx, m); d.HasError() {
			t.Fatalf("unexpected errors: %v", d)
		}
	})

	t.Run("valid and unknown values pass", func(t *testing.T) {
		m := testEndpointModel(t)
		m.SecretEnvWO = mapValue(t, map[string]string{"BUCKET_SECRET_ACCESS_KEY": "x"})
		m.SecretEnvWOVersion = types.Int64Value(1)
		m.MaxWorkers = types.Int64Unknown()
		m.ClusterID = types.StringUnknown() // e.g. novita_cloud_storage.x.cluster_id before it exists
		m.VolumeMounts = mountsValue(t, local("/a", 10), volumeMountModel{Type: types.StringValue("network"), CloudStorageID: types.StringUnknown(), SizeGB: types.Int64Null(), MountPath: types.StringValue("/b")})
		if d := validateEndpointConfig(ctx, m); d.HasError() {
			t.Fatalf("unexpected errors: %v", d)
		}
	})
}

// ---- acceptance tests (against a fresh emulator each, or live with make testacc-live) ----

// endpointHCL is a small async endpoint on the account's testGPU product. set overrides or adds
// arguments (name -> HCL value); an empty value removes a default.
func (e *testEnv) endpointHCL(t *testing.T, name string, set map[string]string) string {
	t.Helper()
	args := map[string]string{
		"product_id":     strconv.Quote(e.productID(t, testGPU)),
		"min_workers":    "0",
		"max_workers":    "2",
		"idle_timeout":   "60",
		"port":           "8080",
		"image":          `"novitalabs/sleep-worker:latest"`,
		"scaling_policy": `{ type = "queue", value = 30 }`,
	}
	for k, v := range set {
		args[k] = v
	}
	keys := make([]string, 0, len(args))
	for k, v := range args {
		if v != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	fmt.Fprintf(&b, "\nresource \"novita_endpoint\" %q {\n", name)
	for _, k := range keys {
		fmt.Fprintf(&b, "  %s = %s\n", k, args[k])
	}
	b.WriteString("}\n")
	return b.String()
}

// endpointStateID reads a resource's id from the test state, inside a check.
func endpointStateID(s *terraform.State, addr string) (string, error) {
	rs, ok := s.RootModule().Resources[addr]
	if !ok || rs.Primary == nil || rs.Primary.ID == "" {
		return "", fmt.Errorf("%s is not in state", addr)
	}
	return rs.Primary.ID, nil
}

func TestAccEndpointResource_lifecycle(t *testing.T) {
	env := newTestEnv(t)
	const addr = "novita_endpoint.test"
	appA, appB := accName("lifecycle-a"), accName("lifecycle-b") // unique per account
	sameID := statecheck.CompareValue(compare.ValuesSame())
	newID := statecheck.CompareValue(compare.ValuesDiffer())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkEndpointsDestroyed(env),
		Steps: []resource.TestStep{
			{
				Config: env.config(env.endpointHCL(t, "test", map[string]string{
					"name":     `"lifecycle"`,
					"app_name": strconv.Quote(appA),
					"env":      `{ MODE = "a" }`,
				})),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					newID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("state"), knownvalue.StringExact("running")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("type"), knownvalue.StringExact("async")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("endpoint_name"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]+-`+regexp.QuoteMeta(appA)+`$`))),
					// server-defaulted values are read back
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("system_disk_gb"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("request_timeout"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("cluster_id"), knownvalue.NotNull()),
				},
				Check: checkAPIEndpoint(env, addr, func(ep *client.Endpoint) error {
					if ep.WorkerConfig.MaxReplicas != 2 || ep.Policy.Type != "queue" || envMap(ep.Envs)["MODE"] != "a" {
						return fmt.Errorf("emulator endpoint = %+v", ep)
					}
					return nil
				}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// After import env and secret_env are unknown to the provider (null) until the
				// configuration says which map each key belongs to (see adoptImportedEnv).
				ResourceName:            addr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"env", "secret_env"},
			},
			{
				Config: env.config(env.endpointHCL(t, "test", map[string]string{
					"name":           `"lifecycle"`,
					"app_name":       strconv.Quote(appA),
					"env":            `{ MODE = "b", EXTRA = "1" }`,
					"scaling_policy": `{ type = "concurrency", value = 2 }`,
					"max_workers":    "3",
				})),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("max_workers"), knownvalue.Int64Exact(3)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("scaling_policy"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"type": knownvalue.StringExact("concurrency"), "value": knownvalue.Int64Exact(2),
					})),
				},
				Check: checkAPIEndpoint(env, addr, func(ep *client.Endpoint) error {
					if ep.WorkerConfig.MaxReplicas != 3 || ep.Policy.Type != "concurrency" || ep.Policy.Value != 2 ||
						envMap(ep.Envs)["MODE"] != "b" || envMap(ep.Envs)["EXTRA"] != "1" {
						return fmt.Errorf("update did not reach the emulator: %+v", ep)
					}
					return nil
				}),
			},
			{
				Config: env.config(env.endpointHCL(t, "test", map[string]string{
					"name":           `"lifecycle"`,
					"app_name":       strconv.Quote(appB),
					"env":            `{ MODE = "b", EXTRA = "1" }`,
					"scaling_policy": `{ type = "concurrency", value = 2 }`,
					"max_workers":    "3",
				})),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					newID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("endpoint_name"), knownvalue.StringRegexp(regexp.MustCompile(`-`+regexp.QuoteMeta(appB)+`$`))),
				},
			},
		},
	})
}

// TestAccEndpointResource_drift changes the endpoint through the API behind Terraform's back, as
// someone using the console would: deleted, it is created again; changed, it is updated back.
func TestAccEndpointResource_drift(t *testing.T) {
	env := newTestEnv(t)
	ctx := context.Background()
	const addr = "novita_endpoint.test"
	cfg := env.config(env.endpointHCL(t, "test", map[string]string{"env": `{ MODE = "a" }`}))
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkEndpointsDestroyed(env),
		Steps: []resource.TestStep{
			{Config: cfg, Check: captureID(addr, &id)},
			{
				// Deleted behind Terraform's back: the next apply creates it again.
				PreConfig: func() {
					if err := env.api.DeleteEndpoint(ctx, id); err != nil {
						t.Fatalf("deleting endpoint %s: %v", id, err)
					}
					if err := env.api.WaitForEndpointDeleted(ctx, id); err != nil {
						t.Fatalf("waiting for endpoint %s to go: %v", id, err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
				Check: resource.ComposeTestCheckFunc(
					captureID(addr, &id),
					checkAPIEndpoint(env, addr, func(*client.Endpoint) error { return nil }),
				),
			},
			{
				// Changed behind its back: the plan updates it in place and the apply corrects it.
				PreConfig: func() {
					ep, err := env.api.GetEndpoint(ctx, id)
					if err != nil {
						t.Fatalf("reading endpoint %s: %v", id, err)
					}
					spec := ep.EndpointConfig
					spec.WorkerConfig.MaxReplicas = 7
					spec.Policy.Value = 99
					spec.Envs = append(spec.Envs, client.Env{Key: "INJECTED", Value: "x"})
					if err := env.api.UpdateEndpoint(ctx, id, spec); err != nil {
						t.Fatalf("changing endpoint %s: %v", id, err)
					}
					if _, err := env.api.WaitForEndpointServing(ctx, id); err != nil {
						t.Fatalf("waiting for endpoint %s: %v", id, err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("max_workers"), knownvalue.Int64Exact(2)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkAPIEndpoint(env, addr, func(ep *client.Endpoint) error {
					if ep.ID != id {
						return fmt.Errorf("endpoint was replaced (%s -> %s), want an in-place update", id, ep.ID)
					}
					if _, injected := envMap(ep.Envs)["INJECTED"]; ep.WorkerConfig.MaxReplicas != 2 || ep.Policy.Value != 30 || injected {
						return fmt.Errorf("drift not corrected: max %d, policy %d, envs %v", ep.WorkerConfig.MaxReplicas, ep.Policy.Value, ep.Envs)
					}
					return nil
				}),
			},
		},
	})
}

// TestAccEndpointResource_quickstartComfyUI is the endpoint of Novita's async quickstart. It
// proves that secret_env_wo values reach the endpoint but never the state, and that bumping
// secret_env_wo_version pushes new values.
func TestAccEndpointResource_quickstartComfyUI(t *testing.T) {
	env := newTestEnv(t)
	const addr = "novita_endpoint.comfy"
	product := env.productID(t, testGPU)
	config := func(secret string, version int) string {
		return env.config(fmt.Sprintf(`
resource "novita_endpoint" "comfy" {
  product_id      = %q
  min_workers     = 0
  max_workers     = 3
  idle_timeout    = 300
  max_concurrency = 1
  gpu_count       = 1
  port            = 8188
  image           = "novitalabs/comfyui-worker:v0.0.1"
  scaling_policy = {
    type  = "concurrency"
    value = 1
  }
  env = {
    BUCKET_ENDPOINT_URL = "https://s3.us-east-1.amazonaws.com"
    BUCKET_NAME         = "comfy-outputs"
  }
  secret_env = {
    BUCKET_ACCESS_KEY_ID = "AKIAEXAMPLE"
  }
  secret_env_wo = {
    BUCKET_SECRET_ACCESS_KEY = %q
  }
  secret_env_wo_version = %d
}
`, product, secret, version))
	}
	secretReached := func(want string) resource.TestCheckFunc {
		return checkAPIEndpoint(env, addr, func(ep *client.Endpoint) error {
			got := envMap(ep.Envs)
			if got["BUCKET_SECRET_ACCESS_KEY"] != want || got["BUCKET_ACCESS_KEY_ID"] != "AKIAEXAMPLE" || got["BUCKET_NAME"] != "comfy-outputs" {
				return fmt.Errorf("the endpoint's envs are not the configured ones (secret value withheld from this message); keys: %d", len(got))
			}
			return nil
		})
	}
	notInState := func(secrets ...string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			rs := s.RootModule().Resources[addr]
			for k, v := range rs.Primary.Attributes {
				for _, secret := range secrets {
					if strings.Contains(v, secret) {
						return fmt.Errorf("a write-only value is in state at %s", k)
					}
				}
				if strings.Contains(k, "BUCKET_SECRET_ACCESS_KEY") {
					return fmt.Errorf("the write-only key is in state at %s", k)
				}
			}
			return nil
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkEndpointsDestroyed(env),
		Steps: []resource.TestStep{
			{
				Config: config("first-wo-secret", 1),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("secret_env_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("secret_env"), knownvalue.MapExact(map[string]knownvalue.Check{
						"BUCKET_ACCESS_KEY_ID": knownvalue.StringExact("AKIAEXAMPLE"),
					})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("env"), knownvalue.MapSizeExact(2)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("state"), knownvalue.StringExact("running")),
				},
				Check: resource.ComposeTestCheckFunc(secretReached("first-wo-secret"), notInState("first-wo-secret")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// After import env and secret_env are unknown to the provider (null) until the
				// configuration says which map each key belongs to (see adoptImportedEnv).
				ResourceName:            addr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"env", "secret_env", "secret_env_wo_version"},
			},
			{
				// A new value under the same version is not seen: write-only values are not compared.
				Config: config("ignored-wo-secret", 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: secretReached("first-wo-secret"),
			},
			{
				Config: config("second-wo-secret", 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(secretReached("second-wo-secret"), notInState("first-wo-secret", "second-wo-secret")),
			},
		},
	})
}

func TestAccEndpointResource_failedDeploymentIsTainted(t *testing.T) {
	env := newTestEnv(t)
	env.requireEmulator(t, "only the emulator fails a deployment on demand (its unpullable image)")
	const addr = "novita_endpoint.test"
	var failedID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkEndpointsDestroyed(env),
		Steps: []resource.TestStep{
			{
				Config:      env.config(env.endpointHCL(t, "test", map[string]string{"image": strconv.Quote(emulator.UnpullableImage)})),
				ExpectError: regexp.MustCompile(`(?s)Endpoint Deployment Failed.*is failed: failed to pull image`),
			},
			{
				// The failed endpoint stayed in state, tainted: fixing the image replaces it.
				Config: env.config(env.endpointHCL(t, "test", nil)),
				PreConfig: func() {
					for id, n := range emuEndpointStates(t, env) {
						failedID = id
						if n != "failed" {
							t.Fatalf("endpoint %s is %s, want failed", id, n)
						}
					}
					if failedID == "" {
						t.Fatal("the failed create left no endpoint")
					}
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace)},
				},
				Check: func(s *terraform.State) error {
					id, err := endpointStateID(s, addr)
					if err != nil {
						return err
					}
					if _, still := env.Emu.Endpoint(failedID); still || id == failedID {
						return fmt.Errorf("the failed endpoint %s was not replaced", failedID)
					}
					return nil
				},
			},
		},
	})
}

// emuEndpointStates lists the account's endpoints with their states, through the API.
func emuEndpointStates(t *testing.T, env *testEnv) map[string]string {
	t.Helper()
	list, err := env.api.ListEndpoints(context.Background(), "")
	if err != nil {
		t.Fatalf("listing endpoints: %v", err)
	}
	out := map[string]string{}
	for _, e := range list {
		out[e.ID] = e.Status.Status
	}
	return out
}

func TestAccEndpointResource_waitForReady(t *testing.T) {
	env := newTestEnv(t, func(o *emulator.Options) { o.CreateDelay = 2 * time.Second })
	env.requireEmulator(t, "the 1s create timeout must expire: needs a deployment known to take 2s, and an account with no other endpoints")
	const addr = "novita_endpoint.test"
	var timedOutID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkEndpointsDestroyed(env),
		Steps: []resource.TestStep{
			{
				// A create timeout shorter than the deployment fails clearly; the id is kept.
				Config:      env.config(env.endpointHCL(t, "test", map[string]string{"timeouts": `{ create = "1s" }`})),
				ExpectError: regexp.MustCompile(`(?s)Timed Out Waiting for Endpoint.*not running within 1s\s+\(timeouts.create\)`),
			},
			{
				// The timed-out endpoint is in state (tainted): the next apply replaces it, and
				// without the short timeout it waits until the new one serves.
				PreConfig: func() {
					for id := range emuEndpointStates(t, env) {
						timedOutID = id
					}
				},
				Config: env.config(env.endpointHCL(t, "test", nil)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("state"), knownvalue.StringExact("running")),
				},
				Check: func(s *terraform.State) error {
					id, err := endpointStateID(s, addr)
					if err != nil {
						return err
					}
					if timedOutID == "" || id == timedOutID {
						return fmt.Errorf("timed-out endpoint %q was not replaced (now %q)", timedOutID, id)
					}
					return nil
				},
			},
			{
				// wait_for_ready = false returns while the endpoint is still being created.
				Config: env.config(env.endpointHCL(t, "test", nil) + env.endpointHCL(t, "nowait", map[string]string{"wait_for_ready": "false"})),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("novita_endpoint.nowait", tfjsonpath.New("state"), knownvalue.StringExact("creating")),
				},
			},
		},
	})
}

func TestAccEndpointResource_deletionProtection(t *testing.T) {
	env := newTestEnv(t)
	const addr = "novita_endpoint.test"
	protected := env.config(env.endpointHCL(t, "test", map[string]string{"deletion_protection": "true"}))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkEndpointsDestroyed(env),
		Steps: []resource.TestStep{
			{Config: protected},
			{
				Config:      protected,
				Destroy:     true,
				ExpectError: regexp.MustCompile(`(?s)Endpoint Is Protected from Deletion.*set\s+deletion_protection\s+=\s+false`),
			},
			{
				// Turning protection off is a provider-side change: no replacement, and the
				// final destroy of the test case succeeds.
				Config: env.config(env.endpointHCL(t, "test", map[string]string{"deletion_protection": "false"})),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				Check: checkAPIEndpoint(env, addr, func(*client.Endpoint) error { return nil }), // still there
			},
		},
	})
}

// TestAccEndpointResource_planTimeErrors proves each class of bad input fails the plan (static
// validation, cross-field rules, and the account's live limits and catalogue) with its message.
func TestAccEndpointResource_planTimeErrors(t *testing.T) {
	env := newTestEnv(t)
	limits := env.limits(t)
	if len(limits.CudaVersionList) == 0 {
		t.Fatal("the account lists no CUDA versions")
	}
	between := func(attr string, lo, hi client.Int) string {
		return fmt.Sprintf(`(?s)%s must be between %d and %d`, attr, lo, hi)
	}
	network := `[{ type = "network", cloud_storage_id = "st-1", mount_path = "/models" }]`
	cases := []struct {
		set  map[string]string
		want string
	}{
		{map[string]string{"port": "2222"}, `(?s)Attribute port value must be none of:\s+\["2222" "2223" "2224"\],\s+got: 2222`},
		{map[string]string{"min_workers": "3", "max_workers": "2"}, `(?s)max_workers \(2\) must be at\s+least min_workers \(3\)`},
		{map[string]string{"scaling_policy": `{ type = "latency", value = 1 }`}, `(?s)scaling_policy.type value must be one of:\s+\["queue" "concurrency"\],\s+got: "latency"`},
		{map[string]string{"volume_mounts": `[{ type = "local", size_gb = 20, mount_path = "data" }]`}, `(?s)mount_path.*absolute path`},
		{map[string]string{"volume_mounts": `[{ type = "local", size_gb = 20, mount_path = "/d" }, { type = "local", size_gb = 20, mount_path = "/d" }]`}, `(?s)Duplicate Mount Path.*"/d"`},
		{map[string]string{"volume_mounts": network}, `(?s)Missing Cluster for Network Volume`},
		{map[string]string{"env": `{ KEY = "a" }`, "secret_env": `{ KEY = "b" }`}, `(?s)KEY is set in both env\s+and\s+secret_env`},
		// The account's own limits and catalogue, as the API reports them.
		{map[string]string{"max_workers": strconv.Itoa(int(limits.MaxWorkerNum) + 1)}, between("max_workers", limits.MinWorkerNum, limits.MaxWorkerNum)},
		{map[string]string{"idle_timeout": strconv.Itoa(int(limits.MaxFreeTimeout) + 1)}, between("idle_timeout", limits.MinFreeTimeout, limits.MaxFreeTimeout)},
		{map[string]string{"product_id": `"no-such-product"`}, `(?s)Unknown GPU Product.*` + regexp.QuoteMeta(env.productID(t, testGPU))},
		{map[string]string{"min_cuda_version": `"9.0.404"`}, `(?s)Unsupported CUDA Version.*` + regexp.QuoteMeta(limits.CudaVersionList[len(limits.CudaVersionList)-1])},
	}
	steps := make([]resource.TestStep, 0, len(cases))
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      env.config(env.endpointHCL(t, "test", c.set)),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(c.want),
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
	})
	if env.Emu != nil { // a live account may hold other endpoints
		if n := env.Emu.Counts().Endpoints; n != 0 {
			t.Errorf("a plan-time error still created %d endpoint(s)", n)
		}
	}
}

// TestAccEndpointResource_clusterWithoutNetworkStorage: a network volume on an endpoint in a
// cluster that has no network storage fails the plan.
func TestAccEndpointResource_clusterWithoutNetworkStorage(t *testing.T) {
	env := newTestEnv(t)
	cluster, product := env.clusterWithoutStorage(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.config(env.endpointHCL(t, "test", map[string]string{
				"product_id":    strconv.Quote(product),
				"cluster_id":    strconv.Quote(cluster),
				"volume_mounts": `[{ type = "network", cloud_storage_id = "st-1", mount_path = "/models" }]`,
			})),
			PlanOnly:    true,
			ExpectError: wrappedMessage("Cluster Does Not Support Network Storage", "mounts a network volume"),
		}},
	})
}

// TestEndpointResourceRead_notFoundRemovesFromState calls Read without Terraform, with an id the
// API does not know, and expects the resource to leave the state.
func TestEndpointResourceRead_notFoundRemovesFromState(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	r := &endpointResource{data: &providerData{client: env.api}}

	var schemaResp fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &schemaResp)
	state := tfsdk.State{Schema: schemaResp.Schema, Raw: tftypes.NewValue(schemaResp.Schema.Type().TerraformType(ctx), nil)}
	if d := state.SetAttribute(ctx, path.Root("id"), "0123456789abcdef"); d.HasError() {
		t.Fatal(d)
	}

	resp := fwresource.ReadResponse{State: state}
	r.Read(ctx, fwresource.ReadRequest{State: state}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("Read of a missing endpoint failed instead of removing it: %v", resp.Diagnostics)
	}
	if !resp.State.Raw.IsNull() {
		t.Fatalf("state = %v, want null (removed)", resp.State.Raw)
	}
}

// TestAccEndpointResource_importThenAdopt imports an endpoint made outside Terraform that has
// plain, secret and write-only variables. Import reads none of them (a write-only value must never
// reach state); the first plan compares the configuration with the live variables. When they
// match, the apply only records env and secret_env, without an update call; when they differ, it
// updates the endpoint with the configured values. The write-only value is never in state.
func TestAccEndpointResource_importThenAdopt(t *testing.T) {
	for _, tc := range []struct {
		name       string
		configWO   string // the configured secret_env_wo value; the live one is "live-wo-value"
		wantUpdate bool   // whether the apply calls the API's update
	}{
		{name: "matching", configWO: "live-wo-value", wantUpdate: false},
		{name: "differing", configWO: "new-wo-value", wantUpdate: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv(t)
			if !tc.wantUpdate {
				env.requireEmulator(t, "only the emulator counts update calls; on the live API an adoption and an update leave the same endpoint")
			}
			const addr = "novita_endpoint.adopted"
			id := env.createEndpoint(t, client.EndpointSpec{Type: client.EndpointAsync, EndpointConfig: client.EndpointConfig{
				Name: "made-by-hand",
				WorkerConfig: client.WorkerConfig{
					MinReplicas: 0, MaxReplicas: 2, IdleTimeout: 60, MaxConcurrentPerWorker: 1, GPUNum: 1,
				},
				Ports:     []client.Int{8080},
				Policy:    client.Policy{Type: "queue", Value: 30},
				Image:     "novitalabs/sleep-worker:latest",
				ProductID: env.productID(t, testGPU),
				Envs: []client.Env{
					{Key: "PLAIN", Value: "plain-value"}, {Key: "SECRET", Value: "secret-value"}, {Key: "WO", Value: "live-wo-value"},
				},
			}})
			if _, err := env.api.WaitForEndpointServing(t.Context(), id); err != nil {
				t.Fatalf("waiting for endpoint %s: %v", id, err)
			}
			updates := func() int {
				if env.Emu == nil {
					return 0
				}
				return env.Emu.Requests("PUT /gpus/v2/endpoints/{endpoint_id}")
			}
			updatesBefore := updates()
			cfg := env.config(fmt.Sprintf(`
import {
  to = novita_endpoint.adopted
  id = %q
}
`, id) + env.endpointHCL(t, "adopted", map[string]string{
				"name":                  `"made-by-hand"`,
				"env":                   `{ PLAIN = "plain-value" }`,
				"secret_env":            `{ SECRET = "secret-value" }`,
				"secret_env_wo":         fmt.Sprintf(`{ WO = %q }`, tc.configWO),
				"secret_env_wo_version": "1",
			}))
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             checkEndpointsDestroyed(env),
				Steps: []resource.TestStep{{
					Config: cfg,
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
							plancheck.ExpectSensitiveValue(addr, tfjsonpath.New("secret_env")),
							plancheck.ExpectKnownValue(addr, tfjsonpath.New("env_keys"), knownvalue.ListExact([]knownvalue.Check{
								knownvalue.StringExact("PLAIN"), knownvalue.StringExact("SECRET"), knownvalue.StringExact("WO"),
							})),
						},
						PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
						statecheck.ExpectKnownValue(addr, tfjsonpath.New("env"), knownvalue.MapExact(map[string]knownvalue.Check{"PLAIN": knownvalue.StringExact("plain-value")})),
						statecheck.ExpectKnownValue(addr, tfjsonpath.New("secret_env"), knownvalue.MapExact(map[string]knownvalue.Check{"SECRET": knownvalue.StringExact("secret-value")})),
					},
					Check: resource.ComposeTestCheckFunc(
						notInStateAnywhere("live-wo-value", "new-wo-value"),
						resource.TestCheckNoResourceAttr(addr, "env.WO"),
						resource.TestCheckNoResourceAttr(addr, "secret_env.WO"),
						checkAPIEndpoint(env, addr, func(ep *client.Endpoint) error {
							if got := envMap(ep.Envs)["WO"]; got != tc.configWO {
								return fmt.Errorf("the endpoint's WO = %q, want the configured value", got)
							}
							return nil
						}),
						func(*terraform.State) error {
							if env.Emu == nil {
								return nil // live: only the result is checked (the matching case skips live)
							}
							if n := updates() - updatesBefore; (n > 0) != tc.wantUpdate {
								return fmt.Errorf("the apply made %d update calls; want an update: %v", n, tc.wantUpdate)
							}
							return nil
						},
					),
				}},
			})
		})
	}
}

// notInStateAnywhere fails when any of the values appears anywhere in the state: in any
// attribute of any resource, or as a key.
func notInStateAnywhere(values ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for addr, rs := range s.RootModule().Resources {
			for k, v := range rs.Primary.Attributes {
				for _, secret := range values {
					if strings.Contains(v, secret) || strings.Contains(k, secret) {
						return fmt.Errorf("a write-only value is in state at %s.%s", addr, k)
					}
				}
			}
		}
		return nil
	}
}

func TestCheckMountedStorage(t *testing.T) {
	ctx := context.Background()
	storages := map[string]client.CloudStorage{"st-dallas": {ID: "st-dallas", ClusterID: "us-dallas-1"}}
	lookup := func(id string) (*client.CloudStorage, error) {
		if st, ok := storages[id]; ok {
			return &st, nil
		}
		return nil, &client.APIError{StatusCode: 400, Reason: "NETWORK_STORAGE_NOT_FOUND", Message: "not found"}
	}
	mount := func(id types.String) types.List {
		return mountsValue(t, volumeMountModel{Type: types.StringValue("network"), CloudStorageID: id, SizeGB: types.Int64Null(), MountPath: types.StringValue("/m")})
	}
	m := testEndpointModel(t)

	m.ClusterID, m.VolumeMounts = types.StringValue("us-dallas-1"), mount(types.StringValue("st-dallas"))
	if d := checkMountedStorage(ctx, m, lookup); d.HasError() {
		t.Errorf("matching cluster: unexpected %v", d)
	}
	m.ClusterID = types.StringValue("eu-frankfurt-1")
	wantOneError(t, checkMountedStorage(ctx, m, lookup), "cluster_id", `in cluster "us-dallas-1"`, `set cluster_id = "us-dallas-1"`)
	m.VolumeMounts = mount(types.StringValue("st-gone"))
	wantOneError(t, checkMountedStorage(ctx, m, lookup), "volume_mounts[0].cloud_storage_id", `"st-gone"`)
	m.VolumeMounts = mount(types.StringUnknown())
	if d := checkMountedStorage(ctx, m, lookup); d.HasError() {
		t.Errorf("unknown storage id: unexpected %v", d)
	}
}

// TestAccEndpointResource_networkVolume mounts a cloud storage (and a local volume), proves a
// cluster that does not match the storage fails the plan, and that destroy waits for the
// endpoint to be gone so that the storage it mounted can be deleted in the same run.
func TestAccEndpointResource_networkVolume(t *testing.T) {
	env := newTestEnv(t, func(o *emulator.Options) { o.DeleteDelay = 1500 * time.Millisecond })
	const addr = "novita_endpoint.test"
	clusters := env.storageClustersOffering(t, env.product(t, testGPU), 2)
	home, other := clusters[0], clusters[1]
	config := func(cluster string) string {
		return env.config(fmt.Sprintf(`
resource "novita_cloud_storage" "models" {
  name       = "models"
  size_gb    = 20
  cluster_id = %q
}
`, home) + env.endpointHCL(t, "test", map[string]string{
			"cluster_id": cluster,
			"volume_mounts": `[
    { type = "network", cloud_storage_id = novita_cloud_storage.models.id, mount_path = "/models" },
    { type = "local", size_gb = 50, mount_path = "/scratch" },
  ]`,
		}))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             resource.ComposeTestCheckFunc(checkEndpointsDestroyed(env), checkStoragesDestroyed(env)),
		Steps: []resource.TestStep{
			{
				Config: config("novita_cloud_storage.models.cluster_id"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("cluster_id"), knownvalue.StringExact(home)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("volume_mounts").AtSliceIndex(0).AtMapKey("size_gb"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("volume_mounts").AtSliceIndex(1).AtMapKey("size_gb"), knownvalue.Int64Exact(50)),
				},
				Check: checkAPIEndpoint(env, addr, func(ep *client.Endpoint) error {
					if len(ep.Volumes) != 2 || ep.Volumes[0].Type != "network" || ep.Volumes[0].MountPoint != "/models" || ep.RegionID != home {
						return fmt.Errorf("mounts not as configured: %+v in %s", ep.Volumes, ep.RegionID)
					}
					return nil
				}),
			},
			{
				// On an existing endpoint the plan-time finding is a warning (a destroy's refresh
				// plan must not fail on it); the apply then fails with Novita's refusal, and the
				// endpoint stays where it was.
				Config:      config(strconv.Quote(other)),
				ExpectError: regexp.MustCompile(`(?s)Unable to Update Endpoint.*` + regexp.QuoteMeta(home)),
			},
		},
	})
}

// TestAccEndpointResource_limitsNotFoundSkipsLimitChecks proves that when the account answers the
// limits (v1, no v2 equivalent) with not found, the plan goes on (with one warning) and the
// apply works.
func TestAccEndpointResource_limitsNotFoundSkipsLimitChecks(t *testing.T) {
	env := newTestEnv(t)
	env.requireEmulator(t, "injects a fault into GET /endpoint/limit")
	env.Emu.InjectFault(emulator.Fault{
		Method: "GET", Path: "/gpu-instance/openapi/v1/endpoint/limit",
		Status: 404, Reason: "RESOURCE_NOT_FOUND", Message: "no such route", Times: 1000,
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkEndpointsDestroyed(env),
		Steps: []resource.TestStep{{
			Config: env.config(env.endpointHCL(t, "test", nil)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("novita_endpoint.test", tfjsonpath.New("state"), knownvalue.StringExact("running")),
			},
		}},
	})
	if env.Emu.Requests("/gpu-instance/openapi/v1/endpoint/limit") == 0 {
		t.Error("the plan never asked for the limits, so the test proved nothing")
	}
}

// TestAccEndpointResource_withStorageAndCredential creates a cloud storage, a registry credential
// and an endpoint that mounts the one and pulls with the other in one apply, and destroys all three
// in one destroy. Terraform's ordering plus the endpoint's wait for deletion must be enough: the
// storage and the credential are each deleted with a single request, never refused as in use.
func TestAccEndpointResource_withStorageAndCredential(t *testing.T) {
	env := newTestEnv(t, func(o *emulator.Options) {
		o.CreateDelay = 300 * time.Millisecond
		o.DeleteDelay = 1500 * time.Millisecond
	})
	const addr = "novita_endpoint.test"
	cluster := env.storageClustersOffering(t, env.product(t, testGPU), 1)[0]
	config := env.config(fmt.Sprintf(`
resource "novita_cloud_storage" "models" {
  name       = "models"
  size_gb    = 20
  cluster_id = %q
}

resource "novita_registry_credential" "pull" {
  name        = %q # unique per run: the client finds a new credential's id by name
  username    = "robot"
  password_wo = "registry-secret"
}
`, cluster, accName("private-registry")) + env.endpointHCL(t, "test", map[string]string{
		"cluster_id":             "novita_cloud_storage.models.cluster_id",
		"registry_credential_id": "novita_registry_credential.pull.id",
		"volume_mounts":          `[{ type = "network", cloud_storage_id = novita_cloud_storage.models.id, mount_path = "/models" }]`,
	}))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeTestCheckFunc(checkEndpointsDestroyed(env), checkStoragesDestroyed(env), checkCredentialsDestroyed(env), func(*terraform.State) error {
			if env.Emu == nil {
				return nil // only the emulator counts the requests it served
			}
			for _, p := range []string{"/gpu-instance/openapi/v1/networkstorage/delete", "/gpu-instance/openapi/v1/repository/auth/delete"} {
				if n := env.Emu.Requests(p); n != 1 {
					return fmt.Errorf("%s was called %d times, want once (deleted before the endpoint was gone?)", p, n)
				}
			}
			return nil
		}),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("state"), knownvalue.StringExact("running")),
			},
			Check: resource.ComposeTestCheckFunc(
				checkAPIEndpoint(env, addr, func(ep *client.Endpoint) error {
					if ep.RegistryAuthID == "" || len(ep.Volumes) != 1 || ep.Volumes[0].ID == "" {
						return fmt.Errorf("endpoint does not use the credential and storage: image %+v, mounts %+v", ep.Image, ep.Volumes)
					}
					return nil
				}),
				resource.TestCheckResourceAttrPair(addr, "registry_credential_id", "novita_registry_credential.pull", "id"),
				resource.TestCheckResourceAttrPair(addr, "volume_mounts.0.cloud_storage_id", "novita_cloud_storage.models", "id"),
			),
		}},
	})
}

// TestFailedStateWarning: a plan over an endpoint left failed warns with Novita's message and the
// ways out, whatever else the plan holds; any other state stays quiet.
func TestFailedStateWarning(t *testing.T) {
	prior := testEndpointModel(t)
	prior.ID = types.StringValue("ep-1")
	prior.State = types.StringValue("failed")
	prior.StateMessage = types.StringValue("image pull failed: not found")
	diags := failedStateWarning(prior)
	if diags.WarningsCount() != 1 || diags.HasError() {
		t.Fatalf("diagnostics = %v, want one warning", diags)
	}
	detail := diags[0].Detail()
	for _, want := range []string{"ep-1", "image pull failed: not found", "apply again", "-replace=", "taint"} {
		if !strings.Contains(detail, want) {
			t.Errorf("warning detail %q does not mention %q", detail, want)
		}
	}
	for _, state := range []string{"serving", "updating", ""} {
		prior.State = types.StringValue(state)
		if d := failedStateWarning(prior); len(d) != 0 {
			t.Errorf("state %q: diagnostics = %v, want none", state, d)
		}
	}
}

// TestAccEndpointResource_importWithoutEnvNamesWhatGoes: a configuration that sets no variables
// for an imported endpoint (as terraform plan -generate-config-out writes it) plans their removal
// visibly: env_keys goes from the live names to [], so the plan is not mistaken for an adoption.
func TestAccEndpointResource_importWithoutEnvNamesWhatGoes(t *testing.T) {
	env := newTestEnv(t)
	const addr = "novita_endpoint.imported"
	spec := env.endpointSpec(t, testEndpoint{maxWorkers: 1, env: map[string]string{"BUCKET_NAME": "images", "HF_TOKEN": "hf_secret"}})
	id := env.createEndpoint(t, spec)
	if _, err := env.api.WaitForEndpointServing(t.Context(), id); err != nil {
		t.Fatalf("waiting for endpoint %s: %v", id, err)
	}
	cfg := env.config(fmt.Sprintf(`
import {
  to = novita_endpoint.imported
  id = %q
}
`, id) + env.endpointHCL(t, "imported", map[string]string{
		"name": `"acc-arranged"`, "port": "8188", "scaling_policy": `{ type = "concurrency", value = 1 }`,
		"image": strconv.Quote(spec.Image), "max_workers": "1",
	}))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkEndpointsDestroyed(env),
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("env_keys"), knownvalue.ListExact([]knownvalue.Check{})),
				},
			},
			Check: checkAPIEndpoint(env, addr, func(ep *client.Endpoint) error {
				if len(ep.Envs) != 0 {
					return fmt.Errorf("the endpoint still has %v; the plan said it removes them", ep.Envs)
				}
				return nil
			}),
		}},
	})
}

// TestAccEndpointResource_refusedKeyFailsThePlan: a key Novita refuses fails the plan (not only
// the apply), naming api_key, NOVITA_API_KEY and the base URL.
func TestAccEndpointResource_refusedKeyFailsThePlan(t *testing.T) {
	env := newTestEnv(t)
	env.requireEmulator(t, "points the provider at the emulator with a wrong key")
	wrong := strings.Replace(env.providerConfig, emulator.DefaultAPIKey, "sk_wrong_key_for_test", 1)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      wrong + env.endpointHCL(t, "test", map[string]string{"product_id": `"SL-serverless-1"`}),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Novita Refused the API Key.*127\.0\.0\.1.*base_url in the provider block.*401.*NOVITA_API_KEY`),
		}},
	})
}
