package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

var (
	_ resource.Resource                   = &endpointResource{}
	_ resource.ResourceWithConfigure      = &endpointResource{}
	_ resource.ResourceWithImportState    = &endpointResource{}
	_ resource.ResourceWithValidateConfig = &endpointResource{}
	_ resource.ResourceWithModifyPlan     = &endpointResource{}
)

// Defaults of the endpoint resource.
const (
	defaultEndpointCreateTimeout = 30 * time.Minute
	defaultEndpointUpdateTimeout = 30 * time.Minute
	defaultEndpointDeleteTimeout = 20 * time.Minute
	defaultWaitForReady          = true

	// privateKeyWOEnvKeys names the private-state entry holding the KEYS (never the values) that
	// came from secret_env_wo, so that Read can leave them out of state.
	privateKeyWOEnvKeys = "secret_env_wo_keys"
	// privateAdoptedEnv marks, in the planned private state, an imported endpoint whose live
	// variables equal the configured ones: Update then only records env and secret_env.
	privateAdoptedEnv = "imported_env_adopted"
)

// The API's reserved ports and the shapes it accepts.
var (
	reservedPorts  = []int64{2222, 2223, 2224}
	appNamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]*$`)
	envKeyPattern  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	absPathPattern = regexp.MustCompile(`^/`)
)

// NewEndpointResource returns the novita_endpoint resource.
func NewEndpointResource() resource.Resource { return &endpointResource{} }

type endpointResource struct {
	data *providerData
}

func (r *endpointResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_endpoint"
}

func (r *endpointResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, resp.Diagnostics.AddError)
}

func (r *endpointResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	envKeys := mapvalidator.KeysAre(stringvalidator.RegexMatches(envKeyPattern, "must be a variable name: letters, digits and underscores, not starting with a digit"))
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Novita serverless GPU endpoint: a container image that Novita runs on GPU workers, " +
			"scaled between `min_workers` and `max_workers` by its `scaling_policy`. Async endpoints take jobs through " +
			"the job gateway under `endpoint_name` (see `novita_job`).\n\n" +
			"When the provider is configured, plans are checked against the account's live limits (`/endpoint/limit`), " +
			"the GPU product catalogue and the clusters, so an out-of-range value fails the plan rather than the apply.\n\n" +
			"Import by id. The API does not tell plain, secret and write-only variables apart, so an import reads none of them: " +
			"`env` and `secret_env` stay null and no value reaches state. On the first plan the configured `env`, `secret_env` and " +
			"`secret_env_wo` are compared with the endpoint's live variables: when they match, the apply only records `env` and " +
			"`secret_env` in state (no change is sent to Novita); when they differ, the apply updates the endpoint in place with the configured variables.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Endpoint id assigned by Novita.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Display name, at most 220 characters. Updated in place.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtMost(220)},
			},
			"app_name": schema.StringAttribute{
				MarkdownDescription: "Application name: part of the endpoint's URL and of its job name (`endpoint_name`). " +
					"Letters, digits and hyphens, at most 63 characters, unique in the account. Defaults to the endpoint id. " +
					"Changing it replaces the endpoint.",
				Optional: true,
				Computed: true,
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 63),
					stringvalidator.RegexMatches(appNamePattern, "must contain only letters, digits and hyphens, and not start with a hyphen"),
				},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
			"type": schema.StringAttribute{
				MarkdownDescription: "Endpoint type: `async` (jobs through the queue) or `sync`. Default `async`. Changing it replaces the endpoint.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString("async"),
				Validators:          []validator.String{stringvalidator.OneOf("async", "sync")},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"product_id": schema.StringAttribute{
				MarkdownDescription: "Serverless GPU product of the workers, for example `SL-serverless-1` (see the `novita_gpu_products` data source). Changing it replaces the endpoint.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"gpu_count": schema.Int64Attribute{
				MarkdownDescription: "GPUs per worker. Default `1`; the account's limits (`minGPUNum`-`maxGPUNum`) apply. Updated in place.",
				Optional:            true,
				Computed:            true,
				Default:             int64default.StaticInt64(1),
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"cuda_version": schema.StringAttribute{
				MarkdownDescription: "CUDA version of the workers; one of the account limits' `cudaVersionList` (see `novita_endpoint_limits`). Chosen by Novita when unset. Updated in place.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"min_workers": schema.Int64Attribute{
				MarkdownDescription: "Workers kept running even without requests; `0` scales to zero (cold starts). Workers kept running bill while idle. Within the account's `minWorkerNum`-`maxWorkerNum`. Updated in place.",
				Required:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(0)},
			},
			"max_workers": schema.Int64Attribute{
				MarkdownDescription: "Most workers the endpoint scales to; at least `min_workers`, at most the account's `maxWorkerNum`. Updated in place.",
				Required:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(0)},
			},
			"idle_timeout": schema.Int64Attribute{
				MarkdownDescription: "Seconds an idle worker is kept (and billed) before it is released. Within the account's `minFreeTimeout`-`maxFreeTimeout`. Updated in place.",
				Required:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(0)},
			},
			"max_concurrency": schema.Int64Attribute{
				MarkdownDescription: "Requests one worker handles at once. Default `1`; within the account's `minConcurrencyNum`-`maxConcurrencyNum`. Updated in place.",
				Optional:            true,
				Computed:            true,
				Default:             int64default.StaticInt64(1),
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"request_timeout": schema.Int64Attribute{
				MarkdownDescription: "Seconds one request may run. Chosen by Novita when unset; within the account's `minRequestTimeout`-`maxRequestTimeout`. Updated in place.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"scaling_policy": schema.SingleNestedAttribute{
				MarkdownDescription: "How workers scale. Updated in place.",
				Required:            true,
				Attributes: map[string]schema.Attribute{
					"type": schema.StringAttribute{
						MarkdownDescription: "`queue`: scale when requests wait in the queue longer than `value` seconds (limits `minQueueWaitTime`-`maxQueueWaitTime`). " +
							"`concurrency`: scale when queued requests per worker exceed `value` (limits `minRequestNum`-`maxRequestNum`).",
						Required:   true,
						Validators: []validator.String{stringvalidator.OneOf("queue", "concurrency")},
					},
					"value": schema.Int64Attribute{
						MarkdownDescription: "Seconds of queue wait (`queue`) or queued requests per worker (`concurrency`).",
						Required:            true,
						Validators:          []validator.Int64{int64validator.AtLeast(0)},
					},
				},
			},
			"image": schema.StringAttribute{
				MarkdownDescription: "Container image reference, at most 511 characters, for example `novitalabs/comfyui-worker:v0.0.1`. Updated in place.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 511)},
			},
			"registry_credential_id": schema.StringAttribute{
				MarkdownDescription: "Id of a `novita_registry_credential` to pull a private image with. Updated in place.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"command": schema.StringAttribute{
				MarkdownDescription: "Container start command, at most 2047 characters; the image's own when unset. Updated in place.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 2047)},
			},
			"port": schema.Int64Attribute{
				MarkdownDescription: "The worker's HTTP port, 1-65535 except 2222, 2223 and 2224 (reserved by Novita). Updated in place.",
				Required:            true,
				Validators: []validator.Int64{
					int64validator.Between(1, 65535),
					int64validator.NoneOf(reservedPorts...),
				},
			},
			"health_check_path": schema.StringAttribute{
				MarkdownDescription: "HTTP path of the worker's health check, starting with `/`. Updated in place.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.RegexMatches(absPathPattern, "must start with /")},
			},
			"system_disk_gb": schema.Int64Attribute{
				MarkdownDescription: "System disk per worker, GB, within the account's `minRootfsSize`-`maxRootfsSize`. Chosen by Novita when unset (the free size). Changing it replaces the endpoint.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown(), int64planmodifier.RequiresReplace()},
			},
			"cluster_id": schema.StringAttribute{
				MarkdownDescription: "Cluster (region) the workers run in (see `novita_clusters`). Required when a network volume is mounted, and then it must be that storage's cluster, which must support network storage. Chosen by Novita when unset. Updated in place.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"env": schema.MapAttribute{
				MarkdownDescription: "Plain environment variables of the workers. A key may not also appear in `secret_env` or `secret_env_wo`. " +
					"Updated in place. Null after `terraform import` until the first apply of your configuration (see the import note above).",
				ElementType: types.StringType,
				Optional:    true,
				Validators:  []validator.Map{envKeys},
			},
			"secret_env": schema.MapAttribute{
				MarkdownDescription: "Secret environment variables. Kept in state (marked sensitive) so that drift is detected; use `secret_env_wo` to keep a value out of state. Updated in place. " +
					"Null after `terraform import`: the API does not tell secrets apart, so no variable is imported; the first apply of your configuration records it, " +
					"without an API call when the configured variables equal the live ones (see the import note above).",
				ElementType: types.StringType,
				Optional:    true,
				Sensitive:   true,
				Validators:  []validator.Map{envKeys},
			},
			"secret_env_wo": schema.MapAttribute{
				MarkdownDescription: "Write-only secret environment variables (Terraform 1.11 or later): sent to Novita but never stored in the plan or state, so changes to them are not detected. " +
					"Requires `secret_env_wo_version`; change that number to push new values.",
				ElementType: types.StringType,
				Optional:    true,
				WriteOnly:   true,
				Sensitive:   true,
				Validators:  []validator.Map{envKeys},
			},
			"secret_env_wo_version": schema.Int64Attribute{
				MarkdownDescription: "Version of the values in `secret_env_wo`, required with it. Any change updates the endpoint in place, sending the current `secret_env_wo` values.",
				Optional:            true,
			},
			"volume_mounts": schema.ListNestedAttribute{
				MarkdownDescription: "Volumes mounted in every worker. Mount paths must be absolute and unique. Updated in place.",
				Optional:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"type": schema.StringAttribute{
							MarkdownDescription: "`network` (a `novita_cloud_storage`, shared and persistent; needs `cloud_storage_id` and the endpoint's `cluster_id`) or `local` (a per-worker disk of `size_gb`).",
							Required:            true,
							Validators:          []validator.String{stringvalidator.OneOf(mountNetwork, mountLocal)},
						},
						"cloud_storage_id": schema.StringAttribute{
							MarkdownDescription: "Id of the `novita_cloud_storage` to mount; `network` volumes only.",
							Optional:            true,
							Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
						},
						"size_gb": schema.Int64Attribute{
							MarkdownDescription: "Size of a `local` volume, GB, within the account's `minLocalVolumeSize`-`maxLocalVolumeSize`; not set for `network` volumes (their size is the storage's).",
							Optional:            true,
							Validators:          []validator.Int64{int64validator.AtLeast(1)},
						},
						"mount_path": schema.StringAttribute{
							MarkdownDescription: "Absolute path inside the container, for example `/workspace/models`.",
							Required:            true,
							Validators:          []validator.String{stringvalidator.RegexMatches(absPathPattern, "must be an absolute path (start with /)")},
						},
					},
				},
			},
			"wait_for_ready": schema.BoolAttribute{
				MarkdownDescription: "Wait on create and update until the endpoint's state is `serving`, within the timeouts; a deployment that fails fails the apply with Novita's state message. Default `true`. Provider-side only.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(defaultWaitForReady),
			},
			"deletion_protection": schema.BoolAttribute{
				MarkdownDescription: "While `true`, destroying the endpoint fails; set it to `false` and apply first. Default `false`. Provider-side only.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
			},
			"state": schema.StringAttribute{
				MarkdownDescription: "Endpoint state reported by Novita: `serving` when it takes requests; also `creating`, `updating`, `deleting`, `stopped`, `failed`.",
				Computed:            true,
			},
			"state_message": schema.StringAttribute{
				MarkdownDescription: "Novita's message about the state, for example why a deployment failed.",
				Computed:            true,
			},
			"url": schema.StringAttribute{
				MarkdownDescription: "The endpoint's HTTP entry point.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"endpoint_name": schema.StringAttribute{
				MarkdownDescription: "Name of the endpoint on the job gateway and in the `novita-gpus` SDK: `<id>-<app_name>`. Use it in `novita_job` and `novita_endpoint_health`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"timeouts": timeoutsAttribute(ctx, timeouts.Opts{
				Create: true, Update: true, Delete: true,
				CreateDescription: "How long create waits for the endpoint to serve (with `wait_for_ready`), as a duration such as `45m`. Default `" + durationText(defaultEndpointCreateTimeout) + "`.",
				UpdateDescription: "How long an in-place update waits for the endpoint to serve again (with `wait_for_ready`), as a duration such as `45m`. Default `" + durationText(defaultEndpointUpdateTimeout) + "`.",
				DeleteDescription: "How long destroy waits for the endpoint to be gone, as a duration such as `30m`. Default `" + durationText(defaultEndpointDeleteTimeout) + "`.",
			}, "Provider-side time limits of create, update and delete (defaults `"+durationText(defaultEndpointCreateTimeout)+"`, `"+
				durationText(defaultEndpointUpdateTimeout)+"` and `"+durationText(defaultEndpointDeleteTimeout)+"`). A wait that times out leaves the endpoint in state; raise the timeout and apply again."),
		},
	}
}

// ---- plan time ----

func (r *endpointResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg endpointResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(validateEndpointConfig(ctx, cfg)...)
}

// validateEndpointConfig checks the rules that span attributes. Unknown values pass.
func validateEndpointConfig(ctx context.Context, cfg endpointResourceModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if known(cfg.MinWorkers) && known(cfg.MaxWorkers) && cfg.MaxWorkers.ValueInt64() < cfg.MinWorkers.ValueInt64() {
		diags.AddAttributeError(path.Root("max_workers"), "Invalid Worker Range",
			fmt.Sprintf("max_workers (%d) must be at least min_workers (%d).", cfg.MaxWorkers.ValueInt64(), cfg.MinWorkers.ValueInt64()))
	}

	// Volume mounts: shape per type, unique paths, and a cluster for network storage.
	mounts, d := cfg.volumeMounts(ctx)
	diags.Append(d...)
	paths := map[string]int{}
	network := false
	for i, vm := range mounts {
		at := path.Root("volume_mounts").AtListIndex(i)
		switch vm.Type.ValueString() {
		case mountNetwork:
			network = true
			if vm.CloudStorageID.IsNull() {
				diags.AddAttributeError(at.AtName("cloud_storage_id"), "Missing Cloud Storage",
					"A network volume mounts a novita_cloud_storage: set cloud_storage_id.")
			}
			if !vm.SizeGB.IsNull() {
				diags.AddAttributeError(at.AtName("size_gb"), "Size Not Allowed on a Network Volume",
					"A network volume has the size of its cloud storage; remove size_gb (resize the novita_cloud_storage instead).")
			}
		case mountLocal:
			if vm.SizeGB.IsNull() {
				diags.AddAttributeError(at.AtName("size_gb"), "Missing Volume Size", "A local volume needs size_gb.")
			}
			if !vm.CloudStorageID.IsNull() {
				diags.AddAttributeError(at.AtName("cloud_storage_id"), "Cloud Storage Not Allowed on a Local Volume",
					"cloud_storage_id applies to network volumes only: use type = \"network\" or remove it.")
			}
		}
		if known(vm.MountPath) {
			p := vm.MountPath.ValueString()
			if first, dup := paths[p]; dup {
				diags.AddAttributeError(at.AtName("mount_path"), "Duplicate Mount Path",
					fmt.Sprintf("mount_path %q is already used by volume_mounts[%d]; each volume needs its own path.", p, first))
			} else {
				paths[p] = i
			}
		}
	}
	if network && cfg.ClusterID.IsNull() {
		diags.AddAttributeError(path.Root("cluster_id"), "Missing Cluster for Network Volume",
			"An endpoint that mounts a network volume must set cluster_id to that cloud storage's cluster (for example novita_cloud_storage.x.cluster_id).")
	}

	// A variable may come from one map only.
	envMaps := []struct {
		name string
		m    types.Map
	}{{"env", cfg.Env}, {"secret_env", cfg.SecretEnv}, {"secret_env_wo", cfg.SecretEnvWO}}
	seen := map[string]string{}
	for _, em := range envMaps {
		if em.m.IsNull() || em.m.IsUnknown() {
			continue
		}
		keys := make([]string, 0, len(em.m.Elements()))
		for k := range em.m.Elements() {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if other, dup := seen[k]; dup {
				diags.AddAttributeError(path.Root(em.name).AtMapKey(k), "Duplicate Environment Variable",
					fmt.Sprintf("%s is set in both %s and %s; set each variable in one map only.", k, other, em.name))
				continue
			}
			seen[k] = em.name
		}
	}

	if !cfg.SecretEnvWO.IsNull() && cfg.SecretEnvWOVersion.IsNull() {
		diags.AddAttributeError(path.Root("secret_env_wo_version"), "Missing secret_env_wo_version",
			"secret_env_wo is never stored, so Terraform cannot see its changes: set secret_env_wo_version (for example 1) and change it whenever the values change.")
	}
	if cfg.SecretEnvWO.IsNull() && !cfg.SecretEnvWOVersion.IsNull() {
		diags.AddAttributeError(path.Root("secret_env_wo_version"), "secret_env_wo_version Without secret_env_wo",
			"secret_env_wo_version versions the values of secret_env_wo; set secret_env_wo or remove secret_env_wo_version.")
	}
	return diags
}

func (r *endpointResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var plan endpointResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var prior *endpointResourceModel
	if !req.State.Raw.IsNull() {
		prior = &endpointResourceModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, prior)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	resp.Diagnostics.Append(idleWorkersWarning(plan)...)
	if prior != nil {
		resp.Diagnostics.Append(failedStateWarning(*prior)...)
	}
	if r.data == nil {
		return // the provider is not configured (validation only)
	}
	if prior != nil {
		r.adoptImportedEnv(ctx, req, resp, plan)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	cat, err := r.data.catalog(ctx)
	if err != nil {
		resp.Diagnostics.AddWarning("Endpoint Not Checked Against Account Limits",
			"The provider could not read the account's limits, GPU products or clusters, so this plan was not checked against them; the apply will report any value Novita refuses. Error: "+err.Error())
		return
	}
	resp.Diagnostics.Append(checkEndpointPlan(ctx, plan, prior, cat)...)
	if prior == nil || !plan.ClusterID.Equal(prior.ClusterID) || !plan.VolumeMounts.Equal(prior.VolumeMounts) {
		resp.Diagnostics.Append(checkMountedStorage(ctx, plan, func(id string) (*client.CloudStorage, error) {
			return r.data.client.GetCloudStorage(ctx, id)
		})...)
	}
}

// adoptImportedEnv settles the variables of an imported endpoint on its first plan. The import
// left env and secret_env null, because only the configuration says which map each variable
// belongs to (and a secret_env_wo value must never reach state). When the configured env,
// secret_env and secret_env_wo (readable here from the configuration) equal the live variables,
// the plan adopts them: Update records env and secret_env without calling the API. Otherwise
// the plan is a normal update that sends the configured variables.
func (r *endpointResource) adoptImportedEnv(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, plan endpointResourceModel) {
	imported, d := req.Private.GetKey(ctx, privateImported)
	resp.Diagnostics.Append(d...)
	if imported == nil || d.HasError() {
		return
	}
	var wo types.Map
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("secret_env_wo"), &wo)...)
	if resp.Diagnostics.HasError() || plan.Env.IsUnknown() || plan.SecretEnv.IsUnknown() || wo.IsUnknown() || !known(plan.ID) {
		return // not known yet: the update sends whatever the configuration turns out to be
	}
	configured := map[string]string{}
	for _, m := range []types.Map{plan.Env, plan.SecretEnv, wo} {
		values, d := stringMap(ctx, m)
		resp.Diagnostics.Append(d...)
		maps.Copy(configured, values)
	}
	live, err := r.data.client.GetEndpoint(ctx, plan.ID.ValueString())
	if err != nil {
		return // Read has dealt with a missing endpoint; a normal update is the safe answer
	}
	if maps.Equal(configured, envMapOf(live.Envs)) {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateAdoptedEnv, []byte("true"))...)
		return
	}
	// Make sure an update is planned even when env and secret_env are not configured (null, as
	// in state), so that the live variables are replaced by the configured ones.
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("state"), types.StringUnknown())...)
}

// envMapOf turns the API's list of variables into a map.
func envMapOf(envs []client.Env) map[string]string {
	m := make(map[string]string, len(envs))
	for _, e := range envs {
		m[e.Key] = e.Value
	}
	return m
}

// failedStateWarning warns when the endpoint was failed at the last refresh: a failed in-place
// update leaves it failed with the configuration already in state, so the plan may show no
// changes although the endpoint does not serve.
func failedStateWarning(prior endpointResourceModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if prior.State.ValueString() != "failed" {
		return diags
	}
	msg := prior.StateMessage.ValueString()
	if msg == "" {
		msg = "(Novita gave no message)"
	}
	diags.AddAttributeWarning(path.Root("state"), "Endpoint Is Failed",
		fmt.Sprintf("Endpoint %s is failed: %s\n\nIt does not serve requests, even if this plan shows no changes to it. "+
			"Fix the cause (for example the image, the registry credential or the command) and apply again, "+
			"or replace the endpoint with terraform apply -replace=<address> (or terraform taint <address>).",
			prior.ID.ValueString(), msg))
	return diags
}

// checkMountedStorage checks that every network volume's cloud storage exists and lives in the
// endpoint's cluster. Unknown ids or cluster are skipped; storage that cannot be read for other
// reasons is left to the apply.
func checkMountedStorage(ctx context.Context, plan endpointResourceModel, lookup func(id string) (*client.CloudStorage, error)) diag.Diagnostics {
	var diags diag.Diagnostics
	mounts, _ := plan.volumeMounts(ctx)
	for i, vm := range mounts {
		if vm.Type.ValueString() != mountNetwork || !known(vm.CloudStorageID) {
			continue
		}
		id := vm.CloudStorageID.ValueString()
		st, err := lookup(id)
		switch {
		case client.IsNotFound(err):
			diags.AddAttributeError(path.Root("volume_mounts").AtListIndex(i).AtName("cloud_storage_id"), "Cloud Storage Not Found",
				fmt.Sprintf("No cloud storage with id %q exists in this account.", id))
		case err != nil:
		case known(plan.ClusterID) && st.ClusterID != plan.ClusterID.ValueString():
			diags.AddAttributeError(path.Root("cluster_id"), "Cluster Does Not Match Mounted Storage",
				fmt.Sprintf("cloud storage %s is in cluster %q, but cluster_id is %q; an endpoint runs in the cluster of the network storage it mounts: set cluster_id = %q (for example novita_cloud_storage.<name>.cluster_id).",
					id, st.ClusterID, plan.ClusterID.ValueString(), st.ClusterID))
		}
	}
	return diags
}

// idleWorkersWarning warns that min_workers > 0 keeps GPUs billing with no traffic.
func idleWorkersWarning(plan endpointResourceModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if known(plan.MinWorkers) && plan.MinWorkers.ValueInt64() > 0 {
		diags.AddAttributeWarning(path.Root("min_workers"), "Idle Workers Are Billed",
			fmt.Sprintf("min_workers = %d keeps %d worker(s) running, and billed, even when no requests arrive. Set min_workers = 0 to scale to zero (at the cost of cold starts).",
				plan.MinWorkers.ValueInt64(), plan.MinWorkers.ValueInt64()))
	}
	return diags
}

// checkEndpointPlan compares the plan with the account's limits, products and clusters. On
// update (prior != nil) only values that change are checked, so that a limit lowered since the
// last apply does not block unrelated changes. Unknown values are skipped.
func checkEndpointPlan(ctx context.Context, plan endpointResourceModel, prior *endpointResourceModel, cat *accountCatalog) diag.Diagnostics {
	var diags diag.Diagnostics
	var was endpointResourceModel // all null on create
	if prior != nil {
		was = *prior
	}
	changed := func(v, old attr.Value) bool { return !v.IsUnknown() && !v.IsNull() && (prior == nil || !v.Equal(old)) }
	lim := cat.Limits

	inRange := func(at path.Path, v, old types.Int64, lo, hi client.Int, limitNames string) {
		if lim == nil || hi == 0 || !changed(v, old) {
			return // unpublished limit, or nothing new to check
		}
		if n := v.ValueInt64(); n < int64(lo) || n > int64(hi) {
			diags.AddAttributeError(at, "Value Outside the Account's Limits",
				fmt.Sprintf("%s must be between %d and %d for this account (%s of /endpoint/limit), got %d.", attrName(at), lo, hi, limitNames, n))
		}
	}
	if lim != nil {
		inRange(path.Root("min_workers"), plan.MinWorkers, was.MinWorkers, lim.MinWorkerNum, lim.MaxWorkerNum, "minWorkerNum-maxWorkerNum")
		inRange(path.Root("max_workers"), plan.MaxWorkers, was.MaxWorkers, lim.MinWorkerNum, lim.MaxWorkerNum, "minWorkerNum-maxWorkerNum")
		inRange(path.Root("idle_timeout"), plan.IdleTimeout, was.IdleTimeout, lim.MinFreeTimeout, lim.MaxFreeTimeout, "minFreeTimeout-maxFreeTimeout")
		inRange(path.Root("max_concurrency"), plan.MaxConcurrency, was.MaxConcurrency, lim.MinConcurrencyNum, lim.MaxConcurrencyNum, "minConcurrencyNum-maxConcurrencyNum")
		inRange(path.Root("gpu_count"), plan.GPUCount, was.GPUCount, lim.MinGPUNum, lim.MaxGPUNum, "minGPUNum-maxGPUNum")
		inRange(path.Root("system_disk_gb"), plan.SystemDiskGB, was.SystemDiskGB, lim.MinRootfsSize, lim.MaxRootfsSize, "minRootfsSize-maxRootfsSize")
		inRange(path.Root("request_timeout"), plan.RequestTimeout, was.RequestTimeout, lim.MinRequestTimeout, lim.MaxRequestTimeout, "minRequestTimeout-maxRequestTimeout")

		policy, d := plan.scalingPolicy(ctx)
		diags.Append(d...)
		oldPolicy, _ := was.scalingPolicy(ctx)
		if policy != nil && known(policy.Type) {
			oldValue := types.Int64Null()
			if oldPolicy != nil && oldPolicy.Type.Equal(policy.Type) {
				oldValue = oldPolicy.Value // same type: only a new value needs checking
			}
			at := path.Root("scaling_policy").AtName("value")
			switch policy.Type.ValueString() {
			case "queue":
				inRange(at, policy.Value, oldValue, lim.MinQueueWaitTime, lim.MaxQueueWaitTime, "minQueueWaitTime-maxQueueWaitTime, seconds of queue wait for policy queue")
			case "concurrency":
				inRange(at, policy.Value, oldValue, lim.MinRequestNum, lim.MaxRequestNum, "minRequestNum-maxRequestNum, queued requests per worker for policy concurrency")
			}
		}

		mounts, d := plan.volumeMounts(ctx)
		diags.Append(d...)
		for i, vm := range mounts {
			if vm.Type.ValueString() == mountLocal {
				inRange(path.Root("volume_mounts").AtListIndex(i).AtName("size_gb"), vm.SizeGB, types.Int64Null(),
					lim.MinLocalVolumeSize, lim.MaxLocalVolumeSize, "minLocalVolumeSize-maxLocalVolumeSize")
			}
		}

		if changed(plan.CudaVersion, was.CudaVersion) && len(lim.CudaVersionList) > 0 && !contains(lim.CudaVersionList, plan.CudaVersion.ValueString()) {
			diags.AddAttributeError(path.Root("cuda_version"), "Unsupported CUDA Version",
				fmt.Sprintf("cuda_version %q is not offered to this account; use one of: %s.", plan.CudaVersion.ValueString(), strings.Join(lim.CudaVersionList, ", ")))
		}
	}

	product, productKnown := client.Product{}, false
	if known(plan.ProductID) {
		product, productKnown = cat.product(plan.ProductID.ValueString())
		if !productKnown && changed(plan.ProductID, was.ProductID) && len(cat.Products) > 0 {
			ids := make([]string, 0, len(cat.Products))
			for _, p := range cat.Products {
				ids = append(ids, fmt.Sprintf("%s (%s)", p.ID, p.Name))
			}
			diags.AddAttributeError(path.Root("product_id"), "Unknown GPU Product",
				fmt.Sprintf("product_id %q is not a serverless GPU product of this account; use one of: %s.", plan.ProductID.ValueString(), strings.Join(ids, ", ")))
		}
	}

	// Placement: the cluster must exist, offer the product, and support network storage when a
	// network volume is mounted. Checked when any of the three changes.
	placementChanged := prior == nil || !plan.ClusterID.Equal(was.ClusterID) || !plan.ProductID.Equal(was.ProductID) || !plan.VolumeMounts.Equal(was.VolumeMounts)
	if known(plan.ClusterID) && placementChanged && len(cat.Clusters) > 0 {
		id := plan.ClusterID.ValueString()
		cluster, ok := cat.cluster(id)
		switch {
		case !ok:
			ids := make([]string, 0, len(cat.Clusters))
			for _, c := range cat.Clusters {
				ids = append(ids, c.ID)
			}
			diags.AddAttributeError(path.Root("cluster_id"), "Unknown Cluster",
				fmt.Sprintf("cluster_id %q is not a Novita cluster; use one of: %s.", id, strings.Join(ids, ", ")))
		case productKnown && len(product.Regions) > 0 && !contains(product.Regions, id):
			diags.AddAttributeError(path.Root("cluster_id"), "GPU Product Not Offered in Cluster",
				fmt.Sprintf("product %s (%s) is not offered in cluster %q; it is offered in: %s.", product.ID, product.Name, id, strings.Join(product.Regions, ", ")))
		case hasNetworkMount(ctx, plan) && !cluster.SupportNetworkStorage:
			var ok []string
			for _, c := range cat.Clusters {
				if c.SupportNetworkStorage {
					ok = append(ok, c.ID)
				}
			}
			diags.AddAttributeError(path.Root("cluster_id"), "Cluster Without Network Storage",
				fmt.Sprintf("cluster %q does not support network storage, so it cannot mount a network volume; clusters with network storage: %s.", id, strings.Join(ok, ", ")))
		}
	}
	return diags
}

func hasNetworkMount(ctx context.Context, m endpointResourceModel) bool {
	mounts, _ := m.volumeMounts(ctx)
	for _, vm := range mounts {
		if vm.Type.ValueString() == mountNetwork {
			return true
		}
	}
	return false
}

// attrName renders a path for messages: "scaling_policy.value", "volume_mounts[0].size_gb".
func attrName(p path.Path) string { return p.String() }

func known(v attr.Value) bool { return !v.IsNull() && !v.IsUnknown() }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ---- CRUD ----

func (r *endpointResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan endpointResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	wo, d := writeOnlyEnv(ctx, req.Config)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() || !r.requireClient(&resp.Diagnostics) {
		return
	}
	timeout, d := plan.Timeouts.Create(ctx, defaultEndpointCreateTimeout)
	resp.Diagnostics.Append(d...)
	spec, d := plan.toSpec(ctx, wo)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	waitCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	id, err := r.data.client.CreateEndpoint(waitCtx, spec)
	if errors.Is(err, client.ErrMaybeCreated) && spec.AppName != "" {
		// The request failed after Novita may have acted: app names are unique, so look for it.
		id = r.findByAppName(waitCtx, spec.AppName)
	}
	if id == "" {
		detail := "Novita refused the endpoint: " + err.Error()
		if errors.Is(err, client.ErrMaybeCreated) {
			detail += "\n\nThe endpoint may have been created anyway. Look for it in the Novita console and either delete it or import it (terraform import <address> <id>) before applying again; setting app_name lets the provider find such an endpoint itself."
		}
		resp.Diagnostics.AddError("Unable to Create Endpoint", detail)
		return
	}
	ctx = tflog.SetField(ctx, "endpoint_id", id)
	tflog.Info(ctx, "created endpoint")

	// Save the id before waiting: a failed or timed-out wait then taints the endpoint instead
	// of orphaning it.
	plan.ID = types.StringValue(id)
	plan.nullUnknowns()
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(setWOKeys(ctx, resp.Private, wo)...)
	if resp.Diagnostics.HasError() {
		return
	}

	e, err := r.waitOrGet(waitCtx, id, plan.WaitForReady.ValueBool())
	if err != nil {
		r.saveBestEffort(ctx, &plan, id, keySet(wo), &resp.State, &resp.Diagnostics)
		resp.Diagnostics.AddError(waitFailure(err, id, "create", timeout))
		return
	}
	resp.Diagnostics.Append(plan.fromAPI(ctx, e, keySet(wo))...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *endpointResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state endpointResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.requireClient(&resp.Diagnostics) {
		return
	}
	id := state.ID.ValueString()
	e, err := r.data.client.GetEndpoint(ctx, id)
	if client.IsNotFound(err) {
		tflog.Warn(ctx, "endpoint no longer exists; removing it from state", map[string]any{"endpoint_id": id})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Endpoint", fmt.Sprintf("Reading endpoint %s failed: %s", id, err))
		return
	}
	woKeys, d := getWOKeys(ctx, req.Private)
	resp.Diagnostics.Append(d...)
	imported, d := req.Private.GetKey(ctx, privateImported)
	resp.Diagnostics.Append(d...)
	if woKeys == nil && imported == nil {
		woKeys = map[string]bool{} // never imported: no key was recorded
	}
	if imported != nil {
		woKeys = nil // env and secret_env stay null until the configuration is adopted
	}
	resp.Diagnostics.Append(state.fromAPI(ctx, e, woKeys)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *endpointResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state endpointResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	wo, d := writeOnlyEnv(ctx, req.Config)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() || !r.requireClient(&resp.Diagnostics) {
		return
	}
	timeout, d := plan.Timeouts.Update(ctx, defaultEndpointUpdateTimeout)
	resp.Diagnostics.Append(d...)
	plan.ID = state.ID
	spec, d := plan.toSpec(ctx, wo)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	ctx = tflog.SetField(ctx, "endpoint_id", id)
	waitCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	// An imported endpoint: adopted when ModifyPlan found the live variables equal to the
	// configured ones (then the configured env and secret_env are recorded as they are), or
	// updated with the configured variables when they differ.
	imported, d := req.Private.GetKey(ctx, privateImported)
	resp.Diagnostics.Append(d...)
	adopted, d := req.Private.GetKey(ctx, privateAdoptedEnv)
	resp.Diagnostics.Append(d...)

	// Only provider-side settings (wait_for_ready, deletion_protection, timeouts) changed, or
	// the variables of an imported endpoint were adopted: no API call. The write-only values
	// are unchanged unless their version changed.
	current, d := state.toSpec(ctx, wo)
	resp.Diagnostics.Append(d...)
	if adopted != nil {
		current.Envs = spec.Envs
	}
	sameWO := plan.SecretEnvWOVersion.Equal(state.SecretEnvWOVersion) || adopted != nil
	if reflect.DeepEqual(spec, current) && sameWO && (imported == nil || adopted != nil) {
		plan.endpointAttrs = state.endpointAttrs
		if adopted == nil {
			plan.Env, plan.SecretEnv = state.Env, state.SecretEnv
		} else {
			resp.Diagnostics.Append(setWOKeys(ctx, resp.Private, wo)...)
			resp.Diagnostics.Append(clearImported(ctx, resp.Private)...)
		}
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}

	// The API takes the whole configuration; write-only values come from the configuration.
	if err := r.data.client.UpdateEndpoint(waitCtx, id, spec); err != nil {
		resp.Diagnostics.AddError("Unable to Update Endpoint", fmt.Sprintf("Novita refused the update of endpoint %s: %s", id, err))
		return
	}
	resp.Diagnostics.Append(setWOKeys(ctx, resp.Private, wo)...)
	resp.Diagnostics.Append(clearImported(ctx, resp.Private)...)

	e, err := r.waitOrGet(waitCtx, id, plan.WaitForReady.ValueBool())
	if err != nil {
		plan.nullUnknowns()
		r.saveBestEffort(ctx, &plan, id, keySet(wo), &resp.State, &resp.Diagnostics)
		resp.Diagnostics.AddError(waitFailure(err, id, "update", timeout))
		return
	}
	resp.Diagnostics.Append(plan.fromAPI(ctx, e, keySet(wo))...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *endpointResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state endpointResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.requireClient(&resp.Diagnostics) {
		return
	}
	id := state.ID.ValueString()
	if state.DeletionProtection.ValueBool() {
		resp.Diagnostics.AddError("Endpoint Is Protected from Deletion",
			fmt.Sprintf("Endpoint %s has deletion_protection = true. To destroy it, set deletion_protection = false, run terraform apply, then destroy.", id))
		return
	}
	timeout, d := state.Timeouts.Delete(ctx, defaultEndpointDeleteTimeout)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	err := r.data.client.DeleteEndpoint(ctx, id)
	if client.IsNotFound(err) {
		return // already gone
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Delete Endpoint", fmt.Sprintf("Deleting endpoint %s failed: %s", id, err))
		return
	}
	// Wait until it is gone, so that storage or credentials it used can be deleted next.
	if err := r.data.client.WaitForEndpointDeleted(ctx, id); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			resp.Diagnostics.AddError("Timed Out Deleting Endpoint",
				fmt.Sprintf("Endpoint %s was still being deleted after %s (timeouts.delete). Run terraform destroy again, or raise timeouts.delete.", id, timeout))
			return
		}
		resp.Diagnostics.AddError("Unable to Delete Endpoint", fmt.Sprintf("Waiting for endpoint %s to be deleted failed: %s", id, err))
	}
}

func (r *endpointResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, []byte("true"))...)
}

// ---- helpers ----

func (r *endpointResource) requireClient(diags *diag.Diagnostics) bool {
	if r.data == nil || r.data.client == nil {
		diags.AddError("Provider Not Configured", "The novita provider was not configured before the endpoint was used. This is a bug in the provider; please report it.")
		return false
	}
	return true
}

// findByAppName returns the id of the endpoint with this app name, or "".
func (r *endpointResource) findByAppName(ctx context.Context, appName string) string {
	list, err := r.data.client.ListEndpoints(ctx)
	if err != nil {
		return ""
	}
	for _, e := range list {
		if e.AppName == appName {
			tflog.Info(ctx, "found the endpoint of an ambiguous create by its app name", map[string]any{"endpoint_id": e.ID})
			return e.ID
		}
	}
	return ""
}

// waitOrGet waits for the endpoint to serve, or only reads it when wait_for_ready is false.
func (r *endpointResource) waitOrGet(ctx context.Context, id string, wait bool) (*client.Endpoint, error) {
	if wait {
		return r.data.client.WaitForEndpointServing(ctx, id)
	}
	return r.data.client.GetEndpoint(ctx, id)
}

// saveBestEffort reads the endpoint after a failed wait so that state shows its state and
// message; the wait's error is what the caller reports.
func (r *endpointResource) saveBestEffort(ctx context.Context, m *endpointResourceModel, id string, woKeys map[string]bool, state stateSetter, diags *diag.Diagnostics) {
	readCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	if e, err := r.data.client.GetEndpoint(readCtx, id); err == nil {
		diags.Append(m.fromAPI(ctx, e, woKeys)...)
	}
	diags.Append(state.Set(ctx, m)...)
}

type stateSetter interface {
	Set(ctx context.Context, val any) diag.Diagnostics
}

// waitFailure turns a failed wait into a diagnostic summary and detail.
func waitFailure(err error, id, op string, timeout time.Duration) (string, string) {
	var failed *client.EndpointFailedError
	switch {
	case errors.As(err, &failed):
		return "Endpoint Deployment Failed", fmt.Sprintf(
			"Endpoint %s is %s: %s\n\nThe endpoint stays in Terraform state and, after a failed create, is tainted so that the next apply replaces it. Fix the cause (image, registry credential, capacity) and apply again.",
			id, failed.State, failed.Message)
	case errors.Is(err, context.DeadlineExceeded):
		return "Timed Out Waiting for Endpoint", fmt.Sprintf(
			"Endpoint %s was not serving within %s (timeouts.%s). It stays in Terraform state; raise timeouts.%s, or set wait_for_ready = false, and apply again.",
			id, timeout, op, op)
	default:
		return "Unable to Read Endpoint", fmt.Sprintf("Waiting for endpoint %s to serve failed: %s", id, err)
	}
}

// writeOnlyEnv reads secret_env_wo from the configuration (write-only values are only there).
func writeOnlyEnv(ctx context.Context, cfg configGetter) (map[string]string, diag.Diagnostics) {
	var m types.Map
	diags := cfg.GetAttribute(ctx, path.Root("secret_env_wo"), &m)
	if diags.HasError() {
		return nil, diags
	}
	out, d := stringMap(ctx, m)
	diags.Append(d...)
	return out, diags
}

type configGetter interface {
	GetAttribute(ctx context.Context, p path.Path, target any) diag.Diagnostics
}

type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// setWOKeys records the names of the write-only variables in private state.
func setWOKeys(ctx context.Context, p privateState, wo map[string]string) diag.Diagnostics {
	keys := make([]string, 0, len(wo))
	for k := range wo {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b, err := json.Marshal(keys)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Unable to Save Private State", err.Error())
		return diags
	}
	return p.SetKey(ctx, privateKeyWOEnvKeys, b)
}

// clearImported forgets that the endpoint was imported, once its variables are settled (and
// the names of its write-only ones recorded).
func clearImported(ctx context.Context, p privateState) diag.Diagnostics {
	diags := p.SetKey(ctx, privateImported, nil)
	diags.Append(p.SetKey(ctx, privateAdoptedEnv, nil)...)
	return diags
}

// getWOKeys reads the names recorded by setWOKeys (every create and update records them, even
// none); nil when nothing was recorded, which means the endpoint was imported.
func getWOKeys(ctx context.Context, p privateState) (map[string]bool, diag.Diagnostics) {
	b, diags := p.GetKey(ctx, privateKeyWOEnvKeys)
	if diags.HasError() || len(b) == 0 {
		return nil, diags
	}
	var keys []string
	if err := json.Unmarshal(b, &keys); err != nil {
		diags.AddError("Unable to Read Private State", "The recorded secret_env_wo key names are not valid JSON: "+err.Error())
		return nil, diags
	}
	set := map[string]bool{}
	for _, k := range keys {
		set[k] = true
	}
	return set, diags
}

func keySet(m map[string]string) map[string]bool {
	set := make(map[string]bool, len(m))
	for k := range m {
		set[k] = true
	}
	return set
}
