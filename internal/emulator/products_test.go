package emulator_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
)

// The product list has exactly the keys of the documented v2 example (spot and prepaid prices
// aside: the emulator bills postpaid only), with JSON types as documented.
func TestProductsShape(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	r := mustOK(t, h.get(products+"?type=gpu&category=serverless", keyA))
	if keys := keysOf(r.obj()); !slices.Equal(keys, []string{"data"}) {
		t.Errorf("top-level keys %v, want [data]", keys)
	}
	list := objects(t, r.body, "data")
	if len(list) != 3 {
		t.Fatalf("%d products, want 3", len(list))
	}
	byName := map[string]map[string]any{}
	for _, p := range list {
		byName[at[string](t, p, "name")] = p
		for path, want := range map[string][]string{
			"":                  {"activity", "billing_methods", "category", "deployable", "description", "id", "inventory_state", "name", "pricing", "region_ids", "resource_spec", "type"},
			"resource_spec":     {"cpu", "gpu", "memory_gb", "rootfs"},
			"resource_spec.gpu": {"available", "max", "max_available", "memory_gb", "min", "name", "spec_id"},
			"pricing":           {"postpaid", "precision", "storage_price_per_gb"},
			"pricing.postpaid":  {"base_price", "final_price", "unit"},
			"activity":          {"active", "is_activity_product", "purchasable"},
		} {
			var steps []any
			for _, s := range strings.Split(path, ".") {
				if s != "" {
					steps = append(steps, s)
				}
			}
			if keys := keysOf(at[map[string]any](t, p, steps...)); !slices.Equal(keys, want) {
				t.Errorf("%s %q keys %v, want %v", p["id"], path, keys, want)
			}
		}
		if at[string](t, p, "type") != "gpu" || at[string](t, p, "category") != "serverless" {
			t.Errorf("type/category = %v/%v", p["type"], p["category"])
		}
		at[bool](t, p, "deployable")
		at[float64](t, p, "resource_spec", "rootfs", "free_gb")
		at[float64](t, p, "pricing", "precision")
		at[string](t, p, "region_ids", 0)
		at[string](t, p, "billing_methods", 0)
	}
	rtx := byName["RTX 5090 32GB"]
	if rtx["id"] != "SL-serverless-3" || byName["RTX 4090 24GB"] == nil || byName["H100 SXM 80GB"] == nil {
		t.Fatalf("catalog names = %v", slices.Sorted(maps.Keys(byName)))
	}
	gpu := at[map[string]any](t, rtx, "resource_spec", "gpu")
	if gpu["name"] != "RTX 5090" || gpu["memory_gb"] != 32.0 || gpu["min"] != 1.0 || gpu["max"] != 4.0 {
		t.Errorf("RTX 5090 gpu = %v", gpu)
	}
	if p := at[map[string]any](t, rtx, "pricing", "postpaid"); p["final_price"] != 89000.0 || p["unit"] != "per_hour" {
		t.Errorf("RTX 5090 price = %v", p)
	}
	if regions := at[[]any](t, rtx, "region_ids"); len(regions) != 2 || regions[0] != "us-dallas-1" {
		t.Errorf("RTX 5090 regions = %v", regions)
	}
}

func TestProductsQuery(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	count := func(query string) int {
		return len(at[[]any](t, mustOK(t, h.get(products+query, keyA)).body, "data"))
	}
	if n := count("?category=serverless"); n != 3 {
		t.Errorf("no type (means gpu): %d products, want 3", n)
	}
	if n := count("?type=&category=serverless"); n != 3 {
		t.Errorf("empty type (means gpu): %d products, want 3", n)
	}
	if n := count("?type=cpu&category=serverless"); n != 0 {
		t.Errorf("type=cpu: %d products, want none", n)
	}
	if n := count("?type=gpu&category=instance"); n != 0 {
		t.Errorf("category=instance: %d products, want none (the emulator serves serverless only)", n)
	}
	wantInvalid(t, h.get(products+"?type=gpu", keyA), "category", "serverless", "instance")
	wantInvalid(t, h.get(products, keyA), "category")
	wantInvalid(t, h.get(products+"?type=tpu&category=serverless", keyA), "type", "gpu", "cpu", "tpu")
	wantInvalid(t, h.get(products+"?type=gpu&category=spot", keyA), "category", "serverless", "instance", "spot")
}
