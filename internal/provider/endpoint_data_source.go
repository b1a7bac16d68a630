package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

var (
	_ datasource.DataSource                     = &endpointDataSource{}
	_ datasource.DataSourceWithConfigure        = &endpointDataSource{}
	_ datasource.DataSourceWithConfigValidators = &endpointDataSource{}
)

// NewEndpointDataSource returns the novita_endpoint data source.
func NewEndpointDataSource() datasource.DataSource { return &endpointDataSource{} }

type endpointDataSource struct {
	data *providerData
}

func (d *endpointDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_endpoint"
}

func (d *endpointDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, resp.Diagnostics.AddError)
}

func (d *endpointDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("app_name")),
	}
}

func (d *endpointDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str, num := computedString, computedInt
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads an existing Novita serverless endpoint by `id` or `app_name` (exactly one). " +
			"It exposes the attributes of the `novita_endpoint` resource and the endpoint's workers. " +
			"Environment variables are listed by name only (`env_keys`): the API does not tell secrets apart, so no value is copied into this configuration's state.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Endpoint id to look up. Exactly one of `id` and `app_name`.",
				Optional:            true,
				Computed:            true,
			},
			"app_name": schema.StringAttribute{
				MarkdownDescription: "Application name to look up. Exactly one of `id` and `app_name`.",
				Optional:            true,
				Computed:            true,
			},
			"name":                   str("Display name."),
			"type":                   str("`async` or `sync`."),
			"product_id":             str("Serverless GPU product of the workers."),
			"gpu_count":              num("GPUs per worker."),
			"min_cuda_version":       str("The workers' minimum CUDA version."),
			"min_workers":            num("Workers kept running even without requests."),
			"max_workers":            num("Most workers the endpoint scales to."),
			"idle_timeout":           num("Seconds an idle worker is kept."),
			"max_concurrency":        num("Requests one worker handles at once."),
			"request_timeout":        num("Seconds one request may run."),
			"image":                  str("Container image reference."),
			"registry_credential_id": str("Registry credential used to pull the image."),
			"command":                str("Container start command."),
			"entrypoint":             str("Container entrypoint."),
			"port":                   num("The worker's HTTP port."),
			"health_check_path":      str("HTTP path of the worker's health check."),
			"health_check_port":      num("Port of the worker's health check."),
			"system_disk_gb":         num("System disk per worker, GB."),
			"cluster_id":             str("Cluster the workers run in."),
			"state":                  str("Endpoint status as Novita reports it: `running` when it takes requests."),
			"state_message":          str("Novita's message about the state."),
			"url":                    str("The endpoint's HTTP entry point."),
			"endpoint_name":          str("Name on the job gateway (see the `novita_endpoint` resource)."),
			"created_at":             num("When the endpoint was created, Unix seconds."),
			"scaling_policy": schema.SingleNestedAttribute{
				MarkdownDescription: "How workers scale: `type` (`queue` or `concurrency`) and `value`.",
				Computed:            true,
				Attributes: map[string]schema.Attribute{
					"type":  str("`queue` or `concurrency`."),
					"value": num("Seconds of queue wait (`queue`) or queued requests per worker (`concurrency`)."),
				},
			},
			"volume_mounts": schema.ListNestedAttribute{
				MarkdownDescription: "Mounted volumes.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"type":             str("`network` or `local`."),
					"cloud_storage_id": str("Mounted cloud storage (`network`)."),
					"size_gb":          num("Volume size, GB (`local`)."),
					"mount_path":       str("Path inside the container."),
				}},
			},
			"env_keys": schema.ListAttribute{
				MarkdownDescription: "Names of the endpoint's environment variables, sorted (values are not read).",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"workers": schema.ListNestedAttribute{
				MarkdownDescription: "The endpoint's current workers.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":     str("Worker id."),
					"status": str("Worker status as Novita reports it; `ready` when it takes jobs."),
					"health": schema.BoolAttribute{MarkdownDescription: "Whether the worker passes its health check.", Computed: true},
					"drain":  schema.BoolAttribute{MarkdownDescription: "Whether the worker is draining (finishing its jobs before it goes).", Computed: true},
					"log":    str("Address of the worker's log."),
				}},
			},
		},
	}
}

func (d *endpointDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m endpointDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !requireClient(d.data, &resp.Diagnostics) {
		return
	}
	e, summary, detail := d.lookup(ctx, m)
	if e == nil {
		resp.Diagnostics.AddError(summary, detail)
		return
	}
	resp.Diagnostics.Append(m.fromAPI(e)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// lookup finds the endpoint by id, or by app_name through the list; it returns a diagnostic
// naming what was looked for when there is none.
func (d *endpointDataSource) lookup(ctx context.Context, m endpointDataSourceModel) (*client.Endpoint, string, string) {
	id := m.ID.ValueString()
	if m.ID.IsNull() {
		appName := m.AppName.ValueString()
		found, err := d.data.client.FindEndpointByAppName(ctx, appName)
		if err != nil {
			return nil, "Unable to List Endpoints", fmt.Sprintf("Looking up the endpoint with app_name %q failed: %s", appName, err)
		}
		if found == nil {
			return nil, "Endpoint Not Found", fmt.Sprintf("No endpoint with app_name %q exists in this account.", appName)
		}
		id = found.ID
	}
	e, err := d.data.client.GetEndpoint(ctx, id)
	if client.IsNotFound(err) {
		return nil, "Endpoint Not Found", fmt.Sprintf("No endpoint with id %q exists in this account.", id)
	}
	if err != nil {
		return nil, "Unable to Read Endpoint", fmt.Sprintf("Reading endpoint %s failed: %s", id, err)
	}
	return e, "", ""
}
