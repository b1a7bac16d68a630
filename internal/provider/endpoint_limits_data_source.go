package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

var (
	_ datasource.DataSource              = &endpointLimitsDataSource{}
	_ datasource.DataSourceWithConfigure = &endpointLimitsDataSource{}
)

// NewEndpointLimitsDataSource returns the novita_endpoint_limits data source.
func NewEndpointLimitsDataSource() datasource.DataSource { return &endpointLimitsDataSource{} }

type endpointLimitsDataSource struct {
	data *providerData
}

// endpointLimitsModel holds /endpoint/limit, each field named after the API's field in snake_case.
type endpointLimitsModel struct {
	MinRootfsSize       types.Int64 `tfsdk:"min_rootfs_size"`
	MaxRootfsSize       types.Int64 `tfsdk:"max_rootfs_size"`
	FreeRootfsSize      types.Int64 `tfsdk:"free_rootfs_size"`
	MinLocalVolumeSize  types.Int64 `tfsdk:"min_local_volume_size"`
	MaxLocalVolumeSize  types.Int64 `tfsdk:"max_local_volume_size"`
	FreeLocalVolumeSize types.Int64 `tfsdk:"free_local_volume_size"`
	MinWorkerNum        types.Int64 `tfsdk:"min_worker_num"`
	MaxWorkerNum        types.Int64 `tfsdk:"max_worker_num"`
	MinFreeTimeout      types.Int64 `tfsdk:"min_free_timeout"`
	MaxFreeTimeout      types.Int64 `tfsdk:"max_free_timeout"`
	MinConcurrencyNum   types.Int64 `tfsdk:"min_concurrency_num"`
	MaxConcurrencyNum   types.Int64 `tfsdk:"max_concurrency_num"`
	MinQueueWaitTime    types.Int64 `tfsdk:"min_queue_wait_time"`
	MaxQueueWaitTime    types.Int64 `tfsdk:"max_queue_wait_time"`
	MinRequestNum       types.Int64 `tfsdk:"min_request_num"`
	MaxRequestNum       types.Int64 `tfsdk:"max_request_num"`
	MinGPUNum           types.Int64 `tfsdk:"min_gpu_num"`
	MaxGPUNum           types.Int64 `tfsdk:"max_gpu_num"`
	MinRequestTimeout   types.Int64 `tfsdk:"min_request_timeout"`
	MaxRequestTimeout   types.Int64 `tfsdk:"max_request_timeout"`
	CudaVersions        []string    `tfsdk:"cuda_versions"`
}

// endpointLimitsFromAPI maps the API's limits.
func endpointLimitsFromAPI(l *client.EndpointLimits) endpointLimitsModel {
	i := func(v client.Int) types.Int64 { return types.Int64Value(int64(v)) }
	return endpointLimitsModel{
		MinRootfsSize: i(l.MinRootfsSize), MaxRootfsSize: i(l.MaxRootfsSize), FreeRootfsSize: i(l.FreeRootfsSize),
		MinLocalVolumeSize: i(l.MinLocalVolumeSize), MaxLocalVolumeSize: i(l.MaxLocalVolumeSize), FreeLocalVolumeSize: i(l.FreeLocalVolumeSize),
		MinWorkerNum: i(l.MinWorkerNum), MaxWorkerNum: i(l.MaxWorkerNum),
		MinFreeTimeout: i(l.MinFreeTimeout), MaxFreeTimeout: i(l.MaxFreeTimeout),
		MinConcurrencyNum: i(l.MinConcurrencyNum), MaxConcurrencyNum: i(l.MaxConcurrencyNum),
		MinQueueWaitTime: i(l.MinQueueWaitTime), MaxQueueWaitTime: i(l.MaxQueueWaitTime),
		MinRequestNum: i(l.MinRequestNum), MaxRequestNum: i(l.MaxRequestNum),
		MinGPUNum: i(l.MinGPUNum), MaxGPUNum: i(l.MaxGPUNum),
		MinRequestTimeout: i(l.MinRequestTimeout), MaxRequestTimeout: i(l.MaxRequestTimeout),
		CudaVersions: append([]string{}, l.CudaVersionList...),
	}
}

// endpointLimitDescriptions says which novita_endpoint argument each limit bounds.
var endpointLimitDescriptions = map[string]string{
	"min_rootfs_size":        "Smallest system disk per worker, GB (`novita_endpoint.system_disk_gb`).",
	"max_rootfs_size":        "Largest system disk per worker, GB (`novita_endpoint.system_disk_gb`).",
	"free_rootfs_size":       "System disk included free of charge, GB.",
	"min_local_volume_size":  "Smallest local volume, GB (`volume_mounts[*].size_gb` of a `local` mount).",
	"max_local_volume_size":  "Largest local volume, GB (`volume_mounts[*].size_gb` of a `local` mount).",
	"free_local_volume_size": "Local volume included free of charge, GB.",
	"min_worker_num":         "Lowest worker count (`min_workers`, `max_workers`).",
	"max_worker_num":         "Highest worker count (`min_workers`, `max_workers`).",
	"min_free_timeout":       "Shortest idle timeout, seconds (`idle_timeout`).",
	"max_free_timeout":       "Longest idle timeout, seconds (`idle_timeout`).",
	"min_concurrency_num":    "Lowest concurrent requests per worker (`max_concurrency`).",
	"max_concurrency_num":    "Highest concurrent requests per worker (`max_concurrency`).",
	"min_queue_wait_time":    "Lowest `scaling_policy.value` for policy `queue`, seconds.",
	"max_queue_wait_time":    "Highest `scaling_policy.value` for policy `queue`, seconds.",
	"min_request_num":        "Lowest `scaling_policy.value` for policy `concurrency`.",
	"max_request_num":        "Highest `scaling_policy.value` for policy `concurrency`.",
	"min_gpu_num":            "Fewest GPUs per worker (`gpu_count`).",
	"max_gpu_num":            "Most GPUs per worker (`gpu_count`).",
	"min_request_timeout":    "Shortest request timeout, seconds (`request_timeout`).",
	"max_request_timeout":    "Longest request timeout, seconds (`request_timeout`).",
}

func (d *endpointLimitsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_endpoint_limits"
}

func (d *endpointLimitsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"cuda_versions": schema.ListAttribute{
			MarkdownDescription: "CUDA versions an endpoint can ask for (`cuda_version`).",
			Computed:            true,
			ElementType:         types.StringType,
		},
	}
	for name, desc := range endpointLimitDescriptions {
		attrs[name] = schema.Int64Attribute{MarkdownDescription: desc, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the account's endpoint parameter limits (`/endpoint/limit`): the ranges `novita_endpoint` arguments must fall in. " +
			"Each attribute is the API's field in snake_case. The provider already checks endpoint plans against these limits; " +
			"this data source lets a configuration use them, e.g. `max_workers = min(10, data.novita_endpoint_limits.this.max_worker_num)`.",
		Attributes: attrs,
	}
}

func (d *endpointLimitsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, resp.Diagnostics.AddError)
}

func (d *endpointLimitsDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	limits, err := d.data.client.GetEndpointLimits(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Endpoint Limits", "Reading /endpoint/limit failed: "+err.Error())
		return
	}
	m := endpointLimitsFromAPI(limits)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
