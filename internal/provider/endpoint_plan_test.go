package provider

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
)

// Plan time: the checks of ModifyPlan and ValidateConfig, and the plans they fail.
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
		{map[string]string{"product_id": `"no-such-product"`}, `(?s)Unknown GPU Product.*` + regexp.QuoteMeta(env.productID(t))},
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
