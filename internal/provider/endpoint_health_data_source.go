package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

var (
	_ datasource.DataSource              = &endpointHealthDataSource{}
	_ datasource.DataSourceWithConfigure = &endpointHealthDataSource{}
)

// NewEndpointHealthDataSource returns the novita_endpoint_health data source.
func NewEndpointHealthDataSource() datasource.DataSource { return &endpointHealthDataSource{} }

type endpointHealthDataSource struct {
	data *providerData
}

type endpointHealthModel struct {
	EndpointName types.String        `tfsdk:"endpoint_name"`
	Workers      *healthWorkersModel `tfsdk:"workers"`
	Jobs         *healthJobsModel    `tfsdk:"jobs"`
}

type healthWorkersModel struct {
	Idle      types.Int64 `tfsdk:"idle"`
	Running   types.Int64 `tfsdk:"running"`
	Throttled types.Int64 `tfsdk:"throttled"`
	Total     types.Int64 `tfsdk:"total"`
}

type healthJobsModel struct {
	Completed  types.Int64 `tfsdk:"completed"`
	Failed     types.Int64 `tfsdk:"failed"`
	InProgress types.Int64 `tfsdk:"in_progress"`
	InQueue    types.Int64 `tfsdk:"in_queue"`
	Retried    types.Int64 `tfsdk:"retried"`
}

// endpointHealthFromAPI maps the gateway's health answer.
func endpointHealthFromAPI(name string, h *client.EndpointHealth) endpointHealthModel {
	i := func(v client.Int) types.Int64 { return types.Int64Value(int64(v)) }
	return endpointHealthModel{
		EndpointName: types.StringValue(name),
		Workers: &healthWorkersModel{
			Idle: i(h.Workers.Idle), Running: i(h.Workers.Running),
			Throttled: i(h.Workers.Throttled), Total: i(h.Workers.Total),
		},
		Jobs: &healthJobsModel{
			Completed: i(h.Jobs.Completed), Failed: i(h.Jobs.Failed), InProgress: i(h.Jobs.InProgress),
			InQueue: i(h.Jobs.InQueue), Retried: i(h.Jobs.Retried),
		},
	}
}

func (d *endpointHealthDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_endpoint_health"
}

func (d *endpointHealthDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	count := func(desc string) schema.Int64Attribute {
		return schema.Int64Attribute{MarkdownDescription: desc, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads an async endpoint's workers and job queue from the job gateway, as it is at plan time. " +
			"Meant for `check` blocks, for example asserting that jobs never wait in a queue with no workers:\n\n" +
			"```terraform\ncheck \"queue_has_workers\" {\n  data \"novita_endpoint_health\" \"h\" {\n    endpoint_name = novita_endpoint.x.endpoint_name\n  }\n" +
			"  assert {\n    condition     = data.novita_endpoint_health.h.jobs.in_queue == 0 || data.novita_endpoint_health.h.workers.total > 0\n" +
			"    error_message = \"Jobs are queued but the endpoint has no workers.\"\n  }\n}\n```",
		Attributes: map[string]schema.Attribute{
			"endpoint_name": schema.StringAttribute{
				MarkdownDescription: "Job name of the endpoint, `<endpoint id>-<app name>` (`novita_endpoint.<name>.endpoint_name`).",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"workers": schema.SingleNestedAttribute{
				MarkdownDescription: "Worker counts.",
				Computed:            true,
				Attributes: map[string]schema.Attribute{
					"idle":      count("Workers started and waiting for jobs."),
					"running":   count("Workers running at least one job."),
					"throttled": count("Workers allocated but not yet taking jobs (starting up, or held back by the platform)."),
					"total":     count("All workers of the endpoint."),
				},
			},
			"jobs": schema.SingleNestedAttribute{
				MarkdownDescription: "Job counts.",
				Computed:            true,
				Attributes: map[string]schema.Attribute{
					"completed":   count("Jobs that completed."),
					"failed":      count("Jobs that failed."),
					"in_progress": count("Jobs a worker is running now."),
					"in_queue":    count("Jobs waiting for a worker."),
					"retried":     count("Jobs that were retried."),
				},
			},
		},
	}
}

func (d *endpointHealthDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, resp.Diagnostics.AddError)
}

func (d *endpointHealthDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m endpointHealthModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := m.EndpointName.ValueString()
	h, err := d.data.client.GetEndpointHealth(ctx, name)
	if client.IsNotFound(err) {
		resp.Diagnostics.AddError("Endpoint Not Found",
			fmt.Sprintf("The job gateway knows no endpoint %q. endpoint_name is \"<endpoint id>-<app name>\" of an async endpoint (novita_endpoint.<name>.endpoint_name).", name))
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Endpoint Health", fmt.Sprintf("Reading the health of endpoint %q failed: %s", name, err))
		return
	}
	m = endpointHealthFromAPI(name, h)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
