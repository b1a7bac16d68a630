package provider

import (
	"testing"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

func TestCloudStorageDataFromAPI(t *testing.T) {
	m := cloudStorageDataFromAPI(&client.CloudStorage{ID: "st", Name: "n", SizeGB: 12, ClusterID: "c", ClusterName: "C", Price: "1.5"})
	if m.ID.ValueString() != "st" || m.Name.ValueString() != "n" || m.SizeGB.ValueInt64() != 12 || m.ClusterID.ValueString() != "c" ||
		m.ClusterName.ValueString() != "C" || m.Price.ValueString() != "1.5" || !m.CreatedAt.IsNull() {
		t.Errorf("mapping: %+v", m)
	}
}
