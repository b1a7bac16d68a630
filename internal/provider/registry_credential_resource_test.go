package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
)

func TestRegistryCredentialResource_schemaIsValid(t *testing.T) {
	ctx := t.Context()
	var resp fwresource.SchemaResponse
	NewRegistryCredentialResource().Schema(ctx, fwresource.SchemaRequest{}, &resp)
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

// ---- acceptance tests ----

const credAddr = "novita_registry_credential.test"

func credentialConfig(env *testEnv, name, username, passwordArgs string) string {
	return env.config(fmt.Sprintf(`
resource "novita_registry_credential" "test" {
  name     = %q
  username = %q
  %s
}
`, name, username, passwordArgs))
}

// checkAPICredential checks what the API holds under the resource's id (its list returns
// passwords in clear).
func checkAPICredential(env *testEnv, addr, name, username, password string) resource.TestCheckFunc {
	return resource.TestCheckResourceAttrWith(addr, "id", func(id string) error {
		c, err := env.api.GetRegistryCredential(context.Background(), id)
		if err != nil {
			return fmt.Errorf("reading credential %s: %w", id, err)
		}
		if c.Name != name || c.Username != username || c.Password != password {
			return fmt.Errorf("the API has %s/%s with password of %d chars, want %s/%s with the configured password", c.Name, c.Username, len(c.Password), name, username)
		}
		return nil
	})
}

// createCredential creates a registry credential through the client, and deletes it when the
// test ends unless Terraform has (replacing it, or at destroy).
func (e *testEnv) createCredential(t *testing.T, req client.CreateRegistryCredentialRequest) string {
	t.Helper()
	id, err := e.api.CreateRegistryCredential(t.Context(), req)
	if err != nil {
		t.Fatalf("creating credential: %v", err)
	}
	t.Cleanup(func() {
		if err := e.api.DeleteRegistryCredential(context.Background(), id); err != nil && !client.IsNotFound(err) {
			t.Errorf("deleting credential %s: %v", id, err)
		}
	})
	return id
}

func TestAccRegistryCredentialResource_lifecycle(t *testing.T) {
	env := newTestEnv(t)
	hub2, hub := accName("acc-hub-2"), accName("acc-hub") // unique per run: runs may share an account
	sameID := statecheck.CompareValue(compare.ValuesSame())
	newID := statecheck.CompareValue(compare.ValuesDiffer())
	replaced := []plancheck.PlanCheck{plancheck.ExpectResourceAction(credAddr, plancheck.ResourceActionReplace)}
	empty := []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkCredentialsDestroyed(env),
		Steps: []resource.TestStep{
			{
				Config:           credentialConfig(env, hub, "robot", `password = "s3cret-1"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: empty},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(credAddr, tfjsonpath.New("id")),
					newID.AddStateValue(credAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(credAddr, tfjsonpath.New("name"), knownvalue.StringExact(hub)),
					statecheck.ExpectKnownValue(credAddr, tfjsonpath.New("username"), knownvalue.StringExact("robot")),
					statecheck.ExpectKnownValue(credAddr, tfjsonpath.New("password"), knownvalue.StringExact("s3cret-1")),
					statecheck.ExpectSensitiveValue(credAddr, tfjsonpath.New("password")),
				},
				Check: checkAPICredential(env, credAddr, hub, "robot", "s3cret-1"),
			},
			{
				// The password is not imported: see the resource description.
				ResourceName:            credAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"password", "password_wo", "password_wo_version"},
			},
			{
				// Only Terraform-side settings change in place.
				Config:            credentialConfig(env, hub, "robot", `password = "s3cret-1"`+"\n  timeouts = { delete = \"2m\" }"),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(credAddr, plancheck.ResourceActionUpdate)}, PostApplyPostRefresh: empty},
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(credAddr, tfjsonpath.New("id"))},
			},
			{
				Config:            credentialConfig(env, hub, "robot-2", `password = "s3cret-1"`),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: replaced, PostApplyPostRefresh: empty},
				ConfigStateChecks: []statecheck.StateCheck{newID.AddStateValue(credAddr, tfjsonpath.New("id"))},
				Check:             checkAPICredential(env, credAddr, hub, "robot-2", "s3cret-1"),
			},
			{
				Config:            credentialConfig(env, hub2, "robot-2", `password = "s3cret-1"`),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: replaced, PostApplyPostRefresh: empty},
				ConfigStateChecks: []statecheck.StateCheck{newID.AddStateValue(credAddr, tfjsonpath.New("id"))},
			},
			{
				Config:            credentialConfig(env, hub2, "robot-2", `password = "s3cret-2"`),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: replaced, PostApplyPostRefresh: empty},
				ConfigStateChecks: []statecheck.StateCheck{newID.AddStateValue(credAddr, tfjsonpath.New("id"))},
				Check:             checkAPICredential(env, credAddr, hub2, "robot-2", "s3cret-2"),
			},
		},
	})
}

// checkNoSecretInState fails if any attribute of any resource in state contains secret.
func checkNoSecretInState(secret string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for addr, rs := range s.RootModule().Resources {
			for k, v := range rs.Primary.Attributes {
				if strings.Contains(v, secret) {
					return fmt.Errorf("%s.%s holds the write-only password", addr, k)
				}
			}
		}
		return nil
	}
}

func TestAccRegistryCredentialResource_passwordWriteOnly(t *testing.T) {
	env := newTestEnv(t)
	name := accName("acc-wo") // unique per run: runs may share an account
	newID := statecheck.CompareValue(compare.ValuesDiffer())
	wo := func(pw string, version int) string {
		return fmt.Sprintf("password_wo = %q\n  password_wo_version = %d", pw, version)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkCredentialsDestroyed(env),
		Steps: []resource.TestStep{
			{
				Config:           credentialConfig(env, name, "robot", wo("wo-secret-1", 1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					newID.AddStateValue(credAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(credAddr, tfjsonpath.New("password"), knownvalue.Null()),
					statecheck.ExpectKnownValue(credAddr, tfjsonpath.New("password_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(credAddr, tfjsonpath.New("password_wo_version"), knownvalue.Int64Exact(1)),
				},
				Check: resource.ComposeTestCheckFunc(
					checkAPICredential(env, credAddr, name, "robot", "wo-secret-1"),
					checkNoSecretInState("wo-secret-1"),
				),
			},
			{
				// A new write-only value alone is invisible to Terraform: nothing to do.
				Config:   credentialConfig(env, name, "robot", wo("wo-secret-ignored", 1)),
				PlanOnly: true,
			},
			{
				// A new version sends the new value: the credential is replaced.
				Config: credentialConfig(env, name, "robot", wo("wo-secret-2", 2)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(credAddr, plancheck.ResourceActionReplace)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{newID.AddStateValue(credAddr, tfjsonpath.New("id"))},
				Check: resource.ComposeTestCheckFunc(
					checkAPICredential(env, credAddr, name, "robot", "wo-secret-2"),
					checkNoSecretInState("wo-secret-2"),
				),
			},
		},
	})
}

func TestAccRegistryCredentialResource_passwordErrors(t *testing.T) {
	env := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      credentialConfig(env, "acc", "robot", `password = "a"`+"\n"+`password_wo = "b"`),
				PlanOnly:    true,
				ExpectError: wrappedMessage("Conflicting Registry Passwords", "Set only one of password"),
			},
			{
				Config:      credentialConfig(env, "acc", "robot", ""),
				PlanOnly:    true,
				ExpectError: wrappedMessage("Missing Registry Password", "Set exactly one of password"),
			},
			{
				Config:      credentialConfig(env, "acc", "robot", `password = "a"`+"\n"+`password_wo_version = 1`),
				PlanOnly:    true,
				ExpectError: wrappedMessage("password_wo_version Without password_wo"),
			},
			{
				Config:      credentialConfig(env, strings.Repeat("n", 256), "robot", `password = "a"`),
				PlanOnly:    true,
				ExpectError: wrappedMessage("Attribute name UTF-8 character count must be between 1 and 255"),
			},
			{
				Config:      credentialConfig(env, "acc", strings.Repeat("u", 512), `password = "a"`),
				PlanOnly:    true,
				ExpectError: wrappedMessage("Attribute username UTF-8 character count must be between 1 and 511"),
			},
			{
				Config:      credentialConfig(env, "acc", "robot", fmt.Sprintf("password = %q", strings.Repeat("p", 1025))),
				PlanOnly:    true,
				ExpectError: wrappedMessage("Attribute password UTF-8 character count must be between 1 and 1024"),
			},
		},
	})
}

// TestAccRegistryCredentialResource_drift deletes the credential through the API behind
// Terraform's back: the next apply creates it again.
func TestAccRegistryCredentialResource_drift(t *testing.T) {
	env := newTestEnv(t)
	name := accName("acc-drift") // unique per run: runs may share an account
	var id string
	cfg := credentialConfig(env, name, "robot", `password = "pw"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkCredentialsDestroyed(env),
		Steps: []resource.TestStep{
			{Config: cfg, Check: captureID(credAddr, &id)},
			{
				PreConfig: func() {
					if err := env.api.DeleteRegistryCredential(t.Context(), id); err != nil {
						t.Fatalf("deleting credential %s: %v", id, err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(credAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttrWith(credAddr, "id", func(v string) error {
						if v == id {
							return fmt.Errorf("id %s was not replaced by a new credential", v)
						}
						return nil
					}),
					checkAPICredential(env, credAddr, name, "robot", "pw"),
				),
			},
		},
	})
}

// TestAccRegistryCredentialResource_sameNameInOneApply creates credentials that differ only in
// their password in one apply: each must get the id of its own credential, which needs the
// client's serialized list-save-list.
func TestAccRegistryCredentialResource_sameNameInOneApply(t *testing.T) {
	env := newTestEnv(t)
	name := accName("acc-dup")
	var checks []resource.TestCheckFunc
	for i := range 4 {
		checks = append(checks, checkAPICredential(env, fmt.Sprintf("novita_registry_credential.dup.%d", i), name, "robot", fmt.Sprintf("pw-%d", i)))
	}
	checks = append(checks, func(s *terraform.State) error {
		seen := map[string]bool{}
		for i := range 4 {
			id := s.RootModule().Resources[fmt.Sprintf("novita_registry_credential.dup.%d", i)].Primary.ID
			if seen[id] {
				return fmt.Errorf("id %s given to two credentials", id)
			}
			seen[id] = true
		}
		return nil
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkCredentialsDestroyed(env),
		Steps: []resource.TestStep{{
			Config: env.config(fmt.Sprintf(`
resource "novita_registry_credential" "dup" {
  count    = 4
  name     = %q
  username = "robot"
  password = "pw-${count.index}"
}
`, name)),
			Check: resource.ComposeTestCheckFunc(checks...),
		}},
	})
}

// TestAccRegistryCredentialResource_deleteWaitsWhileInUse: an endpoint made with the client pulls
// with the credential; destroy fails naming the endpoint once its timeout passes, and succeeds
// once the endpoint (which takes a moment to delete) has gone.
func TestAccRegistryCredentialResource_deleteWaitsWhileInUse(t *testing.T) {
	env := newTestEnv(t, func(o *emulator.Options) { o.DeleteDelay = 2 * time.Second })
	name := accName("acc-in-use") // unique per run: runs may share an account
	c := env.api
	ctx := t.Context()
	var credID, endpointID string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkCredentialsDestroyed(env),
		Steps: []resource.TestStep{
			{
				Config: credentialConfig(env, name, "robot", `password = "pw"`+"\n"+`timeouts = { delete = "1s" }`),
				Check: resource.ComposeTestCheckFunc(captureID(credAddr, &credID), func(*terraform.State) error {
					endpointID = env.createEndpoint(t, env.endpointSpec(t, testEndpoint{maxWorkers: 1, credentialID: credID}))
					return nil
				}),
			},
			{
				Config: env.config(""),
				ExpectError: wrappedMessage("Unable to Delete Registry Credential", "still used to pull the image of endpoint",
					"(IMAGE_AUTH_IN_USE) after waiting 1s"),
			},
			{
				Config: credentialConfig(env, name, "robot", `password = "pw"`+"\n"+`timeouts = { delete = "1m" }`),
			},
			{
				PreConfig: func() {
					if err := c.DeleteEndpoint(ctx, endpointID); err != nil {
						t.Fatal(err)
					}
				},
				Config: env.config(""),
				Check: func(*terraform.State) error {
					if _, err := c.GetEndpoint(ctx, endpointID); !client.IsNotFound(err) {
						return fmt.Errorf("the credential was deleted while endpoint %s still existed (%v)", endpointID, err)
					}
					return nil
				},
			},
		},
	})
}

// TestAccRegistryCredentialResource_importAdoptsPassword imports credentials made outside
// Terraform with an import block: a configured password equal to the live one is adopted in
// place; a different one replaces the credential.
func TestAccRegistryCredentialResource_importAdoptsPassword(t *testing.T) {
	env := newTestEnv(t)
	name := accName("acc-import") // unique per run: runs may share an account
	matching := env.createCredential(t, client.CreateRegistryCredentialRequest{Name: name, Username: "robot", Password: "live-pw"})
	withImport := func(id, passwordArgs string) string {
		return credentialConfig(env, name, "robot", passwordArgs) + fmt.Sprintf(`
import {
  to = novita_registry_credential.test
  id = %q
}
`, id)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkCredentialsDestroyed(env),
		Steps: []resource.TestStep{
			{
				Config: withImport(matching, `password = "live-pw"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(credAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(credAddr, tfjsonpath.New("id"), knownvalue.StringExact(matching)),
					statecheck.ExpectKnownValue(credAddr, tfjsonpath.New("password"), knownvalue.StringExact("live-pw")),
				},
			},
			{
				// The adoption happens once: a later password change replaces as usual.
				Config: credentialConfig(env, name, "robot", `password = "new-pw"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(credAddr, plancheck.ResourceActionReplace)},
				},
				Check: checkAPICredential(env, credAddr, name, "robot", "new-pw"),
			},
		},
	})
}

func TestAccRegistryCredentialResource_importWithOtherPasswordReplaces(t *testing.T) {
	env := newTestEnv(t)
	name := accName("acc-import") // unique per run: runs may share an account
	id := env.createCredential(t, client.CreateRegistryCredentialRequest{Name: name, Username: "robot", Password: "live-pw"})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkCredentialsDestroyed(env),
		Steps: []resource.TestStep{{
			Config: credentialConfig(env, name, "robot", "password_wo = \"other-pw\"\n  password_wo_version = 1") + fmt.Sprintf(`
import {
  to = novita_registry_credential.test
  id = %q
}
`, id),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(credAddr, plancheck.ResourceActionReplace)},
			},
			Check: checkAPICredential(env, credAddr, name, "robot", "other-pw"),
		}},
	})
}

// TestRegistryCredentialResource_readNotFound calls Read directly, without Terraform: a credential
// that is gone leaves a null state; one that exists is read in, without the API's password.
func TestRegistryCredentialResource_readNotFound(t *testing.T) {
	ctx := t.Context()
	env := newTestEnv(t)
	r := &registryCredentialResource{data: &providerData{client: env.api}}
	var schemaResp fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &schemaResp)

	read := func(id string) tfsdk.State {
		state := tfsdk.State{Schema: schemaResp.Schema, Raw: tftypes.NewValue(schemaResp.Schema.Type().TerraformType(ctx), nil)}
		if d := state.SetAttribute(ctx, path.Root("id"), id); d.HasError() {
			t.Fatal(d)
		}
		resp := fwresource.ReadResponse{State: state}
		r.Read(ctx, fwresource.ReadRequest{State: state}, &resp)
		if resp.Diagnostics.HasError() {
			t.Fatalf("Read of %q failed: %v", id, resp.Diagnostics)
		}
		return resp.State
	}

	if got := read("0000000000000000"); !got.Raw.IsNull() {
		t.Errorf("state after reading a missing credential = %v, want removed", got.Raw)
	}

	name := accName("unit-read") // unique per run: runs may share an account
	id, err := env.api.CreateRegistryCredential(ctx, client.CreateRegistryCredentialRequest{Name: name, Username: "robot", Password: "unit-read-password"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := env.api.DeleteRegistryCredential(context.Background(), id); err != nil && !client.IsNotFound(err) {
			t.Errorf("deleting credential %s: %v", id, err)
		}
	})
	var got registryCredentialModel
	if d := read(id).Get(ctx, &got); d.HasError() {
		t.Fatal(d)
	}
	if got.ID.ValueString() != id || got.Name.ValueString() != name || got.Username.ValueString() != "robot" {
		t.Errorf("read an existing credential as id %s, name %s, username %s", got.ID, got.Name, got.Username)
	}
	if !got.Password.IsNull() {
		t.Errorf("password = %s, want null: the API's password is never read into state", got.Password)
	}
}
