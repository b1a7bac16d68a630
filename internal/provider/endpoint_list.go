package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

var (
	_ list.ListResource              = &endpointListResource{}
	_ list.ListResourceWithConfigure = &endpointListResource{}
)

// NewEndpointListResource returns the novita_endpoint list resource.
func NewEndpointListResource() list.ListResource { return &endpointListResource{} }

type endpointListResource struct {
	data *providerData
}

type endpointListModel struct {
	NameContains types.String `tfsdk:"name_contains"`
	ClusterID    types.String `tfsdk:"cluster_id"`
}

func (r *endpointListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_endpoint"
}

func (r *endpointListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, resp.Diagnostics.AddError)
}

func (r *endpointListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the account's serverless endpoints for `terraform query` (Terraform 1.14 or newer), with their identity (`id`). " +
			"With `include_resource = true` or `terraform query -generate-config-out`, each endpoint is read in full. " +
			"Environment variables are never part of a result: the API does not tell secret ones apart, so generated configuration has no `env` " +
			"and the first plan warns about, and would delete, every variable the configuration does not set.",
		Attributes: map[string]schema.Attribute{
			"name_contains": nameContainsAttribute("name or app name"),
			"cluster_id":    clusterIDAttribute("endpoints"),
		},
	}
}

func (r *endpointListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg endpointListModel
	if !listConfig(ctx, req, stream, r.data, &cfg) {
		return
	}
	// The API's keyword narrows the pages; its matching is undocumented, so the provider re-checks.
	eps, err := r.data.client.ListEndpoints(ctx, cfg.NameContains.ValueString())
	if err != nil {
		stream.Results = listError("Unable to List Endpoints", err.Error())
		return
	}
	var items []listItem
	for _, e := range eps {
		if !matchesText(cfg.NameContains, e.Name, e.AppName) || !matchesExactly(cfg.ClusterID, e.RegionID) {
			continue
		}
		items = append(items, listItem{
			id:      e.ID,
			display: fmt.Sprintf("%s (app %s, %s)", e.Name, e.AppName, e.Status.Status),
			read:    r.reader(req, e.ID),
		})
	}
	stream.Results = streamItems(ctx, req, items)
}

// reader reads endpoint id in full, as an import would: list items carry no type, and
// environment variables stay out (see the schema description).
func (r *endpointListResource) reader(req list.ListRequest, id string) func(ctx context.Context) (any, bool, diag.Diagnostics) {
	return func(ctx context.Context) (any, bool, diag.Diagnostics) {
		e, err := r.data.client.GetEndpoint(ctx, id)
		if client.IsNotFound(err) {
			return nil, false, nil
		}
		var diags diag.Diagnostics
		if err != nil {
			diags.AddError("Unable to Read Endpoint", fmt.Sprintf("Reading endpoint %s failed: %s", id, err))
			return nil, false, diags
		}
		var m endpointResourceModel
		m.Timeouts, diags = nullTimeouts(ctx, req.ResourceSchema)
		diags.Append(m.fromAPI(ctx, e, nil)...)
		// Left out as a configuration would leave it: the health check port that defaults to port
		// (generated configuration must not set it without health_check_path).
		if m.HealthCheckPort.Equal(m.Port) {
			m.HealthCheckPort = types.Int64Null()
		}
		return &m, true, diags
	}
}
