package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

var (
	_ resource.Resource                   = &registryCredentialResource{}
	_ resource.ResourceWithConfigure      = &registryCredentialResource{}
	_ resource.ResourceWithImportState    = &registryCredentialResource{}
	_ resource.ResourceWithModifyPlan     = &registryCredentialResource{}
	_ resource.ResourceWithValidateConfig = &registryCredentialResource{}
	_ resource.ResourceWithIdentity       = &registryCredentialResource{}
)

const (
	// API limits of a registry credential.
	maxCredentialNameLen     = 255
	maxCredentialUsernameLen = 511
	maxCredentialPasswordLen = 1024

	// defaultCredentialDeleteTimeout bounds how long Delete waits for endpoints that still use
	// the credential to let go of it.
	defaultCredentialDeleteTimeout = 10 * time.Minute
	// reasonCredentialInUse is the API's answer to deleting a credential an endpoint still uses.
	reasonCredentialInUse = "IMAGE_AUTH_IN_USE"

	// privateImported marks, in private state, a credential imported without its password:
	// the first plan may adopt the configured password in place if it matches the live one.
	privateImported = "imported"
)

// credentialInUse is how Delete waits for, and then names, endpoints that still pull with a
// credential.
var credentialInUse = inUse{
	kind:         "Registry credential",
	reason:       reasonCredentialInUse,
	how:          "is still used to pull the image of",
	fix:          "Point the endpoint's registry_credential_id elsewhere, or delete the endpoint",
	replaced:     "a registry credential",
	resourceType: "novita_registry_credential",
	del:          (*client.Client).DeleteRegistryCredential,
	usedBy:       func(e client.Endpoint, id string) bool { return e.RegistryAuthID == id },
}

// NewRegistryCredentialResource returns the novita_registry_credential resource.
func NewRegistryCredentialResource() resource.Resource { return &registryCredentialResource{} }

type registryCredentialResource struct {
	data *providerData
}

// registryCredentialModel is the Terraform state of a novita_registry_credential. PasswordWO is
// always null in state (write-only); its value is read from the configuration on create.
type registryCredentialModel struct {
	ID                types.String   `tfsdk:"id"`
	Name              types.String   `tfsdk:"name"`
	Username          types.String   `tfsdk:"username"`
	Password          types.String   `tfsdk:"password"`
	PasswordWO        types.String   `tfsdk:"password_wo"`
	PasswordWOVersion types.Int64    `tfsdk:"password_wo_version"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
}

// setFromAPI copies what the API reports into the model. The password the API returns is
// deliberately ignored: state keeps the configured one (or none, for password_wo).
func (m *registryCredentialModel) setFromAPI(c *client.RegistryCredential) {
	m.ID = types.StringValue(c.ID)
	m.Name = types.StringValue(c.Name)
	m.Username = types.StringValue(c.Username)
}

// createRequest is the API request saving the credential, with the password taken from
// password or, when that is null, from the write-only value given.
func (m registryCredentialModel) createRequest(passwordWO types.String) client.CreateRegistryCredentialRequest {
	pw := m.Password
	if pw.IsNull() {
		pw = passwordWO
	}
	return client.CreateRegistryCredentialRequest{
		Name:     m.Name.ValueString(),
		Username: m.Username.ValueString(),
		Password: pw.ValueString(),
	}
}

func (r *registryCredentialResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_registry_credential"
}

func (r *registryCredentialResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A container registry login that endpoints use to pull private images (`novita_endpoint.registry_credential_id`). " +
			"The API cannot update a credential, so any change replaces it. Set exactly one of `password` (kept in state, marked sensitive) " +
			"and `password_wo` (write-only: never stored; needs Terraform 1.11 or newer).\n\n" +
			"Import by id: the password is not imported. On the first apply after import, a configured `password` (or `password_wo`) " +
			"that matches the live credential is adopted in place; one that differs replaces the credential.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The credential id assigned by Novita.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Display name, 1-%d characters. Names need not be unique. Changing it replaces the credential.", maxCredentialNameLen),
				Required:            true,
				Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, maxCredentialNameLen)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"username": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Registry user name, 1-%d characters. Changing it replaces the credential.", maxCredentialUsernameLen),
				Required:            true,
				Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, maxCredentialUsernameLen)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"password": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Registry password or token, 1-%d characters, kept in state (marked sensitive). "+
					"Exactly one of `password` and `password_wo` must be set. Changing it replaces the credential.", maxCredentialPasswordLen),
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{stringvalidator.UTF8LengthBetween(1, maxCredentialPasswordLen)},
			},
			"password_wo": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Write-only registry password or token, 1-%d characters: sent on create, never stored in state or plan "+
					"(needs Terraform 1.11 or newer). Exactly one of `password` and `password_wo` must be set. "+
					"Terraform cannot see changes to it: change `password_wo_version` to push a new value (which replaces the credential).", maxCredentialPasswordLen),
				Optional:   true,
				Sensitive:  true,
				WriteOnly:  true,
				Validators: []validator.String{stringvalidator.UTF8LengthBetween(1, maxCredentialPasswordLen)},
			},
			"password_wo_version": schema.Int64Attribute{
				MarkdownDescription: "Any number; only with `password_wo`. Change it to send a new `password_wo`: the credential is replaced.",
				Optional:            true,
			},
			"timeouts": timeoutsAttribute(ctx, timeouts.Opts{
				Delete: true,
				DeleteDescription: "How long destroy waits while an endpoint still uses the credential (`IMAGE_AUTH_IN_USE`), for example while that endpoint is being deleted or updated in the same apply. Default `" +
					durationText(defaultCredentialDeleteTimeout) + "`.",
			}, "Provider-side time limit of delete (default `"+durationText(defaultCredentialDeleteTimeout)+"`)."),
		},
	}
}

func (r *registryCredentialResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = idIdentitySchema("The credential id assigned by Novita.")
}

func (r *registryCredentialResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, resp.Diagnostics.AddError)
}

// ValidateConfig requires exactly one of password and password_wo, and password_wo_version
// only beside password_wo.
func (r *registryCredentialResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg registryCredentialModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(validateCredentialPasswords(cfg)...)
}

// validateCredentialPasswords holds ValidateConfig's rules; unknown values pass until known.
func validateCredentialPasswords(cfg registryCredentialModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if cfg.Password.IsUnknown() || cfg.PasswordWO.IsUnknown() {
		return diags
	}
	switch {
	case !cfg.Password.IsNull() && !cfg.PasswordWO.IsNull():
		diags.AddAttributeError(path.Root("password_wo"), "Conflicting Registry Passwords",
			"Set only one of password (kept in state, sensitive) and password_wo (write-only, never stored), not both.")
	case cfg.Password.IsNull() && cfg.PasswordWO.IsNull():
		diags.AddAttributeError(path.Root("password"), "Missing Registry Password",
			"Set exactly one of password (kept in state, sensitive) and password_wo (write-only, never stored; needs Terraform 1.11 or newer).")
	}
	if !cfg.PasswordWOVersion.IsNull() && cfg.PasswordWO.IsNull() {
		diags.AddAttributeError(path.Root("password_wo_version"), "password_wo_version Without password_wo",
			"password_wo_version only tells Terraform when password_wo changed; set password_wo too, or remove password_wo_version.")
	}
	return diags
}

// ModifyPlan replaces the credential when its password (or password_wo_version) changes,
// except right after an import without the password, when a configured password equal to the
// live one is adopted in place.
func (r *registryCredentialResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	if req.State.Raw.IsNull() {
		if r.data != nil {
			r.data.planCatalog(ctx, "Registry Credential", &resp.Diagnostics) // a refused API key fails the plan
		}
		return
	}
	var plan, state registryCredentialModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var changed []path.Path
	if !plan.Password.Equal(state.Password) {
		changed = append(changed, path.Root("password"))
	}
	if !plan.PasswordWOVersion.Equal(state.PasswordWOVersion) {
		changed = append(changed, path.Root("password_wo_version"))
	}
	if len(changed) == 0 {
		return
	}
	if r.adoptsImportedPassword(ctx, req, state, plan, resp) || resp.Diagnostics.HasError() {
		return
	}
	resp.RequiresReplace = append(resp.RequiresReplace, changed...)
}

// adoptsImportedPassword reports whether the plan merely fills in the password of an imported
// credential (whose state has none) with the value the credential already has. The live
// password is only compared, never stored.
func (r *registryCredentialResource) adoptsImportedPassword(ctx context.Context, req resource.ModifyPlanRequest, state, plan registryCredentialModel, resp *resource.ModifyPlanResponse) bool {
	imported, diags := req.Private.GetKey(ctx, privateImported)
	resp.Diagnostics.Append(diags...)
	if imported == nil || r.data == nil || !state.Password.IsNull() || !state.PasswordWOVersion.IsNull() {
		return false
	}
	configured := plan.Password
	if configured.IsNull() {
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("password_wo"), &configured)...)
	}
	if !known(configured) {
		return false
	}
	live, err := r.data.client.GetRegistryCredential(ctx, state.ID.ValueString())
	if err != nil {
		return false // Read will have dealt with a missing credential; replacing is the safe answer
	}
	return live.Password == configured.ValueString()
}

func (r *registryCredentialResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan registryCredentialModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	var passwordWO types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("password_wo"), &passwordWO)...)
	if resp.Diagnostics.HasError() || !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	id, err := r.data.client.CreateRegistryCredential(ctx, plan.createRequest(passwordWO))
	if err != nil {
		resp.Diagnostics.AddError("Unable to Create Registry Credential", apiErrorDetail(err, func(err error) string {
			if errors.Is(err, client.ErrMaybeCreated) {
				return maybeCreatedHint("registry credential", "novita_registry_credential")
			}
			return ""
		}))
		return
	}
	ctx = tflog.SetField(ctx, "registry_credential_id", id)
	tflog.Info(ctx, "created registry credential")

	plan.ID = types.StringValue(id)
	plan.PasswordWO = types.StringNull()
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(setIDIdentity(ctx, resp.Identity, plan.ID)...)
}

func (r *registryCredentialResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state registryCredentialModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	// Identity first: the framework wants one even when the credential is gone (Terraform < 1.12 keeps none).
	resp.Diagnostics.Append(setIDIdentity(ctx, resp.Identity, state.ID)...)
	if resp.Diagnostics.HasError() || !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	c, err := r.data.client.GetRegistryCredential(ctx, state.ID.ValueString())
	if client.IsNotFound(err) {
		tflog.Info(ctx, "registry credential is gone; removing it from state", map[string]any{"registry_credential_id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Registry Credential", err.Error())
		return
	}
	state.setFromAPI(c)
	state.PasswordWO = types.StringNull()
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update only records Terraform-side changes (timeouts) and an adopted password after import:
// every change the API would need replaces the credential instead.
func (r *registryCredentialResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan registryCredentialModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	plan.PasswordWO = types.StringNull()
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(setIDIdentity(ctx, resp.Identity, plan.ID)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, nil)...)
}

func (r *registryCredentialResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state registryCredentialModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	id := state.ID.ValueString()
	timeout, diags := state.Timeouts.Delete(ctx, defaultCredentialDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := deleteWhenReleased(ctx, r.data.client, credentialInUse, id, timeout); err != nil {
		resp.Diagnostics.AddError("Unable to Delete Registry Credential", err.Error())
	}
}

// ImportState imports by id (from `terraform import`, an import block's id or its identity). The
// API's password is not imported; see the resource description.
func (r *registryCredentialResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root("id"), path.Root("id"), req, resp)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, []byte("true"))...)
}
