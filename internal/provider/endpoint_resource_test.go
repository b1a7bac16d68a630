package provider

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
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
			{ID: "SL-serverless-1", Name: "RTX 4090 24GB", Regions: []string{"us-dallas-1", "eu-frankfurt-1"}},
			{ID: "SL-serverless-3", Name: "RTX 5090 32GB", Regions: []string{"us-dallas-1", "ap-singapore-1"}},
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
		{"unknown cuda version", func(m *endpointResourceModel) { m.CudaVersion = types.StringValue("10.0") }, "cuda_version", []string{`"10.0"`, "11.8, 12.4"}},
		{"unknown cluster", func(m *endpointResourceModel) { m.ClusterID = types.StringValue("mars-1") }, "cluster_id", []string{`"mars-1"`, "us-dallas-1"}},
		{"product not in cluster", func(m *endpointResourceModel) { m.ClusterID = types.StringValue("ap-singapore-1") }, "cluster_id", []string{"not offered", "us-dallas-1, eu-frankfurt-1"}},
		{"cluster without network storage", func(m *endpointResourceModel) {
			m.ProductID = types.StringValue("SL-serverless-3")
			m.ClusterID = types.StringValue("ap-singapore-1")
			m.VolumeMounts = mountsValue(t, network)
		}, "cluster_id", []string{"does not support network storage", "us-dallas-1, eu-frankfurt-1"}},
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
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := testEndpointModel(t)
			m.ClusterID = types.StringNull() // config: not set
			tc.edit(&m)
			wantOneError(t, validateEndpointConfig(ctx, m), tc.path, tc.fragments...)
		})
	}

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

// msgRe matches an error message however Terraform wraps its lines.
func endpointMsgRe(words string) *regexp.Regexp {
	parts := strings.Fields(words)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile(strings.Join(parts, `\s+`))
}

// endpointHCL is a small async endpoint. set overrides or adds arguments (name -> HCL value);
// an empty value removes a default.
func endpointHCL(name string, set map[string]string) string {
	args := map[string]string{
		"product_id":     `"SL-serverless-1"`,
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

// stateID reads a resource's id from the test state.
func endpointStateID(s *terraform.State, addr string) (string, error) {
	rs, ok := s.RootModule().Resources[addr]
	if !ok || rs.Primary == nil || rs.Primary.ID == "" {
		return "", fmt.Errorf("%s is not in state", addr)
	}
	return rs.Primary.ID, nil
}

// checkEmuEndpoint asserts on the emulator's copy of the endpoint in state at addr.
func checkEmuEndpoint(env *testEnv, addr string, check func(ep emulator.Endpoint) error) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		if env.Emu == nil {
			return nil
		}
		id, err := endpointStateID(s, addr)
		if err != nil {
			return err
		}
		ep, ok := env.Emu.Endpoint(id)
		if !ok {
			return fmt.Errorf("endpoint %s does not exist in the emulator", id)
		}
		return check(ep)
	}
}

// checkEndpointsDestroyed is a CheckDestroy asking the emulator (or the live API) that every
// endpoint of the state is gone.
func checkEndpointsDestroyed(env *testEnv) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "novita_endpoint" {
				continue
			}
			if env.Emu != nil {
				if _, ok := env.Emu.Endpoint(rs.Primary.ID); ok {
					return fmt.Errorf("endpoint %s still exists", rs.Primary.ID)
				}
			}
		}
		return nil
	}
}

func emuEnvMap(ep emulator.Endpoint) map[string]string {
	m := map[string]string{}
	for _, e := range ep.Envs {
		m[e.Key] = e.Value
	}
	return m
}

func TestAccEndpointResource_lifecycle(t *testing.T) {
	env := newTestEnv(t)
	const addr = "novita_endpoint.test"
	sameID := statecheck.CompareValue(compare.ValuesSame())
	newID := statecheck.CompareValue(compare.ValuesDiffer())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkEndpointsDestroyed(env),
		Steps: []resource.TestStep{
			{
				Config: env.config(endpointHCL("test", map[string]string{
					"name":     `"lifecycle"`,
					"app_name": `"lifecycle-a"`,
					"env":      `{ MODE = "a" }`,
				})),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					newID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("state"), knownvalue.StringExact("serving")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("type"), knownvalue.StringExact("async")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("endpoint_name"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]+-lifecycle-a$`))),
					// server-defaulted values are read back
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("system_disk_gb"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("request_timeout"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("cluster_id"), knownvalue.NotNull()),
				},
				Check: checkEmuEndpoint(env, addr, func(ep emulator.Endpoint) error {
					if ep.WorkerConfig.MaxNum != 2 || ep.Policy.Type != "queue" || emuEnvMap(ep)["MODE"] != "a" {
						return fmt.Errorf("emulator endpoint = %+v", ep)
					}
					return nil
				}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				Config: env.config(endpointHCL("test", map[string]string{
					"name":           `"lifecycle"`,
					"app_name":       `"lifecycle-a"`,
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
				Check: checkEmuEndpoint(env, addr, func(ep emulator.Endpoint) error {
					if ep.WorkerConfig.MaxNum != 3 || ep.Policy.Type != "concurrency" || ep.Policy.Value != 2 ||
						emuEnvMap(ep)["MODE"] != "b" || emuEnvMap(ep)["EXTRA"] != "1" {
						return fmt.Errorf("update did not reach the emulator: %+v", ep)
					}
					return nil
				}),
			},
			{
				Config: env.config(endpointHCL("test", map[string]string{
					"name":           `"lifecycle"`,
					"app_name":       `"lifecycle-b"`,
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
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("endpoint_name"), knownvalue.StringRegexp(regexp.MustCompile(`-lifecycle-b$`))),
				},
			},
		},
	})
}
