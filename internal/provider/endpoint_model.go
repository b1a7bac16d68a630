package provider

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

// endpointAttrs are the endpoint attributes the resource and the data source share: everything
// the API returns except the environment variables (which the two expose differently).
type endpointAttrs struct {
	ID                   types.String `tfsdk:"id"`
	Name                 types.String `tfsdk:"name"`
	AppName              types.String `tfsdk:"app_name"`
	Type                 types.String `tfsdk:"type"`
	ProductID            types.String `tfsdk:"product_id"`
	GPUCount             types.Int64  `tfsdk:"gpu_count"`
	CudaVersion          types.String `tfsdk:"cuda_version"`
	MinWorkers           types.Int64  `tfsdk:"min_workers"`
	MaxWorkers           types.Int64  `tfsdk:"max_workers"`
	IdleTimeout          types.Int64  `tfsdk:"idle_timeout"`
	MaxConcurrency       types.Int64  `tfsdk:"max_concurrency"`
	RequestTimeout       types.Int64  `tfsdk:"request_timeout"`
	ScalingPolicy        types.Object `tfsdk:"scaling_policy"`
	Image                types.String `tfsdk:"image"`
	RegistryCredentialID types.String `tfsdk:"registry_credential_id"`
	Command              types.String `tfsdk:"command"`
	Port                 types.Int64  `tfsdk:"port"`
	HealthCheckPath      types.String `tfsdk:"health_check_path"`
	SystemDiskGB         types.Int64  `tfsdk:"system_disk_gb"`
	ClusterID            types.String `tfsdk:"cluster_id"`
	VolumeMounts         types.List   `tfsdk:"volume_mounts"`
	State                types.String `tfsdk:"state"`
	StateMessage         types.String `tfsdk:"state_message"`
	URL                  types.String `tfsdk:"url"`
	EndpointName         types.String `tfsdk:"endpoint_name"`
}

// endpointResourceModel is novita_endpoint's resource state.
type endpointResourceModel struct {
	endpointAttrs
	Env                types.Map      `tfsdk:"env"`
	SecretEnv          types.Map      `tfsdk:"secret_env"`
	SecretEnvWO        types.Map      `tfsdk:"secret_env_wo"` // write-only: null in plan and state
	SecretEnvWOVersion types.Int64    `tfsdk:"secret_env_wo_version"`
	WaitForReady       types.Bool     `tfsdk:"wait_for_ready"`
	DeletionProtection types.Bool     `tfsdk:"deletion_protection"`
	Timeouts           timeouts.Value `tfsdk:"timeouts"`
}

// endpointDataSourceModel is novita_endpoint's data source state.
type endpointDataSourceModel struct {
	endpointAttrs
	EnvKeys types.List `tfsdk:"env_keys"`
	Workers types.List `tfsdk:"workers"`
}

type scalingPolicyModel struct {
	Type  types.String `tfsdk:"type"`
	Value types.Int64  `tfsdk:"value"`
}

type volumeMountModel struct {
	Type           types.String `tfsdk:"type"`
	CloudStorageID types.String `tfsdk:"cloud_storage_id"`
	SizeGB         types.Int64  `tfsdk:"size_gb"`
	MountPath      types.String `tfsdk:"mount_path"`
}

type workerModel struct {
	ID      types.String `tfsdk:"id"`
	State   types.String `tfsdk:"state"`
	Healthy types.Bool   `tfsdk:"healthy"`
}

// Volume mount types.
const (
	mountNetwork = "network"
	mountLocal   = "local"
)

var (
	scalingPolicyAttrTypes = map[string]attr.Type{
		"type":  types.StringType,
		"value": types.Int64Type,
	}
	volumeMountAttrTypes = map[string]attr.Type{
		"type":             types.StringType,
		"cloud_storage_id": types.StringType,
		"size_gb":          types.Int64Type,
		"mount_path":       types.StringType,
	}
	workerAttrTypes = map[string]attr.Type{
		"id":      types.StringType,
		"state":   types.StringType,
		"healthy": types.BoolType,
	}
)

// ---- Terraform -> API ----

// toSpec builds the API's endpoint body from a plan whose values are all known (as at apply).
// woEnv holds the write-only secret variables, read from the configuration. Server-defaulted
// values still unknown on create are left out, so the API picks them.
func (m endpointResourceModel) toSpec(ctx context.Context, woEnv map[string]string) (client.EndpointSpec, diag.Diagnostics) {
	var diags diag.Diagnostics
	spec := client.EndpointSpec{
		Name:    m.Name.ValueString(),
		AppName: m.AppName.ValueString(),
		Type:    m.Type.ValueString(),
		WorkerConfig: client.WorkerConfig{
			MinNum:         client.Int(m.MinWorkers.ValueInt64()),
			MaxNum:         client.Int(m.MaxWorkers.ValueInt64()),
			FreeTimeout:    client.Int(m.IdleTimeout.ValueInt64()),
			MaxConcurrent:  client.Int(m.MaxConcurrency.ValueInt64()),
			GPUNum:         client.Int(m.GPUCount.ValueInt64()),
			RequestTimeout: client.Int(m.RequestTimeout.ValueInt64()),
			CudaVersion:    m.CudaVersion.ValueString(),
		},
		Ports: []client.Port{{Port: client.Int(m.Port.ValueInt64())}},
		Image: client.Image{
			Image:   m.Image.ValueString(),
			AuthID:  m.RegistryCredentialID.ValueString(),
			Command: m.Command.ValueString(),
		},
		Products:     []client.ProductRef{{ID: m.ProductID.ValueString()}},
		RootfsSize:   client.Int(m.SystemDiskGB.ValueInt64()),
		VolumeMounts: []client.VolumeMount{},
		ClusterID:    m.ClusterID.ValueString(),
	}
	if p, d := m.scalingPolicy(ctx); d.HasError() {
		diags.Append(d...)
	} else if p != nil {
		spec.Policy = client.Policy{Type: p.Type.ValueString(), Value: client.Int(p.Value.ValueInt64())}
	}
	mounts, d := m.volumeMounts(ctx)
	diags.Append(d...)
	for _, vm := range mounts {
		spec.VolumeMounts = append(spec.VolumeMounts, client.VolumeMount{
			Type:      vm.Type.ValueString(),
			Size:      client.Int(vm.SizeGB.ValueInt64()),
			ID:        vm.CloudStorageID.ValueString(),
			MountPath: vm.MountPath.ValueString(),
		})
	}
	if !m.HealthCheckPath.IsNull() && !m.HealthCheckPath.IsUnknown() {
		spec.Healthy = &client.HealthCheck{Path: m.HealthCheckPath.ValueString()}
	}

	plain, d := stringMap(ctx, m.Env)
	diags.Append(d...)
	secret, d := stringMap(ctx, m.SecretEnv)
	diags.Append(d...)
	spec.Envs = envList(plain, secret, woEnv)
	return spec, diags
}

// envList merges the variable maps into the API's list, sorted by key so that bodies are stable.
func envList(maps ...map[string]string) []client.Env {
	envs := []client.Env{}
	for _, m := range maps {
		for k, v := range m {
			envs = append(envs, client.Env{Key: k, Value: v})
		}
	}
	sort.Slice(envs, func(i, j int) bool { return envs[i].Key < envs[j].Key })
	return envs
}

// scalingPolicy decodes the scaling_policy object; nil when it is null or unknown.
func (a endpointAttrs) scalingPolicy(ctx context.Context) (*scalingPolicyModel, diag.Diagnostics) {
	if a.ScalingPolicy.IsNull() || a.ScalingPolicy.IsUnknown() {
		return nil, nil
	}
	var p scalingPolicyModel
	diags := a.ScalingPolicy.As(ctx, &p, basetypes.ObjectAsOptions{})
	return &p, diags
}

// volumeMounts decodes the volume_mounts list; nil when it is null or unknown.
func (a endpointAttrs) volumeMounts(ctx context.Context) ([]volumeMountModel, diag.Diagnostics) {
	if a.VolumeMounts.IsNull() || a.VolumeMounts.IsUnknown() {
		return nil, nil
	}
	var mounts []volumeMountModel
	diags := a.VolumeMounts.ElementsAs(ctx, &mounts, false)
	return mounts, diags
}

// stringMap decodes a map(string); nil when it is null or unknown.
func stringMap(ctx context.Context, m types.Map) (map[string]string, diag.Diagnostics) {
	if m.IsNull() || m.IsUnknown() {
		return nil, nil
	}
	out := map[string]string{}
	diags := m.ElementsAs(ctx, &out, false)
	return out, diags
}

// ---- API -> Terraform ----

// fromAPI overwrites a with the endpoint as the API returned it. The values a held before are
// the prior ones: they decide between null and "" (or 0, or an empty list) for optional
// attributes the user left out, and fill in the few fields an API response may omit.
func (a *endpointAttrs) fromAPI(e *client.Endpoint) diag.Diagnostics {
	var diags diag.Diagnostics
	if e.ID != "" {
		a.ID = types.StringValue(e.ID)
	}
	a.Name = optionalString(e.Name, a.Name)
	a.AppName = types.StringValue(e.AppName)
	if e.Type != "" {
		a.Type = types.StringValue(e.Type)
	} else if a.Type.IsNull() || a.Type.IsUnknown() {
		a.Type = types.StringValue("async") // the API's default; older responses omit it
	}
	if len(e.Products) > 0 {
		a.ProductID = types.StringValue(e.Products[0].ID)
	}
	wc := e.WorkerConfig
	a.GPUCount = types.Int64Value(int64(wc.GPUNum))
	a.CudaVersion = optionalString(wc.CudaVersion, a.CudaVersion)
	a.MinWorkers = types.Int64Value(int64(wc.MinNum))
	a.MaxWorkers = types.Int64Value(int64(wc.MaxNum))
	a.IdleTimeout = types.Int64Value(int64(wc.FreeTimeout))
	a.MaxConcurrency = types.Int64Value(int64(wc.MaxConcurrent))
	a.RequestTimeout = optionalInt(wc.RequestTimeout, a.RequestTimeout)

	policy, d := types.ObjectValue(scalingPolicyAttrTypes, map[string]attr.Value{
		"type":  types.StringValue(e.Policy.Type),
		"value": types.Int64Value(int64(e.Policy.Value)),
	})
	diags.Append(d...)
	a.ScalingPolicy = policy

	a.Image = types.StringValue(e.Image.Image)
	a.RegistryCredentialID = optionalString(e.Image.AuthID, a.RegistryCredentialID)
	a.Command = optionalString(e.Image.Command, a.Command)
	if len(e.Ports) > 0 {
		a.Port = types.Int64Value(int64(e.Ports[0].Port))
	} else {
		a.Port = types.Int64Null()
	}
	healthPath := ""
	if e.Healthy != nil {
		healthPath = e.Healthy.Path
	}
	a.HealthCheckPath = optionalString(healthPath, a.HealthCheckPath)
	a.SystemDiskGB = optionalInt(e.RootfsSize, a.SystemDiskGB)
	a.ClusterID = optionalString(e.ClusterID, a.ClusterID)

	mounts, d := volumeMountsFromAPI(e.VolumeMounts, a.VolumeMounts)
	diags.Append(d...)
	a.VolumeMounts = mounts

	a.State = types.StringValue(e.State.State)
	msg := e.State.Message
	if msg == "" {
		msg = e.State.Error
	}
	a.StateMessage = types.StringValue(msg)
	a.URL = types.StringValue(e.URL)
	a.EndpointName = types.StringValue(client.JobName(a.ID.ValueString(), e.AppName))
	return diags
}

// volumeMountsFromAPI maps the API's mounts. A network mount's size is the storage's and not
// configurable, so it is left null; an empty list stays null when the user had none.
func volumeMountsFromAPI(in []client.VolumeMount, prior types.List) (types.List, diag.Diagnostics) {
	elemType := types.ObjectType{AttrTypes: volumeMountAttrTypes}
	if len(in) == 0 && (prior.IsNull() || prior.IsUnknown()) {
		return types.ListNull(elemType), nil
	}
	var diags diag.Diagnostics
	elems := []attr.Value{}
	for _, vm := range in {
		v := map[string]attr.Value{
			"type":             types.StringValue(vm.Type),
			"cloud_storage_id": types.StringNull(),
			"size_gb":          types.Int64Null(),
			"mount_path":       types.StringValue(vm.MountPath),
		}
		if vm.Type == mountNetwork {
			v["cloud_storage_id"] = types.StringValue(vm.ID)
		} else {
			v["size_gb"] = types.Int64Value(int64(vm.Size))
		}
		obj, d := types.ObjectValue(volumeMountAttrTypes, v)
		diags.Append(d...)
		elems = append(elems, obj)
	}
	list, d := types.ListValue(elemType, elems)
	diags.Append(d...)
	return list, diags
}

// envFromAPI sorts the API's single list of variables into the resource's maps: keys that came
// from secret_env_wo (woKeys) are dropped, keys the prior secret_env held stay secret, and
// every other key is a plain variable. Empty maps stay null when the prior map was null.
//
// woKeys is nil only for an imported endpoint whose configuration has not been adopted yet (see
// adoptImportedEnv). Nothing then tells plain, secret and write-only variables apart, and a
// write-only value must never reach state, so env and secret_env stay null until the first plan
// compares the configuration with the live variables.
func (m *endpointResourceModel) envFromAPI(ctx context.Context, envs []client.Env, woKeys map[string]bool) diag.Diagnostics {
	m.SecretEnvWO = types.MapNull(types.StringType)
	if woKeys == nil {
		m.Env, m.SecretEnv = types.MapNull(types.StringType), types.MapNull(types.StringType)
		return nil
	}
	var diags diag.Diagnostics
	priorSecret, d := stringMap(ctx, m.SecretEnv)
	diags.Append(d...)
	plain, secret := map[string]string{}, map[string]string{}
	for _, e := range envs {
		switch {
		case woKeys[e.Key]:
		case hasKey(priorSecret, e.Key):
			secret[e.Key] = e.Value
		default:
			plain[e.Key] = e.Value
		}
	}
	var dd diag.Diagnostics
	m.Env, dd = optionalMap(plain, m.Env)
	diags.Append(dd...)
	m.SecretEnv, dd = optionalMap(secret, m.SecretEnv)
	diags.Append(dd...)
	return diags
}

func hasKey(m map[string]string, k string) bool {
	_, ok := m[k]
	return ok
}

// fromAPI overwrites the resource model with the endpoint, keeping the provider-side settings
// and filling their defaults when they are null (after import). woKeys are the names recorded
// from secret_env_wo, nil for an imported endpoint not adopted yet (see envFromAPI).
func (m *endpointResourceModel) fromAPI(ctx context.Context, e *client.Endpoint, woKeys map[string]bool) diag.Diagnostics {
	diags := m.endpointAttrs.fromAPI(e)
	diags.Append(m.envFromAPI(ctx, e.Envs, woKeys)...)
	if m.WaitForReady.IsNull() || m.WaitForReady.IsUnknown() {
		m.WaitForReady = types.BoolValue(defaultWaitForReady)
	}
	if m.DeletionProtection.IsNull() || m.DeletionProtection.IsUnknown() {
		m.DeletionProtection = types.BoolValue(false)
	}
	if m.SecretEnvWOVersion.IsUnknown() {
		m.SecretEnvWOVersion = types.Int64Null()
	}
	return diags
}

// fromAPI fills the data source model; env_keys carries names only, never values.
func (m *endpointDataSourceModel) fromAPI(e *client.Endpoint) diag.Diagnostics {
	diags := m.endpointAttrs.fromAPI(e)
	keys := []attr.Value{}
	names := make([]string, 0, len(e.Envs))
	for _, env := range e.Envs {
		names = append(names, env.Key)
	}
	sort.Strings(names)
	for _, k := range names {
		keys = append(keys, types.StringValue(k))
	}
	list, d := types.ListValue(types.StringType, keys)
	diags.Append(d...)
	m.EnvKeys = list

	workers := []attr.Value{}
	for _, w := range e.Workers {
		obj, d := types.ObjectValue(workerAttrTypes, map[string]attr.Value{
			"id":      types.StringValue(w.ID),
			"state":   types.StringValue(w.State.State),
			"healthy": types.BoolValue(w.Healthy),
		})
		diags.Append(d...)
		workers = append(workers, obj)
	}
	wl, d := types.ListValue(types.ObjectType{AttrTypes: workerAttrTypes}, workers)
	diags.Append(d...)
	m.Workers = wl
	return diags
}

// optionalString maps an API string to an optional attribute: "" is null unless the user
// had set "" explicitly.
func optionalString(v string, prior types.String) types.String {
	if v == "" && (prior.IsNull() || prior.IsUnknown()) {
		return types.StringNull()
	}
	return types.StringValue(v)
}

// optionalInt maps an API integer to an optional attribute: 0 (absent) is null unless the user
// had set 0 explicitly.
func optionalInt(v client.Int, prior types.Int64) types.Int64 {
	if v == 0 && (prior.IsNull() || prior.IsUnknown()) {
		return types.Int64Null()
	}
	return types.Int64Value(int64(v))
}

// optionalMap maps API variables to an optional map: empty is null unless the prior map was empty.
func optionalMap(v map[string]string, prior types.Map) (types.Map, diag.Diagnostics) {
	if len(v) == 0 && (prior.IsNull() || prior.IsUnknown()) {
		return types.MapNull(types.StringType), nil
	}
	elems := make(map[string]attr.Value, len(v))
	for k, val := range v {
		elems[k] = types.StringValue(val)
	}
	return types.MapValue(types.StringType, elems)
}

// nullUnknowns replaces the values still unknown after create (computed ones the API has not
// reported yet) with null, so that the id can be saved before waiting.
func (m *endpointResourceModel) nullUnknowns() {
	for _, s := range []*types.String{&m.Name, &m.AppName, &m.CudaVersion, &m.ClusterID, &m.State, &m.StateMessage, &m.URL, &m.EndpointName, &m.HealthCheckPath, &m.Command, &m.RegistryCredentialID} {
		if s.IsUnknown() {
			*s = types.StringNull()
		}
	}
	for _, i := range []*types.Int64{&m.RequestTimeout, &m.SystemDiskGB, &m.SecretEnvWOVersion} {
		if i.IsUnknown() {
			*i = types.Int64Null()
		}
	}
}
