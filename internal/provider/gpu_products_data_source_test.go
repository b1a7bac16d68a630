package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

func TestGPUProductFromAPI_price(t *testing.T) {
	tests := []struct {
		price client.Int
		want  float64
	}{
		{69000, 0.69},
		{289000, 2.89},
		{100000, 1},
		{1, 0.00001},
		{0, 0},
	}
	for _, tt := range tests {
		got := gpuProductFromAPI(client.Product{ID: "p", Price: tt.price}).PricePerHourUSD.ValueFloat64()
		if got != tt.want {
			t.Errorf("price %d: price_per_hour_usd = %v, want %v", tt.price, got, tt.want)
		}
	}
}

func TestGPUProductFromAPI_fields(t *testing.T) {
	got := gpuProductFromAPI(client.Product{
		ID: "SL-serverless-9", Name: "L40S 48GB", Price: 50000, Regions: []string{"c1", "c2"},
		AvailableDeploy: false, InventoryState: "none",
	})
	if got.ID.ValueString() != "SL-serverless-9" || got.Name.ValueString() != "L40S 48GB" ||
		strings.Join(got.Clusters, ",") != "c1,c2" || got.Available.ValueBool() || got.Inventory.ValueString() != "none" {
		t.Errorf("gpuProductFromAPI() = %+v", got)
	}
	if none := gpuProductFromAPI(client.Product{ID: "x"}); none.Clusters == nil {
		t.Error("a product without regions must map to an empty clusters list, not null")
	}
}

func TestFilterProducts(t *testing.T) {
	all := []client.Product{
		{ID: "p3", Name: "RTX 5090 32GB", Regions: []string{"us"}, AvailableDeploy: true},
		{ID: "p1", Name: "RTX 4090 24GB", Regions: []string{"us", "eu"}, AvailableDeploy: true},
		{ID: "p2", Name: "H100 SXM 80GB", Regions: []string{"eu"}, AvailableDeploy: false},
	}
	ids := func(ms []gpuProductModel) string {
		var out []string
		for _, m := range ms {
			out = append(out, m.ID.ValueString())
		}
		return strings.Join(out, ",")
	}
	tests := []struct {
		name string
		f    productFilter
		want string
	}{
		{"no filter, sorted by id", productFilter{}, "p1,p2,p3"},
		{"name regex", productFilter{nameRegex: regexp.MustCompile(`^RTX`)}, "p1,p3"},
		{"case-insensitive regex", productFilter{nameRegex: regexp.MustCompile(`(?i)h100`)}, "p2"},
		{"cluster", productFilter{clusterID: "eu"}, "p1,p2"},
		{"available only", productFilter{availableOnly: true}, "p1,p3"},
		{"combined", productFilter{clusterID: "eu", availableOnly: true}, "p1"},
		{"nothing matches", productFilter{clusterID: "ap"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := filterProducts(all, tt.f)
			if got == nil {
				t.Fatal("filterProducts returned nil; want an empty list when nothing matches")
			}
			if ids(got) != tt.want {
				t.Errorf("filterProducts() = %q, want %q", ids(got), tt.want)
			}
		})
	}
}

func TestRegexValidator(t *testing.T) {
	tests := []struct {
		name    string
		value   types.String
		wantErr bool
	}{
		{"null", types.StringNull(), false},
		{"unknown", types.StringUnknown(), false},
		{"valid", types.StringValue(`^RTX \d{4}`), false},
		{"invalid", types.StringValue(`RTX (4090`), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := &validator.StringResponse{}
			regexValidator{}.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("name_regex"), ConfigValue: tt.value}, resp)
			if got := resp.Diagnostics.HasError(); got != tt.wantErr {
				t.Fatalf("error = %v, want %v: %v", got, tt.wantErr, resp.Diagnostics)
			}
		})
	}
}

func TestAccGPUProductsDataSource_filters(t *testing.T) {
	env := newTestEnv(t)
	// Expectations come from the catalogue as the API reports it, so they hold on the live API too.
	catalogue, err := env.api.ListServerlessProducts(context.Background())
	if err != nil || len(catalogue) == 0 {
		t.Fatalf("ListServerlessProducts: %d products, %v", len(catalogue), err)
	}
	first := catalogue[0]
	for _, p := range catalogue {
		if p.ID < first.ID {
			first = p
		}
	}
	count := func(keep func(client.Product) bool) int {
		n := 0
		for _, p := range catalogue {
			if keep(p) {
				n++
			}
		}
		return n
	}
	cluster := first.Regions[0]
	inCluster := count(func(p client.Product) bool {
		for _, r := range p.Regions {
			if r == cluster {
				return true
			}
		}
		return false
	})
	rtx := count(func(p client.Product) bool { return strings.HasPrefix(strings.ToUpper(p.Name), "RTX") })
	available := count(func(p client.Product) bool { return p.AvailableDeploy })

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// First: the post-test destroy uses the last step's configuration.
				Config:      env.config(`data "novita_gpu_products" "bad" { name_regex = "RTX (4090" }`),
				ExpectError: regexp.MustCompile(`(?s)Invalid Regular Expression.*name_regex`),
			},
			{
				Config: env.config(fmt.Sprintf(`
data "novita_gpu_products" "all" {}

data "novita_gpu_products" "rtx" {
  name_regex = "(?i)^rtx"
}

data "novita_gpu_products" "in_cluster" {
  cluster_id = %q
}

data "novita_gpu_products" "available" {
  available_only = true
}

data "novita_gpu_products" "none" {
  name_regex = "^no such gpu$"
}

output "in_cluster_all_offered_there" {
  value = alltrue([for p in data.novita_gpu_products.in_cluster.products : contains(p.clusters, %q)])
}

output "available_all_available" {
  value = alltrue([for p in data.novita_gpu_products.available.products : p.available])
}
`, cluster, cluster)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.novita_gpu_products.all", tfjsonpath.New("products"), knownvalue.ListSizeExact(len(catalogue))),
					statecheck.ExpectKnownValue("data.novita_gpu_products.all", tfjsonpath.New("products").AtSliceIndex(0), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id":                 knownvalue.StringExact(first.ID),
						"name":               knownvalue.StringExact(first.Name),
						"price_per_hour_usd": knownvalue.Float64Exact(float64(first.Price) / 100000),
						"clusters":           knownvalue.ListSizeExact(len(first.Regions)),
						"available":          knownvalue.Bool(first.AvailableDeploy),
						"inventory":          knownvalue.StringExact(first.InventoryState),
					})),
					statecheck.ExpectKnownValue("data.novita_gpu_products.rtx", tfjsonpath.New("products"), knownvalue.ListSizeExact(rtx)),
					statecheck.ExpectKnownValue("data.novita_gpu_products.in_cluster", tfjsonpath.New("products"), knownvalue.ListSizeExact(inCluster)),
					statecheck.ExpectKnownOutputValue("in_cluster_all_offered_there", knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.novita_gpu_products.available", tfjsonpath.New("products"), knownvalue.ListSizeExact(available)),
					statecheck.ExpectKnownOutputValue("available_all_available", knownvalue.Bool(true)),
					// A filter that matches nothing is an empty list, not an error.
					statecheck.ExpectKnownValue("data.novita_gpu_products.none", tfjsonpath.New("products"), knownvalue.ListExact([]knownvalue.Check{})),
				},
			},
		},
	})
}
