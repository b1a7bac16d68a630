package provider

import (
	"context"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

var (
	_ datasource.DataSource              = &clustersDataSource{}
	_ datasource.DataSourceWithConfigure = &clustersDataSource{}
)

// NewClustersDataSource returns the novita_clusters data source.
func NewClustersDataSource() datasource.DataSource { return &clustersDataSource{} }

type clustersDataSource struct {
	data *providerData
}

type clustersModel struct {
	GPUType            types.String   `tfsdk:"gpu_type"`
	NetworkStorageOnly types.Bool     `tfsdk:"network_storage_only"`
	Clusters           []clusterModel `tfsdk:"clusters"`
}

type clusterModel struct {
	ID                     types.String `tfsdk:"id"`
	Name                   types.String `tfsdk:"name"`
	GPUTypes               []string     `tfsdk:"gpu_types"`
	SupportsNetworkStorage types.Bool   `tfsdk:"supports_network_storage"`
}

// clusterFromAPI maps one cluster.
func clusterFromAPI(c client.Cluster) clusterModel {
	return clusterModel{
		ID:                     types.StringValue(c.ID),
		Name:                   types.StringValue(c.Name),
		GPUTypes:               append([]string{}, c.AvailableGPUType...),
		SupportsNetworkStorage: types.BoolValue(c.SupportNetworkStorage),
	}
}

// filterClusters keeps clusters offering gpuType (case-insensitive; "" matches all) and, when
// networkStorageOnly, supporting network storage; sorted by id; none matching is an empty list.
func filterClusters(all []client.Cluster, gpuType string, networkStorageOnly bool) []clusterModel {
	out := []clusterModel{}
	for _, c := range all {
		if gpuType != "" && !slices.ContainsFunc(c.AvailableGPUType, func(t string) bool { return strings.EqualFold(t, gpuType) }) {
			continue
		}
		if networkStorageOnly && !c.SupportNetworkStorage {
			continue
		}
		out = append(out, clusterFromAPI(c))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID.ValueString() < out[j].ID.ValueString() })
	return out
}

func (d *clustersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_clusters"
}

func (d *clustersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the clusters (regions) that host endpoint workers and cloud storage. " +
			"Filters combine with AND; a filter that matches nothing gives an empty `clusters` list, not an error.",
		Attributes: map[string]schema.Attribute{
			"gpu_type": schema.StringAttribute{
				MarkdownDescription: "Keep clusters offering this GPU type, compared case-insensitively: a product name from `novita_gpu_products`, e.g. `RTX 4090 24GB`.",
				Optional:            true,
			},
			"network_storage_only": schema.BoolAttribute{
				MarkdownDescription: "Keep only clusters that support network storage (needed for `novita_cloud_storage` and network volume mounts). Default `false`.",
				Optional:            true,
			},
			"clusters": schema.ListNestedAttribute{
				MarkdownDescription: "The matching clusters, sorted by id.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id":                       schema.StringAttribute{Computed: true, MarkdownDescription: "Cluster id: the `cluster_id` of endpoints and cloud storage."},
						"name":                     schema.StringAttribute{Computed: true, MarkdownDescription: "Display name."},
						"gpu_types":                schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "GPU types offered in the cluster."},
						"supports_network_storage": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the cluster supports network storage."},
					},
				},
			},
		},
	}
}

func (d *clustersDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, resp.Diagnostics.AddError)
}

func (d *clustersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m clustersModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	clusters, err := d.data.client.ListClusters(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Unable to List Clusters", "Reading the clusters failed: "+err.Error())
		return
	}
	m.Clusters = filterClusters(clusters, m.GPUType.ValueString(), m.NetworkStorageOnly.ValueBool())
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
