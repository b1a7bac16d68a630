package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// API limits of an endpoint (GPU API v2, counted in characters). Command and entrypoint have no
// published v2 limit; v1's 2047 is kept [decided].
const (
	maxEndpointNameLen      = 255
	maxEndpointAppNameLen   = 255
	maxEndpointProductIDLen = 255
	maxEndpointImageLen     = 500
	maxEndpointCommandLen   = 2047
)

// endpointResourceSchema is novita_endpoint's schema.
func endpointResourceSchema(ctx context.Context) schema.Schema {
	envKeys := mapvalidator.KeysAre(stringvalidator.RegexMatches(envKeyPattern, "must be a variable name: letters, digits and underscores, not starting with a digit"))
	return schema.Schema{
		MarkdownDescription: "A Novita serverless GPU endpoint, managed through Novita's GPU API v2 (the only documented way to create an async endpoint): " +
			"a container image that Novita runs on GPU workers, scaled between `min_workers` and `max_workers` by its `scaling_policy`. " +
			"Async endpoints take jobs through the job gateway under `endpoint_name` (see `novita_job`). " +
			"With `min_workers = 0` every burst pays a cold start, mostly the image pull: a `novita_image_prewarm` of the image in the endpoint's cluster shortens it.\n\n" +
			"When the provider is configured, plans are checked against the account's live limits (`/endpoint/limit`), " +
			"the GPU product catalogue and the clusters, so an out-of-range value fails the plan rather than the apply.\n\n" +
			"Import by id. The API does not tell plain, secret and write-only variables apart, so an import reads no value: " +
			"`env` and `secret_env` stay null and only the names reach state (`env_keys`). On the first plan the configured `env`, `secret_env` and " +
			"`secret_env_wo` are compared with the endpoint's live variables: when they match, the apply only records `env` and " +
			"`secret_env` in state (no change is sent to Novita); when they differ, the apply updates the endpoint in place with the configured variables, " +
			"the plan shows in `env_keys` the names it would remove, and a warning names them.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Endpoint id assigned by Novita.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Display name, 1-%d characters. Defaults to `app_name` (Novita's API requires a name). Updated in place.", maxEndpointNameLen),
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, maxEndpointNameLen)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"app_name": schema.StringAttribute{
				MarkdownDescription: "Application name: part of the endpoint's URL and of its job name (`endpoint_name`). " +
					fmt.Sprintf("Letters, digits and hyphens, at most %d characters, unique in the account. Defaults to `terraform-` and 8 random hex digits: ", maxEndpointAppNameLen) +
					"the provider always sends one, because the app name is how it finds an endpoint whose create answer was lost (a timeout or a 502 after Novita acted) " +
					"instead of creating a second one. Changing it replaces the endpoint.",
				Optional: true,
				Computed: true,
				Validators: []validator.String{
					stringvalidator.UTF8LengthBetween(1, maxEndpointAppNameLen),
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
				MarkdownDescription: "Serverless GPU product of the workers, for example `SL-serverless-1` (see the `novita_gpu_products` data source). Updated in place (the workers restart on the new GPU).",
				Required:            true,
				Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, maxEndpointProductIDLen)},
			},
			"gpu_count": schema.Int64Attribute{
				MarkdownDescription: "GPUs per worker. Default `1`; the product's GPUs-per-worker range and the account's limits (`minGPUNum`-`maxGPUNum`) apply. Updated in place.",
				Optional:            true,
				Computed:            true,
				Default:             int64default.StaticInt64(1),
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"min_cuda_version": schema.StringAttribute{
				MarkdownDescription: "The workers' minimum CUDA version (v2 `worker_config.min_cuda_version`); one of the account limits' `cudaVersionList` (see `novita_endpoint_limits`). Chosen by Novita when unset. Updated in place.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"min_workers": schema.Int64Attribute{
				MarkdownDescription: "Workers kept running even without requests; `0` scales to zero (cold starts; a `novita_image_prewarm` of the image in the endpoint's cluster shortens them, see the Cold starts guide). Workers kept running bill while idle. Within the account's `minWorkerNum`-`maxWorkerNum`. Updated in place.",
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
				MarkdownDescription: fmt.Sprintf("Container image reference, 1-%d characters, for example `novitalabs/comfyui-worker:v0.0.1`. Workers pull it on every cold start: a `novita_image_prewarm` of the same image in the endpoint's cluster shortens cold starts. Updated in place.", maxEndpointImageLen),
				Required:            true,
				Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, maxEndpointImageLen), imageReferenceValidator{}},
			},
			"registry_credential_id": schema.StringAttribute{
				MarkdownDescription: "Id of a `novita_registry_credential` to pull a private image with. Updated in place.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"command": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Container start command, 1-%d characters; the image's own when unset. Updated in place.", maxEndpointCommandLen),
				Optional:            true,
				Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, maxEndpointCommandLen)},
			},
			"entrypoint": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Container entrypoint, 1-%d characters; the image's own when unset. Updated in place.", maxEndpointCommandLen),
				Optional:            true,
				Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, maxEndpointCommandLen)},
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
			"health_check_port": schema.Int64Attribute{
				MarkdownDescription: "Port of the worker's health check, 1-65535. Defaults to `port`. Updated in place.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.Int64{int64validator.Between(1, 65535)},
				PlanModifiers:       []planmodifier.Int64{defaultToPort{}},
			},
			"system_disk_gb": schema.Int64Attribute{
				MarkdownDescription: "System disk per worker, GB, within the account's `minRootfsSize`-`maxRootfsSize`. Chosen by Novita when unset (the free size). Changing it replaces the endpoint.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown(), int64planmodifier.RequiresReplace()},
			},
			"cluster_id": schema.StringAttribute{
				MarkdownDescription: "Cluster (region) the workers run in (see `novita_clusters`); Novita's GPU API v2 calls it `region_id`, and its region ids are the cluster ids. Required when a network volume is mounted, and then it must be that storage's cluster, which must support network storage. Chosen by Novita when unset. Updated in place.",
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
			"env_keys": schema.ListAttribute{
				MarkdownDescription: "Names (never values) of all the endpoint's environment variables, from `env`, `secret_env` and `secret_env_wo` together, sorted. " +
					"A plan shows here, by name, every variable an apply would add or remove, including secret ones; after an import it lists the live variables.",
				ElementType: types.StringType,
				Computed:    true,
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
				MarkdownDescription: "Wait on create and update until the endpoint's state is `running`, within the timeouts; a deployment that fails fails the apply with Novita's state message. Default `true`. Provider-side only.",
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
				MarkdownDescription: "Endpoint status reported by Novita (v2 `status.status`), verbatim: `running` when it takes requests; also `creating`, `updating`, `deleting`, `stopped`, `failed`, or any newer value Novita reports.",
				Computed:            true,
			},
			"state_message": schema.StringAttribute{
				MarkdownDescription: "Novita's message about the state, for example why a deployment failed.",
				Computed:            true,
			},
			"url": schema.StringAttribute{
				MarkdownDescription: "The endpoint's entry point as Novita reports it (for an async endpoint, its address on the job gateway).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"endpoint_name": schema.StringAttribute{
				MarkdownDescription: "Name of the endpoint on the job gateway and in the `novita-gpus` SDK: the last segment of `url` when that points at the job gateway, otherwise `<id>-<app_name>`. Use it in `novita_job` and `novita_endpoint_health`.",
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

// defaultToPort plans health_check_port as port when the configuration leaves it out.
type defaultToPort struct{}

func (defaultToPort) Description(context.Context) string { return "defaults to port" }

func (m defaultToPort) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (defaultToPort) PlanModifyInt64(ctx context.Context, req planmodifier.Int64Request, resp *planmodifier.Int64Response) {
	if !req.ConfigValue.IsNull() {
		return
	}
	var port types.Int64
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("port"), &port)...)
	resp.PlanValue = port
}
