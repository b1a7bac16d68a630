package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

func TestRegistryCredentialDataSource_neverExposesPassword(t *testing.T) {
	var resp datasource.SchemaResponse
	NewRegistryCredentialDataSource().Schema(t.Context(), datasource.SchemaRequest{}, &resp)
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

func TestAccRegistryCredentialDataSource_byIDAndName(t *testing.T) {
	env := newTestEnv(t)
	name := accName("acc-ds-cred") // looked up by name: unique to this run
	var checks []statecheck.StateCheck
	for _, ds := range []string{"data.novita_registry_credential.by_id", "data.novita_registry_credential.by_name"} {
		for _, attr := range []string{"id", "name", "username"} {
			checks = append(checks, statecheck.CompareValuePairs(credAddr, tfjsonpath.New(attr), ds, tfjsonpath.New(attr), compare.ValuesSame()))
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: credentialConfig(env, name, "robot", `password = "pw"`) + fmt.Sprintf(`
resource "novita_registry_credential" "other" {
  name     = "%s-2"
  username = "robot"
  password = "pw"
}

data "novita_registry_credential" "by_id" {
  id = novita_registry_credential.test.id
}

data "novita_registry_credential" "by_name" {
  name       = novita_registry_credential.test.name
  depends_on = [novita_registry_credential.other]
}
`, name),
			ConfigStateChecks: checks,
		}},
	})
}

func TestAccRegistryCredentialDataSource_errors(t *testing.T) {
	env := newTestEnv(t)
	missing, twin := accName("acc-nothing-here"), accName("acc-twin") // unique to this run
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkCredentialsDestroyed(env),
		Steps: []resource.TestStep{
			{
				Config:      env.config(`data "novita_registry_credential" "x" { id = "no-such-credential" }`),
				ExpectError: wrappedMessage("No Matching Registry Credential", `No registry credential with id "no-such-credential" exists`),
			},
			{
				Config:      env.config(fmt.Sprintf(`data "novita_registry_credential" "x" { name = %q }`, missing)),
				ExpectError: wrappedMessage("No Matching Registry Credential", fmt.Sprintf(`No registry credential named %q exists`, missing)),
			},
			{
				Config:      env.config("data \"novita_registry_credential\" \"x\" {\n  id   = \"a\"\n  name = \"b\"\n}\n"),
				ExpectError: wrappedMessage("Invalid Attribute Combination", "Exactly one of these attributes must be configured: [id,name]"),
			},
			{
				Config: env.config(fmt.Sprintf(`
resource "novita_registry_credential" "twin" {
  count    = 2
  name     = %[1]q
  username = "robot-${count.index}"
  password = "pw"
}

data "novita_registry_credential" "x" {
  name       = %[1]q
  depends_on = [novita_registry_credential.twin]
}
`, twin)),
				ExpectError: wrappedMessage("Ambiguous Registry Credential Name", fmt.Sprintf(`2 registry credentials are named %q`, twin), `username "robot-0"`),
			},
		},
	})
}
