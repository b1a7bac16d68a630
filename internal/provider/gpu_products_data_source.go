package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

var (
	_ datasource.DataSource              = &gpuProductsDataSource{}
	_ datasource.DataSourceWithConfigure = &gpuProductsDataSource{}
)

// priceUnitsPerUSD converts the API's product price (1/100000 USD per hour) to USD per hour.
const priceUnitsPerUSD = 100000

// NewGPUProductsDataSource returns the novita_gpu_products data source.
func NewGPUProductsDataSource() datasource.DataSource { return &gpuProductsDataSource{} }

type gpuProductsDataSource struct {
	data *providerData
}

type gpuProductsModel struct {
	NameRegex     types.String      `tfsdk:"name_regex"`
	ClusterID     types.String      `tfsdk:"cluster_id"`
	AvailableOnly types.Bool        `tfsdk:"available_only"`
	Products      []gpuProductModel `tfsdk:"products"`
}

type gpuProductModel struct {
	ID              types.String  `tfsdk:"id"`
	Name            types.String  `tfsdk:"name"`
	PricePerHourUSD types.Float64 `tfsdk:"price_per_hour_usd"`
	Clusters        []string      `tfsdk:"clusters"`
	Available       types.Bool    `tfsdk:"available"`
	Inventory       types.String  `tfsdk:"inventory"`
}

// gpuProductFromAPI maps one catalogue entry.
func gpuProductFromAPI(p client.Product) gpuProductModel {
	clusters := append([]string{}, p.Regions...)
	return gpuProductModel{
		ID:              types.StringValue(p.ID),
		Name:            types.StringValue(p.Name),
		PricePerHourUSD: types.Float64Value(float64(p.Price) / priceUnitsPerUSD),
		Clusters:        clusters,
		Available:       types.BoolValue(p.AvailableDeploy),
		Inventory:       types.StringValue(p.InventoryState),
	}
}

// productFilter is the data source's optional filters; zero values match everything.
type productFilter struct {
	nameRegex     *regexp.Regexp
	clusterID     string
	availableOnly bool
}

func (f productFilter) match(p client.Product) bool {
	if f.nameRegex != nil && !f.nameRegex.MatchString(p.Name) {
		return false
	}
	if f.clusterID != "" && !slices.Contains(p.Regions, f.clusterID) {
		return false
	}
	return !f.availableOnly || p.AvailableDeploy
}

// filterProducts keeps the matching products, sorted by id; none matching is an empty list.
func filterProducts(all []client.Product, f productFilter) []gpuProductModel {
	out := []gpuProductModel{}
	for _, p := range all {
		if f.match(p) {
			out = append(out, gpuProductFromAPI(p))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID.ValueString() < out[j].ID.ValueString() })
	return out
}

// regexValidator accepts strings that compile as Go regular expressions (RE2 syntax).
type regexValidator struct{}

var _ validator.String = regexValidator{}

func (regexValidator) Description(context.Context) string {
	return "must be a valid regular expression (RE2 syntax)"
}

func (v regexValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (regexValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := regexp.Compile(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Regular Expression",
			fmt.Sprintf("%s is not a valid regular expression (RE2 syntax): %s", req.Path, err))
	}
}

func (d *gpuProductsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_gpu_products"
}

func (d *gpuProductsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the serverless GPU products an endpoint can use (`novita_endpoint.product_id`), with prices and the clusters offering them. " +
			"Filters combine with AND; a filter that matches nothing gives an empty `products` list, not an error " +
			"(test `length(...products) > 0` in a precondition where a product is required).",
		Attributes: map[string]schema.Attribute{
			"name_regex": schema.StringAttribute{
				MarkdownDescription: "Keep products whose name matches this regular expression (RE2 syntax, unanchored), e.g. `\"^RTX 4090\"` or `\"(?i)h100\"`.",
				Optional:            true,
				Validators:          []validator.String{regexValidator{}},
			},
			"cluster_id": schema.StringAttribute{
				MarkdownDescription: "Keep products offered in this cluster (see `novita_clusters`).",
				Optional:            true,
			},
			"available_only": schema.BoolAttribute{
				MarkdownDescription: "Keep only products that can be deployed now (`available = true`). Default `false`.",
				Optional:            true,
			},
			"products": schema.ListNestedAttribute{
				MarkdownDescription: "The matching products, sorted by id.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id":                 schema.StringAttribute{Computed: true, MarkdownDescription: "Product id, e.g. `SL-serverless-1`: the endpoint's `product_id`."},
						"name":               schema.StringAttribute{Computed: true, MarkdownDescription: "GPU name, e.g. `RTX 4090 24GB`."},
						"price_per_hour_usd": schema.Float64Attribute{Computed: true, MarkdownDescription: "Price of one GPU per hour in US dollars (the API's price in 1/100000 USD, divided by 100000)."},
						"clusters":           schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Ids of the clusters offering the product."},
						"available":          schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether new workers can be deployed on it now."},
						"inventory":          schema.StringAttribute{Computed: true, MarkdownDescription: "Stock level: `none`, `low`, `normal` or `high`."},
					},
				},
			},
		},
	}
}

func (d *gpuProductsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, resp.Diagnostics.AddError)
}

func (d *gpuProductsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m gpuProductsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	f := productFilter{clusterID: m.ClusterID.ValueString(), availableOnly: m.AvailableOnly.ValueBool()}
	if s := m.NameRegex.ValueString(); s != "" {
		re, err := regexp.Compile(s)
		if err != nil { // the validator catches this at plan time; kept for values known only at apply
			resp.Diagnostics.AddAttributeError(path.Root("name_regex"), "Invalid Regular Expression", err.Error())
			return
		}
		f.nameRegex = re
	}
	products, err := d.data.client.ListServerlessProducts(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Unable to List GPU Products", "Reading the serverless GPU product catalogue failed: "+err.Error())
		return
	}
	m.Products = filterProducts(products, f)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
