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
	MinCudaVersion       types.String `tfsdk:"min_cuda_version"`
	MinWorkers           types.Int64  `tfsdk:"min_workers"`
	MaxWorkers           types.Int64  `tfsdk:"max_workers"`
	IdleTimeout          types.Int64  `tfsdk:"idle_timeout"`
	MaxConcurrency       types.Int64  `tfsdk:"max_concurrency"`
	RequestTimeout       types.Int64  `tfsdk:"request_timeout"`
	ScalingPolicy        types.Object `tfsdk:"scaling_policy"`
	Image                types.String `tfsdk:"image"`
	RegistryCredentialID types.String `tfsdk:"registry_credential_id"`
	Command              types.String `tfsdk:"command"`
	Entrypoint           types.String `tfsdk:"entrypoint"`
	Port                 types.Int64  `tfsdk:"port"`
	HealthCheckPath      types.String `tfsdk:"health_check_path"`
	HealthCheckPort      types.Int64  `tfsdk:"health_check_port"`
	SystemDiskGB         types.Int64  `tfsdk:"system_disk_gb"`
	ClusterID            types.String `tfsdk:"cluster_id"`
	VolumeMounts         types.List   `tfsdk:"volume_mounts"`
	State                types.String `tfsdk:"state"`
	StateMessage         types.String `tfsdk:"state_message"`
	URL                  types.String `tfsdk:"url"`
	EndpointName         types.String `tfsdk:"endpoint_name"`
	EnvKeys              types.List   `tfsdk:"env_keys"` // names only, never values
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
	CreatedAt types.Int64 `tfsdk:"created_at"`
	Workers   types.List  `tfsdk:"workers"`
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
		"id":     types.StringType,
		"status": types.StringType,
		"health": types.BoolType,
		"drain":  types.BoolType,
		"log":    types.StringType,
	}
)

// ---- Terraform -> API ----

// toSpec builds the API's create body from a plan whose values are all known (as at apply).
// woEnv holds the write-only secret variables, read from the configuration. Server-defaulted
// values still unknown on create are left out, so the API picks them.
func (m endpointResourceModel) toSpec(ctx context.Context, woEnv map[string]string) (client.EndpointSpec, diag.Diagnostics) {
	cfg, diags := m.toConfig(ctx, woEnv)
	return client.EndpointSpec{Type: m.Type.ValueString(), AppName: m.AppName.ValueString(), EndpointConfig: cfg}, diags
}

// toConfig builds the configuration that create and update (PUT, sent in full) share. The
// mapping from attribute names to v2 fields lives here and in fromAPI only: min_workers ->
// min_replicas, max_concurrency -> max_concurrent_per_worker, gpu_count -> gpu_num,
// system_disk_gb -> rootfs_size_gb, registry_credential_id -> registry_auth_id, port -> ports[0],
// cluster_id -> region_id (Novita's v1 cluster ids are its v2 region ids [decided]).
func (m endpointResourceModel) toConfig(ctx context.Context, woEnv map[string]string) (client.EndpointConfig, diag.Diagnostics) {
	var diags diag.Diagnostics
	cfg := client.EndpointConfig{
		Name:           m.Name.ValueString(),
		ProductID:      m.ProductID.ValueString(),
		Image:          m.Image.ValueString(),
		RegistryAuthID: m.RegistryCredentialID.ValueString(),
		Entrypoint:     m.Entrypoint.ValueString(),
		Command:        m.Command.ValueString(),
		WorkerConfig: client.WorkerConfig{
			MinReplicas:            client.Int(m.MinWorkers.ValueInt64()),
			MaxReplicas:            client.Int(m.MaxWorkers.ValueInt64()),
			IdleTimeout:            client.Int(m.IdleTimeout.ValueInt64()),
			MaxConcurrentPerWorker: client.Int(m.MaxConcurrency.ValueInt64()),
			GPUNum:                 client.Int(m.GPUCount.ValueInt64()),
			RootfsSizeGB:           client.Int(m.SystemDiskGB.ValueInt64()),
			MinCudaVersion:         m.MinCudaVersion.ValueString(),
			RequestTimeout:         client.Int(m.RequestTimeout.ValueInt64()),
		},
		Ports:    []client.Int{client.Int(m.Port.ValueInt64())},
		Volumes:  []client.Volume{},
		RegionID: m.ClusterID.ValueString(),
	}
	if p, d := m.scalingPolicy(ctx); d.HasError() {
		diags.Append(d...)
	} else if p != nil {
		cfg.Policy = client.Policy{Type: p.Type.ValueString(), Value: client.Int(p.Value.ValueInt64())}
	}
	mounts, d := m.volumeMounts(ctx)
	diags.Append(d...)
	for _, vm := range mounts {
		cfg.Volumes = append(cfg.Volumes, client.Volume{
			ID:         vm.CloudStorageID.ValueString(),
			Type:       vm.Type.ValueString(),
			Size:       client.Int(vm.SizeGB.ValueInt64()),
			MountPoint: vm.MountPath.ValueString(),
		})
	}
	if known(m.HealthCheckPath) {
		port := m.HealthCheckPort
		if !known(port) {
			port = m.Port
		}
		cfg.HealthCheck = &client.HealthCheck{Path: m.HealthCheckPath.ValueString(), Port: client.Int(port.ValueInt64())}
	}

	plain, d := stringMap(ctx, m.Env)
	diags.Append(d...)
	secret, d := stringMap(ctx, m.SecretEnv)
	diags.Append(d...)
	cfg.Envs = envList(plain, secret, woEnv)
	return cfg, diags
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
	if !known(a.ScalingPolicy) {
		return nil, nil
	}
	var p scalingPolicyModel
	diags := a.ScalingPolicy.As(ctx, &p, basetypes.ObjectAsOptions{})
	return &p, diags
}

// volumeMounts decodes the volume_mounts list; nil when it is null or unknown.
func (a endpointAttrs) volumeMounts(ctx context.Context) ([]volumeMountModel, diag.Diagnostics) {
	if !known(a.VolumeMounts) {
		return nil, nil
	}
	var mounts []volumeMountModel
	diags := a.VolumeMounts.ElementsAs(ctx, &mounts, false)
	return mounts, diags
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
	} else if !known(a.Type) {
		a.Type = types.StringValue(client.EndpointAsync) // list items carry no type; async is the default
	}
	a.ProductID = types.StringValue(e.ProductID)
	wc := e.WorkerConfig
	a.GPUCount = types.Int64Value(int64(wc.GPUNum))
	a.MinCudaVersion = optionalString(wc.MinCudaVersion, a.MinCudaVersion)
	a.MinWorkers = types.Int64Value(int64(wc.MinReplicas))
	a.MaxWorkers = types.Int64Value(int64(wc.MaxReplicas))
	a.IdleTimeout = types.Int64Value(int64(wc.IdleTimeout))
	a.MaxConcurrency = types.Int64Value(int64(wc.MaxConcurrentPerWorker))
	a.RequestTimeout = optionalInt(wc.RequestTimeout, a.RequestTimeout)
	a.SystemDiskGB = optionalInt(wc.RootfsSizeGB, a.SystemDiskGB)

	policy, d := types.ObjectValue(scalingPolicyAttrTypes, map[string]attr.Value{
		"type":  types.StringValue(e.Policy.Type),
		"value": types.Int64Value(int64(e.Policy.Value)),
	})
	diags.Append(d...)
	a.ScalingPolicy = policy

	a.Image = types.StringValue(e.Image)
	a.RegistryCredentialID = optionalString(e.RegistryAuthID, a.RegistryCredentialID)
	a.Command = optionalString(e.Command, a.Command)
	a.Entrypoint = optionalString(e.Entrypoint, a.Entrypoint)
	a.Port = types.Int64Null()
	if len(e.Ports) > 0 {
		a.Port = types.Int64Value(int64(e.Ports[0]))
	}
	healthPath, healthPort := "", a.Port
	if hc := e.HealthCheck; hc != nil {
		healthPath = hc.Path
		if hc.Port != 0 {
			healthPort = types.Int64Value(int64(hc.Port))
		}
	}
	a.HealthCheckPath = optionalString(healthPath, a.HealthCheckPath)
	a.HealthCheckPort = healthPort
	a.ClusterID = optionalString(e.RegionID, a.ClusterID)

	mounts, d := volumeMountsFromAPI(e.Volumes, a.VolumeMounts)
	diags.Append(d...)
	a.VolumeMounts = mounts

	a.State = types.StringValue(e.Status.Status)
	msg := e.Status.Message
	if msg == "" {
		msg = e.Status.Error
	}
	a.StateMessage = types.StringValue(msg)
	a.URL = types.StringValue(e.URL)
	jobName := e.JobName
	if jobName == "" {
		jobName = client.JobName(a.ID.ValueString(), e.AppName)
	}
	a.EndpointName = types.StringValue(jobName)
	a.EnvKeys, d = envKeysValue(envMapOf(e.Envs))
	diags.Append(d...)
	return diags
}

// volumeMountsFromAPI maps the API's volumes. A network mount's size is the storage's and not
// configurable, so it is left null; an empty list stays null when the user had none. v2's GET
// example shows no size on volumes (the list's does): a local volume answered without one keeps
// the size the prior state had at the same mount point.
func volumeMountsFromAPI(in []client.Volume, prior types.List) (types.List, diag.Diagnostics) {
	elemType := types.ObjectType{AttrTypes: volumeMountAttrTypes}
	if len(in) == 0 && !known(prior) {
		return types.ListNull(elemType), nil
	}
	var diags diag.Diagnostics
	priorSize := map[string]types.Int64{}
	if known(prior) {
		var mounts []volumeMountModel
		diags.Append(prior.ElementsAs(context.Background(), &mounts, false)...)
		for _, m := range mounts {
			priorSize[m.MountPath.ValueString()] = m.SizeGB
		}
	}
	elems := []attr.Value{}
	for _, vm := range in {
		v := map[string]attr.Value{
			"type":             types.StringValue(vm.Type),
			"cloud_storage_id": types.StringNull(),
			"size_gb":          types.Int64Null(),
			"mount_path":       types.StringValue(vm.MountPoint),
		}
		switch {
		case vm.Type == mountNetwork:
			v["cloud_storage_id"] = types.StringValue(vm.ID)
		case vm.Size != 0:
			v["size_gb"] = types.Int64Value(int64(vm.Size))
		case known(priorSize[vm.MountPoint]):
			v["size_gb"] = priorSize[vm.MountPoint]
		}
		obj, d := types.ObjectValue(volumeMountAttrTypes, v)
		diags.Append(d...)
		elems = append(elems, obj)
	}
	list, d := types.ListValue(elemType, elems)
	diags.Append(d...)
	return list, diags
}

// fromAPI overwrites the resource model with the endpoint, keeping the provider-side settings
// and filling their defaults when they are null (after import). woKeys are the names recorded
// from secret_env_wo, nil for an imported endpoint not adopted yet (see envFromAPI).
func (m *endpointResourceModel) fromAPI(ctx context.Context, e *client.Endpoint, woKeys map[string]bool) diag.Diagnostics {
	diags := m.endpointAttrs.fromAPI(e)
	diags.Append(m.envFromAPI(ctx, e.Envs, woKeys)...)
	if !known(m.WaitForReady) {
		m.WaitForReady = types.BoolValue(defaultWaitForReady)
	}
	if !known(m.DeletionProtection) {
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
	m.CreatedAt = types.Int64Value(int64(e.CreatedAt))
	workers := []attr.Value{}
	for _, w := range e.Workers {
		obj, d := types.ObjectValue(workerAttrTypes, map[string]attr.Value{
			"id":     types.StringValue(w.ID),
			"status": types.StringValue(w.Status.Status),
			"health": types.BoolValue(w.Health),
			"drain":  types.BoolValue(w.Drain),
			"log":    types.StringValue(w.Log),
		})
		diags.Append(d...)
		workers = append(workers, obj)
	}
	wl, d := types.ListValue(types.ObjectType{AttrTypes: workerAttrTypes}, workers)
	diags.Append(d...)
	m.Workers = wl
	return diags
}

// nullUnknowns replaces the values still unknown after create (computed ones the API has not
// reported yet) with null, so that the id can be saved before waiting.
func (m *endpointResourceModel) nullUnknowns() {
	for _, s := range []*types.String{&m.Name, &m.AppName, &m.MinCudaVersion, &m.ClusterID, &m.State, &m.StateMessage, &m.URL, &m.EndpointName, &m.HealthCheckPath, &m.Command, &m.Entrypoint, &m.RegistryCredentialID} {
		if s.IsUnknown() {
			*s = types.StringNull()
		}
	}
	for _, i := range []*types.Int64{&m.RequestTimeout, &m.SystemDiskGB, &m.SecretEnvWOVersion, &m.HealthCheckPort} {
		if i.IsUnknown() {
			*i = types.Int64Null()
		}
	}
	if m.EnvKeys.IsUnknown() {
		m.EnvKeys = types.ListNull(types.StringType)
	}
}
