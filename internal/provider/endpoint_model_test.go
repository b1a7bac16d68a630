package provider

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

// testEndpointModel is a fully known plan as Terraform hands it to Create.
func testEndpointModel(t *testing.T) endpointResourceModel {
	t.Helper()
	m := endpointResourceModel{
		endpointAttrs: endpointAttrs{
			ID:                   types.StringUnknown(),
			Name:                 types.StringValue("comfy"),
			AppName:              types.StringValue("comfy-app"),
			Type:                 types.StringValue("async"),
			ProductID:            types.StringValue("SL-serverless-1"),
			GPUCount:             types.Int64Value(1),
			MinCudaVersion:       types.StringUnknown(),
			MinWorkers:           types.Int64Value(0),
			MaxWorkers:           types.Int64Value(3),
			IdleTimeout:          types.Int64Value(60),
			MaxConcurrency:       types.Int64Value(1),
			RequestTimeout:       types.Int64Unknown(),
			ScalingPolicy:        policyValue(t, "concurrency", 1),
			Image:                types.StringValue("novitalabs/comfyui-worker:v0.0.1"),
			RegistryCredentialID: types.StringNull(),
			Command:              types.StringNull(),
			Entrypoint:           types.StringNull(),
			Port:                 types.Int64Value(8080),
			HealthCheckPath:      types.StringValue("/health"),
			HealthCheckPort:      types.Int64Value(8080),
			SystemDiskGB:         types.Int64Unknown(),
			ClusterID:            types.StringUnknown(),
			VolumeMounts: mountsValue(t,
				volumeMountModel{Type: types.StringValue("local"), CloudStorageID: types.StringNull(), SizeGB: types.Int64Value(20), MountPath: types.StringValue("/cache")},
			),
			State:        types.StringUnknown(),
			StateMessage: types.StringUnknown(),
			URL:          types.StringUnknown(),
			EndpointName: types.StringUnknown(),
			EnvKeys:      types.ListUnknown(types.StringType),
		},
		Env:                mapValue(t, map[string]string{"BUCKET_NAME": "images", "BUCKET_ENDPOINT_URL": "https://s3.us-east-1.amazonaws.com"}),
		SecretEnv:          mapValue(t, map[string]string{"BUCKET_ACCESS_KEY_ID": "AKIA"}),
		SecretEnvWO:        types.MapNull(types.StringType),
		SecretEnvWOVersion: types.Int64Null(),
		WaitForReady:       types.BoolValue(true),
		DeletionProtection: types.BoolValue(false),
	}
	m.Timeouts.Object = types.ObjectNull(map[string]attr.Type{"create": types.StringType, "update": types.StringType, "delete": types.StringType})
	return m
}

func policyValue(t *testing.T, typ string, v int64) types.Object {
	t.Helper()
	o, d := types.ObjectValue(scalingPolicyAttrTypes, map[string]attr.Value{"type": types.StringValue(typ), "value": types.Int64Value(v)})
	if d.HasError() {
		t.Fatal(d)
	}
	return o
}

func mountsValue(t *testing.T, mounts ...volumeMountModel) types.List {
	t.Helper()
	l, d := types.ListValueFrom(context.Background(), types.ObjectType{AttrTypes: volumeMountAttrTypes}, mounts)
	if d.HasError() {
		t.Fatal(d)
	}
	return l
}

func mapValue(t *testing.T, m map[string]string) types.Map {
	t.Helper()
	v, d := types.MapValueFrom(context.Background(), types.StringType, m)
	if d.HasError() {
		t.Fatal(d)
	}
	return v
}

func TestEndpointToSpec_MapsEveryFieldAndMergesEnvs(t *testing.T) {
	ctx := context.Background()
	m := testEndpointModel(t)
	spec, d := m.toSpec(ctx, map[string]string{"BUCKET_SECRET_ACCESS_KEY": "s3cr3t"})
	if d.HasError() {
		t.Fatal(d)
	}
	want := client.EndpointSpec{
		Type:    "async",
		AppName: "comfy-app",
		EndpointConfig: client.EndpointConfig{
			Name:      "comfy",
			ProductID: "SL-serverless-1",
			Image:     "novitalabs/comfyui-worker:v0.0.1",
			WorkerConfig: client.WorkerConfig{
				MinReplicas: 0, MaxReplicas: 3, IdleTimeout: 60, MaxConcurrentPerWorker: 1, GPUNum: 1,
				// unknown on create: left for the API to default
				RequestTimeout: 0, MinCudaVersion: "", RootfsSizeGB: 0,
			},
			Ports:   []client.Int{8080},
			Policy:  client.Policy{Type: "concurrency", Value: 1},
			Volumes: []client.Volume{{Type: "local", Size: 20, MountPoint: "/cache"}},
			Envs: []client.Env{
				{Key: "BUCKET_ACCESS_KEY_ID", Value: "AKIA"},
				{Key: "BUCKET_ENDPOINT_URL", Value: "https://s3.us-east-1.amazonaws.com"},
				{Key: "BUCKET_NAME", Value: "images"},
				{Key: "BUCKET_SECRET_ACCESS_KEY", Value: "s3cr3t"},
			},
			HealthCheck: &client.HealthCheck{Path: "/health", Port: 8080},
		},
	}
	if !reflect.DeepEqual(spec, want) {
		t.Fatalf("toSpec:\n got %+v\nwant %+v", spec, want)
	}
}

func TestEndpointToSpec_EmptyListsAreSentNotNull(t *testing.T) {
	m := testEndpointModel(t)
	m.VolumeMounts = types.ListNull(types.ObjectType{AttrTypes: volumeMountAttrTypes})
	m.Env, m.SecretEnv = types.MapNull(types.StringType), types.MapNull(types.StringType)
	m.HealthCheckPath = types.StringNull()
	spec, d := m.toSpec(context.Background(), nil)
	if d.HasError() {
		t.Fatal(d)
	}
	// The update API wants the full configuration: "no mounts" must be [] so that it clears them.
	b, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	_ = json.Unmarshal(b, &raw)
	if mounts, ok := raw["volumes"].([]any); !ok || len(mounts) != 0 {
		t.Errorf("volumes = %#v, want []", raw["volumes"])
	}
	if envs, ok := raw["envs"].([]any); !ok || len(envs) != 0 {
		t.Errorf("envs = %#v, want []", raw["envs"])
	}
	if _, sent := raw["health_check"]; sent {
		t.Errorf("health_check = %+v, want omitted", raw["health_check"])
	}
	for _, key := range []string{"type", "name", "product_id", "image", "registry_auth_id", "entrypoint", "command", "worker_config", "policy", "ports"} {
		if _, sent := raw[key]; !sent {
			t.Errorf("%s is not sent; the v2 body must carry it in full", key)
		}
	}
}

// apiEndpoint decodes an endpoint the way the client does, from JSON with string numbers.
func apiEndpoint(t *testing.T) *client.Endpoint {
	js := testEndpointJSON
	t.Helper()
	var e client.Endpoint
	if err := json.Unmarshal([]byte(js), &e); err != nil {
		t.Fatalf("decoding the endpoint: %v", err)
	}
	return &e
}

// testEndpointJSON is a v2 GET answer in the documented shape, with a number as a string.
const testEndpointJSON = `{
  "id": "0123456789abcdef", "type": "async", "name": "comfy", "app_name": "comfy-app",
  "status": {"status": "running", "error": "", "message": ""},
  "url": "https://0123456789abcdef.async.example", "product_id": "SL-serverless-1",
  "worker_config": {"min_replicas": 0, "max_replicas": 3, "idle_timeout": "60", "max_concurrent_per_worker": 1,
                    "gpu_num": 1, "rootfs_size_gb": 100, "min_cuda_version": "12.4", "request_timeout": 3600},
  "policy": {"type": "concurrency", "value": 1},
  "image": "novitalabs/comfyui-worker:v0.0.1", "registry_auth_id": "", "entrypoint": "", "command": "",
  "volumes": [{"id": "", "type": "local", "size": 20, "mount_point": "/cache"},
              {"id": "st-1", "type": "network", "mount_point": "/models"}],
  "envs": [{"key": "BUCKET_NAME", "value": "images"}, {"key": "BUCKET_ACCESS_KEY_ID", "value": "AKIA"},
           {"key": "BUCKET_SECRET_ACCESS_KEY", "value": "s3cr3t"}, {"key": "ADDED_BY_HAND", "value": "x"}],
  "ports": [8080],
  "workers": [{"id": "w1", "status": {"status": "ready", "error": "", "message": ""}, "log": "https://logs.example/w1", "health": true, "drain": false}],
  "health_check": {"path": "/health", "port": 8081},
  "region_id": "us-dallas-1", "member_id": "m-1", "owner_id": "550e8400-e29b-41d4-a716-446655440000", "created_at": 1710000000
}`

func TestEndpointFromAPI_MapsEveryFieldAndSplitsEnvs(t *testing.T) {
	ctx := context.Background()
	e := apiEndpoint(t)
	m := testEndpointModel(t) // the plan is the prior: it says which keys are secret
	m.SecretEnvWOVersion = types.Int64Value(1)
	if d := m.fromAPI(ctx, e, map[string]bool{"BUCKET_SECRET_ACCESS_KEY": true}); d.HasError() {
		t.Fatal(d)
	}

	checks := map[string][2]attr.Value{
		"id":              {m.ID, types.StringValue("0123456789abcdef")},
		"app_name":        {m.AppName, types.StringValue("comfy-app")},
		"min_cuda_ver":    {m.MinCudaVersion, types.StringValue("12.4")},
		"idle_timeout":    {m.IdleTimeout, types.Int64Value(60)},
		"max_concurrency": {m.MaxConcurrency, types.Int64Value(1)},
		"request_timeout": {m.RequestTimeout, types.Int64Value(3600)},
		"port":            {m.Port, types.Int64Value(8080)},
		"system_disk_gb":  {m.SystemDiskGB, types.Int64Value(100)},
		"cluster_id":      {m.ClusterID, types.StringValue("us-dallas-1")},
		"registry_cred":   {m.RegistryCredentialID, types.StringNull()},
		"command":         {m.Command, types.StringNull()},
		"health":          {m.HealthCheckPath, types.StringValue("/health")},
		"health_port":     {m.HealthCheckPort, types.Int64Value(8081)},
		"entrypoint":      {m.Entrypoint, types.StringNull()},
		"product_id":      {m.ProductID, types.StringValue("SL-serverless-1")},
		"state":           {m.State, types.StringValue("running")},
		"url":             {m.URL, types.StringValue("https://0123456789abcdef.async.example")},
		"endpoint_name":   {m.EndpointName, types.StringValue("0123456789abcdef-comfy-app")},
		"policy":          {m.ScalingPolicy, policyValue(t, "concurrency", 1)},
		"env":             {m.Env, mapValue(t, map[string]string{"BUCKET_NAME": "images", "ADDED_BY_HAND": "x"})},
		"secret_env":      {m.SecretEnv, mapValue(t, map[string]string{"BUCKET_ACCESS_KEY_ID": "AKIA"})},
		"secret_env_wo":   {m.SecretEnvWO, types.MapNull(types.StringType)},
		"wo_version":      {m.SecretEnvWOVersion, types.Int64Value(1)},
		"volume_mounts": {m.VolumeMounts, mountsValue(t,
			volumeMountModel{Type: types.StringValue("local"), CloudStorageID: types.StringNull(), SizeGB: types.Int64Value(20), MountPath: types.StringValue("/cache")},
			volumeMountModel{Type: types.StringValue("network"), CloudStorageID: types.StringValue("st-1"), SizeGB: types.Int64Null(), MountPath: types.StringValue("/models")},
		)},
	}
	for name, c := range checks {
		if !c[0].Equal(c[1]) {
			t.Errorf("%s = %s, want %s", name, c[0], c[1])
		}
	}
}

func TestEndpointFromAPI_ImportDefaultsAndNulls(t *testing.T) {
	ctx := context.Background()
	e := apiEndpoint(t)
	e.Volumes = nil
	e.Name = ""
	// After import only the id is known: no variable is read (nothing tells plain, secret and
	// write-only ones apart, and a write-only value must not reach state), provider-side
	// settings get their defaults, and absent optional values stay null.
	m := endpointResourceModel{}
	m.ID = types.StringValue(e.ID)
	if d := m.fromAPI(ctx, e, nil); d.HasError() {
		t.Fatal(d)
	}
	if !m.Env.IsNull() || !m.SecretEnv.IsNull() {
		t.Errorf("env = %s, secret_env = %s; want both null after import", m.Env, m.SecretEnv)
	}
	if !m.WaitForReady.Equal(types.BoolValue(true)) || !m.DeletionProtection.Equal(types.BoolValue(false)) {
		t.Errorf("wait_for_ready = %s, deletion_protection = %s; want defaults true, false", m.WaitForReady, m.DeletionProtection)
	}
	if !m.Name.IsNull() || !m.VolumeMounts.IsNull() {
		t.Errorf("name = %s, volume_mounts = %s; want null when the API has none", m.Name, m.VolumeMounts)
	}
}

func TestEndpointFromAPI_KeepsExplicitEmptyValues(t *testing.T) {
	ctx := context.Background()
	e := apiEndpoint(t)
	e.Name, e.Volumes, e.Envs = "", []client.Volume{}, []client.Env{}
	m := testEndpointModel(t)
	m.Name = types.StringValue("")
	m.VolumeMounts = mountsValue(t, []volumeMountModel{}...)
	m.Env = mapValue(t, map[string]string{})
	if d := m.fromAPI(ctx, e, map[string]bool{}); d.HasError() {
		t.Fatal(d)
	}
	if m.Name.IsNull() || m.VolumeMounts.IsNull() || m.Env.IsNull() {
		t.Errorf("explicit empty values became null: name %s, volume_mounts %s, env %s", m.Name, m.VolumeMounts, m.Env)
	}
	if m.SecretEnv.IsNull() || len(m.SecretEnv.Elements()) != 0 {
		t.Errorf("secret_env = %s, want {}: its key is gone from the API", m.SecretEnv)
	}
}

func TestEndpointDataSourceFromAPI_NamesOnlyAndWorkers(t *testing.T) {
	ctx := context.Background()
	e := apiEndpoint(t)
	var m endpointDataSourceModel
	if d := m.fromAPI(e); d.HasError() {
		t.Fatal(d)
	}
	wantKeys, _ := types.ListValueFrom(ctx, types.StringType, []string{"ADDED_BY_HAND", "BUCKET_ACCESS_KEY_ID", "BUCKET_NAME", "BUCKET_SECRET_ACCESS_KEY"})
	if !m.EnvKeys.Equal(wantKeys) {
		t.Errorf("env_keys = %s, want %s", m.EnvKeys, wantKeys)
	}
	wantWorker, _ := types.ObjectValue(workerAttrTypes, map[string]attr.Value{
		"id": types.StringValue("w1"), "status": types.StringValue("ready"), "health": types.BoolValue(true),
		"drain": types.BoolValue(false), "log": types.StringValue("https://logs.example/w1"),
	})
	if elems := m.Workers.Elements(); len(elems) != 1 || !elems[0].Equal(wantWorker) {
		t.Errorf("workers = %s, want [%s]", m.Workers, wantWorker)
	}
	if m.CreatedAt.ValueInt64() != 1710000000 {
		t.Errorf("created_at = %s, want 1710000000", m.CreatedAt)
	}
	if m.AppName.ValueString() != "comfy-app" || m.MaxWorkers.ValueInt64() != 3 {
		t.Errorf("shared attributes not mapped: app_name %s, max_workers %s", m.AppName, m.MaxWorkers)
	}
}

func TestEndpointNullUnknowns_LeavesStateSavable(t *testing.T) {
	m := testEndpointModel(t)
	m.ID = types.StringValue("abc")
	m.nullUnknowns()
	for name, v := range map[string]attr.Value{
		"min_cuda_version": m.MinCudaVersion, "env_keys": m.EnvKeys, "request_timeout": m.RequestTimeout, "system_disk_gb": m.SystemDiskGB,
		"cluster_id": m.ClusterID, "state": m.State, "url": m.URL, "endpoint_name": m.EndpointName,
	} {
		if v.IsUnknown() {
			t.Errorf("%s still unknown", name)
		}
	}
	if m.AppName.ValueString() != "comfy-app" || m.ID.ValueString() != "abc" {
		t.Errorf("known values changed: app_name %s, id %s", m.AppName, m.ID)
	}
}

func TestEndpointFromAPI_UnknownStatusIsKeptVerbatim(t *testing.T) {
	e := apiEndpoint(t)
	e.Status = client.EndpointStatus{Status: "migrating", Message: "moving to another node"}
	var m endpointDataSourceModel
	if d := m.fromAPI(e); d.HasError() {
		t.Fatal(d)
	}
	if m.State.ValueString() != "migrating" || m.StateMessage.ValueString() != "moving to another node" {
		t.Errorf("state = %s (%s), want the API's migrating and its message", m.State, m.StateMessage)
	}
}

func TestEndpointFromAPI_HealthCheckPortDefaultsToPort(t *testing.T) {
	e := apiEndpoint(t)
	e.HealthCheck = &client.HealthCheck{Path: "/health"} // no port in the answer
	var m endpointDataSourceModel
	if d := m.fromAPI(e); d.HasError() {
		t.Fatal(d)
	}
	if m.HealthCheckPort.ValueInt64() != 8080 {
		t.Errorf("health_check_port = %s, want the port 8080", m.HealthCheckPort)
	}
}

func TestDecideImportedEnv(t *testing.T) {
	live := map[string]string{"BUCKET_NAME": "images", "HF_TOKEN": "hf_x"}
	for _, tc := range []struct {
		name       string
		configured map[string]string
		want       importedEnvDecision
	}{
		{"generated config sets nothing", map[string]string{}, importedEnvDecision{Removed: []string{"BUCKET_NAME", "HF_TOKEN"}}},
		{"matching config adopts", map[string]string{"BUCKET_NAME": "images", "HF_TOKEN": "hf_x"}, importedEnvDecision{Adopt: true}},
		{"one left out", map[string]string{"BUCKET_NAME": "images"}, importedEnvDecision{Removed: []string{"HF_TOKEN"}}},
		{"one changed", map[string]string{"BUCKET_NAME": "other", "HF_TOKEN": "hf_x"}, importedEnvDecision{Changed: []string{"BUCKET_NAME"}}},
		{"one added", map[string]string{"BUCKET_NAME": "images", "HF_TOKEN": "hf_x", "NEW": "1"}, importedEnvDecision{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := decideImportedEnv(tc.configured, live); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("decideImportedEnv = %+v, want %+v", got, tc.want)
			}
		})
	}
}
