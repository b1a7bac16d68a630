package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

func TestRegistryCredentialDataSource_neverExposesPassword(t *testing.T) {
	var resp datasource.SchemaResponse
	NewRegistryCredentialDataSource().Schema(context.Background(), datasource.SchemaRequest{}, &resp)
	for name := range resp.Schema.Attributes {
		if name != "id" && name != "name" && name != "username" {
			t.Errorf("unexpected attribute %q: the data source outputs id, name and username only", name)
		}
	}
	m := registryCredentialDataFromAPI(&client.RegistryCredential{ID: "1", Name: "hub", Username: "me", Password: "secret"})
	if m.ID.ValueString() != "1" || m.Name.ValueString() != "hub" || m.Username.ValueString() != "me" {
		t.Errorf("mapping: %+v", m)
	}
}
