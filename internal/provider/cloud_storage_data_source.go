package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

var (
	_ datasource.DataSource                     = &cloudStorageDataSource{}
	_ datasource.DataSourceWithConfigure        = &cloudStorageDataSource{}
	_ datasource.DataSourceWithConfigValidators = &cloudStorageDataSource{}
)

// NewCloudStorageDataSource returns the novita_cloud_storage data source.
func NewCloudStorageDataSource() datasource.DataSource { return &cloudStorageDataSource{} }

type cloudStorageDataSource struct {
	data *providerData
}

// cloudStorageDataModel is the novita_cloud_storage data source: the resource's attributes
// without the Terraform-only settings.
type cloudStorageDataModel struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	SizeGB      types.Int64  `tfsdk:"size_gb"`
	ClusterID   types.String `tfsdk:"cluster_id"`
	ClusterName types.String `tfsdk:"cluster_name"`
	Price       types.String `tfsdk:"price"`
	CreatedAt   types.String `tfsdk:"created_at"`
}

// cloudStorageDataFromAPI maps a storage to the data source model.
func cloudStorageDataFromAPI(s *client.CloudStorage) cloudStorageDataModel {
	m := cloudStorageModel{CreatedAt: types.StringNull()}
	m.setFromAPI(s)
	return cloudStorageDataModel{
		ID: m.ID, Name: m.Name, SizeGB: m.SizeGB, ClusterID: m.ClusterID,
		ClusterName: m.ClusterName, Price: m.Price, CreatedAt: m.CreatedAt,
	}
}

func (d *cloudStorageDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cloud_storage"
}

func (d *cloudStorageDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up one Novita network storage volume by `id` or by exact `name` (set exactly one). " +
			"A name shared by several storages is an error that lists their ids.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The storage id to look up.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "The exact storage name to look up; it must match exactly one storage.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"size_gb":      schema.Int64Attribute{MarkdownDescription: "Size in GB.", Computed: true},
			"cluster_id":   schema.StringAttribute{MarkdownDescription: "The cluster hosting the storage.", Computed: true},
			"cluster_name": schema.StringAttribute{MarkdownDescription: "Name of the cluster hosting the storage.", Computed: true},
			"price":        schema.StringAttribute{MarkdownDescription: "The storage's price as the API reports it (a decimal string).", Computed: true},
			"created_at":   schema.StringAttribute{MarkdownDescription: "Creation time (RFC 3339, UTC), when the API reports it.", Computed: true},
		},
	}
}

func (d *cloudStorageDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name")),
	}
}

func (d *cloudStorageDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, resp.Diagnostics.AddError)
}

func (d *cloudStorageDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg cloudStorageDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	found := byIDOrName[client.CloudStorage]{
		kind:     "cloud storage",
		get:      d.data.client.GetCloudStorage,
		list:     d.data.client.ListCloudStorages,
		nameOf:   func(s client.CloudStorage) string { return s.Name },
		describe: func(s client.CloudStorage) string { return fmt.Sprintf("%s (cluster %s)", s.ID, s.ClusterID) },
	}.find(ctx, cfg.ID, cfg.Name, &resp.Diagnostics)
	if found == nil {
		return
	}
	m := cloudStorageDataFromAPI(found)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
