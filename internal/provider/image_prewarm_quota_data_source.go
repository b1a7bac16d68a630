package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ datasource.DataSource              = &imagePrewarmQuotaDataSource{}
	_ datasource.DataSourceWithConfigure = &imagePrewarmQuotaDataSource{}
)

// NewImagePrewarmQuotaDataSource returns the novita_image_prewarm_quota data source.
func NewImagePrewarmQuotaDataSource() datasource.DataSource { return &imagePrewarmQuotaDataSource{} }

type imagePrewarmQuotaDataSource struct {
	data *providerData
}

type imagePrewarmQuotaModel struct {
	Total          types.Int64 `tfsdk:"total"`
	Limit          types.Int64 `tfsdk:"limit"`
	PerImageSizeGB types.Int64 `tfsdk:"per_image_size_gb"`
}

func (d *imagePrewarmQuotaDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image_prewarm_quota"
}

func (d *imagePrewarmQuotaDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the account's image prewarm quota: how many `novita_image_prewarm` tasks exist, how many are allowed, and the largest image one task may cache. " +
			"The provider already fails a plan that would create a task beyond the quota; this data source lets a configuration or a `check` block use the numbers.",
		Attributes: map[string]schema.Attribute{
			"total":             schema.Int64Attribute{MarkdownDescription: "Prewarm tasks that exist in the account, in any state.", Computed: true},
			"limit":             schema.Int64Attribute{MarkdownDescription: "The most prewarm tasks the account may have.", Computed: true},
			"per_image_size_gb": schema.Int64Attribute{MarkdownDescription: "The largest image one task may cache, GB; a larger image makes its task fail.", Computed: true},
		},
	}
}

func (d *imagePrewarmQuotaDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, resp.Diagnostics.AddError)
}

func (d *imagePrewarmQuotaDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	q, err := d.data.client.GetImagePrewarmQuota(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read the Image Prewarm Quota", err.Error())
		return
	}
	m := imagePrewarmQuotaModel{
		Total:          types.Int64Value(int64(q.Total)),
		Limit:          types.Int64Value(int64(q.Limit)),
		PerImageSizeGB: types.Int64Value(int64(q.PerImageSizeGB)),
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
