package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
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

func TestGPUProductFromAPI_documentedExample(t *testing.T) {
	// The P-products example verbatim (its category is "instance"; the shape is the same).
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "v2", "product.json"))
	if err != nil {
		t.Fatal(err)
	}
	var p client.Product
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatalf("decoding the documented product: %v", err)
	}
	got := gpuProductFromAPI(p)
	want := gpuProductModel{
		ID: types.StringValue("prod-a100-80g"), Name: types.StringValue("A100-80G"), Description: types.StringValue("NVIDIA A100 80GB"),
		GPUName: types.StringValue("A100"), GPUMemoryGB: types.Int64Value(80),
		GPUsPerWorkerMin: types.Int64Value(1), GPUsPerWorkerMax: types.Int64Value(8), GPUsAvailable: types.Int64Value(6),
		ClusterIDs: []string{"c-east-1"}, Deployable: types.BoolValue(true), InventoryState: types.StringValue("normal"),
		SystemDiskMinGB: types.Int64Value(50), SystemDiskMaxGB: types.Int64Value(500), SystemDiskFreeGB: types.Int64Value(50),
		PricePrecision: types.Int64Value(3), PriceUnit: types.StringValue("per_hour"),
		PostpaidBasePrice: types.Int64Value(18000), PostpaidPrice: types.Int64Value(12600),
		BillingMethods: []string{"postpaid", "prepaid", "spot"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("gpuProductFromAPI:\n got %+v\nwant %+v", got, want)
	}
}

func TestGPUProductFromAPI_noPostpaidPriceIsNull(t *testing.T) {
	got := gpuProductFromAPI(client.Product{ID: "x"})
	if !got.PriceUnit.IsNull() || !got.PostpaidPrice.IsNull() || got.ClusterIDs == nil || got.BillingMethods == nil {
		t.Errorf("gpuProductFromAPI(no prices) = %+v; want null prices and empty (not null) lists", got)
	}
}

func TestFilterProducts(t *testing.T) {
	all := []client.Product{
		{ID: "p3", Name: "RTX 5090 32GB", RegionIDs: []string{"us"}, Deployable: true},
		{ID: "p1", Name: "RTX 4090 24GB", RegionIDs: []string{"us", "eu"}, Deployable: true},
		{ID: "p2", Name: "H100 SXM 80GB", RegionIDs: []string{"eu"}, Deployable: false},
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
	cluster := first.RegionIDs[0]
	inCluster := count(func(p client.Product) bool {
		for _, r := range p.RegionIDs {
			if r == cluster {
				return true
			}
		}
		return false
	})
	rtx := count(func(p client.Product) bool { return strings.HasPrefix(strings.ToUpper(p.Name), "RTX") })
	available := count(func(p client.Product) bool { return p.Deployable })

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
  value = alltrue([for p in data.novita_gpu_products.in_cluster.products : contains(p.cluster_ids, %q)])
}

output "available_all_available" {
  value = alltrue([for p in data.novita_gpu_products.available.products : p.deployable])
}
`, cluster, cluster)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.novita_gpu_products.all", tfjsonpath.New("products"), knownvalue.ListSizeExact(len(catalogue))),
					statecheck.ExpectKnownValue("data.novita_gpu_products.all", tfjsonpath.New("products").AtSliceIndex(0).AtMapKey("id"), knownvalue.StringExact(first.ID)),
					statecheck.ExpectKnownValue("data.novita_gpu_products.all", tfjsonpath.New("products").AtSliceIndex(0).AtMapKey("name"), knownvalue.StringExact(first.Name)),
					statecheck.ExpectKnownValue("data.novita_gpu_products.all", tfjsonpath.New("products").AtSliceIndex(0).AtMapKey("cluster_ids"), knownvalue.ListSizeExact(len(first.RegionIDs))),
					statecheck.ExpectKnownValue("data.novita_gpu_products.all", tfjsonpath.New("products").AtSliceIndex(0).AtMapKey("deployable"), knownvalue.Bool(first.Deployable)),
					statecheck.ExpectKnownValue("data.novita_gpu_products.all", tfjsonpath.New("products").AtSliceIndex(0).AtMapKey("gpus_per_worker_max"), knownvalue.Int64Exact(int64(first.ResourceSpec.GPU.Max))),
					statecheck.ExpectKnownValue("data.novita_gpu_products.all", tfjsonpath.New("products").AtSliceIndex(0).AtMapKey("inventory_state"), knownvalue.StringExact(first.InventoryState)),
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
