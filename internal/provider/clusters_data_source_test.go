package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

func TestFilterClusters(t *testing.T) {
	all := []client.Cluster{
		{ID: "us", Name: "US", AvailableGPUType: []string{"RTX 4090 24GB", "RTX 5090 32GB"}, SupportNetworkStorage: true},
		{ID: "ap", Name: "AP", AvailableGPUType: []string{"RTX 5090 32GB"}, SupportNetworkStorage: false},
		{ID: "eu", Name: "EU", AvailableGPUType: []string{"H100 SXM 80GB"}, SupportNetworkStorage: true},
	}
	ids := func(ms []clusterModel) string {
		var out []string
		for _, m := range ms {
			out = append(out, m.ID.ValueString())
		}
		return strings.Join(out, ",")
	}
	tests := []struct {
		name        string
		gpuType     string
		storageOnly bool
		want        string
	}{
		{"no filter, sorted by id", "", false, "ap,eu,us"},
		{"gpu type, case-insensitive", "rtx 5090 32gb", false, "ap,us"},
		{"network storage only", "", true, "eu,us"},
		{"combined", "RTX 5090 32GB", true, "us"},
		{"nothing matches", "B200", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := filterClusters(all, tt.gpuType, tt.storageOnly)
			if got == nil {
				t.Fatal("filterClusters returned nil; want an empty list when nothing matches")
			}
			if ids(got) != tt.want {
				t.Errorf("filterClusters() = %q, want %q", ids(got), tt.want)
			}
		})
	}
	m := clusterFromAPI(all[0])
	if m.Name.ValueString() != "US" || strings.Join(m.GPUTypes, ",") != "RTX 4090 24GB,RTX 5090 32GB" || !m.SupportsNetworkStorage.ValueBool() {
		t.Errorf("clusterFromAPI() = %+v", m)
	}
}

func TestAccClustersDataSource_filters(t *testing.T) {
	env := newTestEnv(t)
	clusters, err := env.api.ListClusters(context.Background())
	if err != nil || len(clusters) == 0 {
		t.Fatalf("ListClusters: %d clusters, %v", len(clusters), err)
	}
	gpu := clusters[0].AvailableGPUType[0]
	withGPU, withStorage := 0, 0
	for _, c := range clusters {
		for _, g := range c.AvailableGPUType {
			if g == gpu {
				withGPU++
				break
			}
		}
		if c.SupportNetworkStorage {
			withStorage++
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.config(fmt.Sprintf(`
data "novita_clusters" "all" {}

data "novita_clusters" "gpu" {
  gpu_type = %q
}

data "novita_clusters" "storage" {
  network_storage_only = true
}

data "novita_clusters" "none" {
  gpu_type = "no such gpu"
}

output "gpu_all_offer_it" {
  value = alltrue([for c in data.novita_clusters.gpu.clusters : contains(c.gpu_types, %q)])
}

output "storage_all_support_it" {
  value = alltrue([for c in data.novita_clusters.storage.clusters : c.supports_network_storage])
}
`, strings.ToLower(gpu), gpu)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.novita_clusters.all", tfjsonpath.New("clusters"), knownvalue.ListSizeExact(len(clusters))),
					statecheck.ExpectKnownValue("data.novita_clusters.gpu", tfjsonpath.New("clusters"), knownvalue.ListSizeExact(withGPU)),
					statecheck.ExpectKnownOutputValue("gpu_all_offer_it", knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.novita_clusters.storage", tfjsonpath.New("clusters"), knownvalue.ListSizeExact(withStorage)),
					statecheck.ExpectKnownOutputValue("storage_all_support_it", knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.novita_clusters.none", tfjsonpath.New("clusters"), knownvalue.ListExact([]knownvalue.Check{})),
				},
			},
		},
	})
}
