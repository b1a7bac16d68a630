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

// gpuProductModel is one product as v2 returns it, under names a Terraform user reads easily.
// Prices stay raw: the docs give no currency, so none is invented.
type gpuProductModel struct {
	ID                types.String `tfsdk:"id"`
	Name              types.String `tfsdk:"name"`
	Description       types.String `tfsdk:"description"`
	GPUName           types.String `tfsdk:"gpu_name"`
	GPUMemoryGB       types.Int64  `tfsdk:"gpu_memory_gb"`
	GPUsPerWorkerMin  types.Int64  `tfsdk:"gpus_per_worker_min"`
	GPUsPerWorkerMax  types.Int64  `tfsdk:"gpus_per_worker_max"`
	GPUsAvailable     types.Int64  `tfsdk:"gpus_available"`
	ClusterIDs        []string     `tfsdk:"cluster_ids"`
	Deployable        types.Bool   `tfsdk:"deployable"`
	InventoryState    types.String `tfsdk:"inventory_state"`
	SystemDiskMinGB   types.Int64  `tfsdk:"system_disk_min_gb"`
	SystemDiskMaxGB   types.Int64  `tfsdk:"system_disk_max_gb"`
	SystemDiskFreeGB  types.Int64  `tfsdk:"system_disk_free_gb"`
	PricePrecision    types.Int64  `tfsdk:"price_precision"`
	PriceUnit         types.String `tfsdk:"price_unit"`
	PostpaidBasePrice types.Int64  `tfsdk:"postpaid_base_price"`
	PostpaidPrice     types.Int64  `tfsdk:"postpaid_price"`
	BillingMethods    []string     `tfsdk:"billing_methods"`
}

// gpuProductFromAPI maps one catalogue entry.
func gpuProductFromAPI(p client.Product) gpuProductModel {
	spec := p.ResourceSpec
	m := gpuProductModel{
		ID:               types.StringValue(p.ID),
		Name:             types.StringValue(p.Name),
		Description:      types.StringValue(p.Description),
		GPUName:          types.StringValue(spec.GPU.Name),
		GPUMemoryGB:      types.Int64Value(int64(spec.GPU.MemoryGB)),
		GPUsPerWorkerMin: types.Int64Value(int64(spec.GPU.Min)),
		GPUsPerWorkerMax: types.Int64Value(int64(spec.GPU.Max)),
		GPUsAvailable:    types.Int64Value(int64(spec.GPU.Available)),
		ClusterIDs:       append([]string{}, p.RegionIDs...),
		Deployable:       types.BoolValue(p.Deployable),
		InventoryState:   types.StringValue(p.InventoryState),
		SystemDiskMinGB:  types.Int64Value(int64(spec.Rootfs.MinGB)),
		SystemDiskMaxGB:  types.Int64Value(int64(spec.Rootfs.MaxGB)),
		SystemDiskFreeGB: types.Int64Value(int64(spec.Rootfs.FreeGB)),
		PricePrecision:   types.Int64Value(int64(p.Pricing.Precision)),
		PriceUnit:        types.StringNull(),
		BillingMethods:   append([]string{}, p.BillingMethods...),
	}
	m.PostpaidBasePrice, m.PostpaidPrice = types.Int64Null(), types.Int64Null()
	if pp := p.Pricing.Postpaid; pp != nil {
		m.PriceUnit = types.StringValue(pp.Unit)
		m.PostpaidBasePrice = types.Int64Value(int64(pp.BasePrice))
		m.PostpaidPrice = types.Int64Value(int64(pp.FinalPrice))
	}
	return m
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
	if f.clusterID != "" && !slices.Contains(p.RegionIDs, f.clusterID) {
		return false
	}
	return !f.availableOnly || p.Deployable
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
	if !known(req.ConfigValue) {
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
		MarkdownDescription: "Lists the serverless GPU products an endpoint can use (`novita_endpoint.product_id`), with their GPUs, system disk range, clusters and raw prices as Novita's GPU API v2 returns them. " +
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
				MarkdownDescription: "Keep only products that can be deployed now (`deployable = true`). Default `false`.",
				Optional:            true,
			},
			"products": schema.ListNestedAttribute{
				MarkdownDescription: "The matching products, sorted by id.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id":                  computedString("Product id, e.g. `SL-serverless-1`: the endpoint's `product_id`."),
						"name":                computedString("Product name, e.g. `RTX 4090 24GB`."),
						"description":         computedString("Novita's description of the product."),
						"gpu_name":            computedString("GPU model (v2 `resource_spec.gpu.name`)."),
						"gpu_memory_gb":       computedInt("Memory of one GPU, GB."),
						"gpus_per_worker_min": computedInt("Fewest GPUs one worker can have (the endpoint's `gpu_count`)."),
						"gpus_per_worker_max": computedInt("Most GPUs one worker can have."),
						"gpus_available":      computedInt("GPUs available now, as Novita reports it (v2 `resource_spec.gpu.available`)."),
						"cluster_ids":         schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Ids of the clusters offering the product (v2 `region_ids`; the endpoint's `cluster_id`)."},
						"deployable":          schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether new workers can be deployed on it now."},
						"inventory_state":     computedString("Stock level as Novita reports it, e.g. `normal`."),
						"system_disk_min_gb":  computedInt("Smallest system disk per worker, GB (the endpoint's `system_disk_gb`)."),
						"system_disk_max_gb":  computedInt("Largest system disk per worker, GB."),
						"system_disk_free_gb": computedInt("System disk included at no charge, GB."),
						"price_precision":     computedInt("Novita's `pricing.precision` for the prices below, as sent (the docs do not define it further)."),
						"price_unit":          computedString("Unit of the pay-as-you-go prices as sent, e.g. `per_hour`; null when the product has no pay-as-you-go price."),
						"postpaid_base_price": computedInt("Pay-as-you-go list price, the raw integer Novita sends (no currency is documented)."),
						"postpaid_price":      computedInt("Pay-as-you-go price after discounts, the raw integer Novita sends."),
						"billing_methods":     schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "How the product can be billed, e.g. `postpaid`."},
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

func computedString(desc string) schema.StringAttribute {
	return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
}

func computedInt(desc string) schema.Int64Attribute {
	return schema.Int64Attribute{Computed: true, MarkdownDescription: desc}
}
