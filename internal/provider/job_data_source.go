package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

var (
	_ datasource.DataSource              = &jobDataSource{}
	_ datasource.DataSourceWithConfigure = &jobDataSource{}
)

// NewJobDataSource returns the novita_job data source.
func NewJobDataSource() datasource.DataSource { return &jobDataSource{} }

type jobDataSource struct {
	data *providerData
}

type jobDataSourceModel struct {
	EndpointName types.String `tfsdk:"endpoint_name"`
	ID           types.String `tfsdk:"id"`
	jobResultModel
}

func (d *jobDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_job"
}

func (d *jobDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the status and result of a job on an async endpoint, for example one submitted outside Terraform. " +
			"The gateway keeps results 6 hours after a job ends; after that the lookup fails as not found.",
		Attributes: map[string]schema.Attribute{
			"endpoint_name": schema.StringAttribute{
				MarkdownDescription: "Job name of the endpoint, `<endpoint id>-<app name>` (`novita_endpoint.<name>.endpoint_name`).",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "Job id.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Job status: `PENDING`, `IN_PROGRESS`, `COMPLETED`, `FAILED`, `CANCELLED` or `TIMED_OUT`.",
				Computed:            true,
			},
			"output": schema.StringAttribute{
				MarkdownDescription: "The job's output as a JSON string; null until the job completes. Decode it with `jsondecode(...)`.",
				Computed:            true,
				CustomType:          jsontypes.NormalizedType{},
			},
			"error": schema.StringAttribute{
				MarkdownDescription: "The job's error text when it failed; null otherwise.",
				Computed:            true,
			},
			"delay_time_ms": schema.Int64Attribute{
				MarkdownDescription: "Milliseconds the job waited in the queue (0 until known).",
				Computed:            true,
			},
			"execution_time_ms": schema.Int64Attribute{
				MarkdownDescription: "Milliseconds the worker spent running the job (0 until known).",
				Computed:            true,
			},
		},
	}
}

func (d *jobDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, resp.Diagnostics.AddError)
}

func (d *jobDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m jobDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	endpoint, id := m.EndpointName.ValueString(), m.ID.ValueString()
	job, err := d.data.client.GetJob(ctx, endpoint, id)
	if client.IsNotFound(err) {
		resp.Diagnostics.AddError("Job Not Found",
			fmt.Sprintf("No job %q on endpoint %q. Check the endpoint name (\"<endpoint id>-<app name>\") and the job id; "+
				"the gateway forgets a job 6 hours after it ends.", id, endpoint))
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Job", fmt.Sprintf("Reading job %q on endpoint %q failed: %s", id, endpoint, err))
		return
	}
	m.jobResultModel = jobResultFromAPI(job)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
