package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

func TestRegistryCredentialResource_schemaIsValid(t *testing.T) {
	ctx := context.Background()
	var resp resource.SchemaResponse
	NewRegistryCredentialResource().Schema(ctx, resource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("schema: %v", resp.Diagnostics)
	}
	if diags := resp.Schema.ValidateImplementation(ctx); diags.HasError() {
		t.Fatalf("schema implementation: %v", diags)
	}
	if !resp.Schema.Attributes["password_wo"].IsWriteOnly() || !resp.Schema.Attributes["password"].IsSensitive() {
		t.Error("password_wo must be write-only and password sensitive")
	}
}

func TestRegistryCredentialModel_createRequest(t *testing.T) {
	m := registryCredentialModel{Name: types.StringValue("hub"), Username: types.StringValue("me"), Password: types.StringValue("pw")}
	if got, want := m.createRequest(types.StringNull()), (client.CreateRegistryCredentialRequest{Name: "hub", Username: "me", Password: "pw"}); got != want {
		t.Errorf("with password: %+v, want %+v", got, want)
	}
	m.Password = types.StringNull()
	if got := m.createRequest(types.StringValue("wo-secret")); got.Password != "wo-secret" {
		t.Errorf("with password_wo: password = %q, want the write-only value", got.Password)
	}
}

func TestRegistryCredentialModel_setFromAPIKeepsPassword(t *testing.T) {
	m := registryCredentialModel{ID: types.StringValue("1"), Password: types.StringValue("configured")}
	m.setFromAPI(&client.RegistryCredential{ID: "1", Name: "hub", Username: "me", Password: "from-the-api"})
	if m.Name.ValueString() != "hub" || m.Username.ValueString() != "me" {
		t.Errorf("name/username not read: %+v", m)
	}
	if m.Password.ValueString() != "configured" {
		t.Errorf("password = %q: the API's password must never reach state", m.Password.ValueString())
	}
	imported := registryCredentialModel{ID: types.StringValue("1"), Password: types.StringNull()}
	imported.setFromAPI(&client.RegistryCredential{ID: "1", Password: "from-the-api"})
	if !imported.Password.IsNull() {
		t.Errorf("imported password = %v, want null", imported.Password)
	}
}

func TestValidateCredentialPasswords(t *testing.T) {
	s, null, unknown := types.StringValue, types.StringNull(), types.StringUnknown()
	for _, tc := range []struct {
		name      string
		cfg       registryCredentialModel
		wantError string // substring of the summary; "" for valid
	}{
		{"password", registryCredentialModel{Password: s("p"), PasswordWO: null}, ""},
		{"password_wo", registryCredentialModel{Password: null, PasswordWO: s("p")}, ""},
		{"password_wo with version", registryCredentialModel{Password: null, PasswordWO: s("p"), PasswordWOVersion: types.Int64Value(2)}, ""},
		{"both", registryCredentialModel{Password: s("p"), PasswordWO: s("q")}, "Conflicting Registry Passwords"},
		{"neither", registryCredentialModel{Password: null, PasswordWO: null}, "Missing Registry Password"},
		{"version without password_wo", registryCredentialModel{Password: s("p"), PasswordWO: null, PasswordWOVersion: types.Int64Value(1)}, "password_wo_version Without password_wo"},
		{"unknown password", registryCredentialModel{Password: unknown, PasswordWO: null}, ""},
		{"unknown password_wo", registryCredentialModel{Password: null, PasswordWO: unknown}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			diags := validateCredentialPasswords(tc.cfg)
			if tc.wantError == "" {
				if diags.HasError() {
					t.Errorf("unexpected error: %v", diags)
				}
				return
			}
			if !diags.HasError() || !strings.Contains(diags.Errors()[0].Summary(), tc.wantError) {
				t.Errorf("diags = %v, want %q", diags, tc.wantError)
			}
		})
	}
}
