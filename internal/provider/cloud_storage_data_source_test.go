package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

func TestCloudStorageDataFromAPI(t *testing.T) {
	m := cloudStorageDataFromAPI(&client.CloudStorage{ID: "st", Name: "n", SizeGB: 12, ClusterID: "c", ClusterName: "C", Price: "1.5"})
	if m.ID.ValueString() != "st" || m.Name.ValueString() != "n" || m.SizeGB.ValueInt64() != 12 || m.ClusterID.ValueString() != "c" ||
		m.ClusterName.ValueString() != "C" || m.Price.ValueString() != "1.5" || !m.CreatedAt.IsNull() {
		t.Errorf("mapping: %+v", m)
	}
}

func TestAccCloudStorageDataSource_byIDAndName(t *testing.T) {
	env := newTestEnv(t)
	clusterA, _, _ := env.storageClusters(t)
	name := accName("acc-ds-storage") // looked up by name: unique to this run
	var checks []statecheck.StateCheck
	for _, ds := range []string{"data.novita_cloud_storage.by_id", "data.novita_cloud_storage.by_name"} {
		for _, attr := range []string{"id", "name", "size_gb", "cluster_id", "cluster_name", "price", "created_at"} {
			checks = append(checks, statecheck.CompareValuePairs(storageAddr, tfjsonpath.New(attr), ds, tfjsonpath.New(attr), compare.ValuesSame()))
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: storageConfig(env, name, 30, clusterA, "") + fmt.Sprintf(`
# A longer name that contains the looked-up one must not count as a match.
resource "novita_cloud_storage" "other" {
  name       = "%s-2"
  size_gb    = 10
  cluster_id = %q
}

data "novita_cloud_storage" "by_id" {
  id = novita_cloud_storage.test.id
}

data "novita_cloud_storage" "by_name" {
  name       = novita_cloud_storage.test.name
  depends_on = [novita_cloud_storage.other]
}
`, name, clusterA),
			ConfigStateChecks: checks,
		}},
	})
}

func TestAccCloudStorageDataSource_errors(t *testing.T) {
	env := newTestEnv(t)
	clusterA, clusterB, _ := env.storageClusters(t)
	missing, twin := accName("acc-nothing-here"), accName("acc-twin") // unique to this run
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkStoragesDestroyed(env),
		Steps: []resource.TestStep{
			{
				Config:      env.config(`data "novita_cloud_storage" "x" { id = "00000000-0000-0000-0000-000000000000" }`),
				ExpectError: wrappedMessage("No Matching Cloud Storage", `No cloud storage with id "00000000-0000-0000-0000-000000000000" exists`),
			},
			{
				Config:      env.config(fmt.Sprintf(`data "novita_cloud_storage" "x" { name = %q }`, missing)),
				ExpectError: wrappedMessage("No Matching Cloud Storage", fmt.Sprintf(`No cloud storage named %q exists`, missing)),
			},
			{
				Config:      env.config(`data "novita_cloud_storage" "x" {}`),
				ExpectError: wrappedMessage("Missing Attribute Configuration", "Exactly one of these attributes must be configured: [id,name]"),
			},
			{
				Config: env.config(fmt.Sprintf(`
resource "novita_cloud_storage" "a" {
  name       = %[1]q
  size_gb    = 10
  cluster_id = %[2]q
}

resource "novita_cloud_storage" "b" {
  name       = %[1]q
  size_gb    = 10
  cluster_id = %[3]q
}

data "novita_cloud_storage" "x" {
  name       = %[1]q
  depends_on = [novita_cloud_storage.a, novita_cloud_storage.b]
}
`, twin, clusterA, clusterB)),
				ExpectError: wrappedMessage("Ambiguous Cloud Storage Name", fmt.Sprintf(`2 cloud storages are named %q`, twin), "Look one up by id instead"),
			},
		},
	})
}
