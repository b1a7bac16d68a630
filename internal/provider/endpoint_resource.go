package provider

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

// novita_endpoint: the schema is in endpoint_schema.go, plan-time rules and checks in
// endpoint_plan.go, the environment and import handling in endpoint_env.go, the mapping to and
// from the API in endpoint_model.go. This file holds CRUD.

var (
	_ resource.Resource                   = &endpointResource{}
	_ resource.ResourceWithConfigure      = &endpointResource{}
	_ resource.ResourceWithImportState    = &endpointResource{}
	_ resource.ResourceWithValidateConfig = &endpointResource{}
	_ resource.ResourceWithModifyPlan     = &endpointResource{}
	_ resource.ResourceWithIdentity       = &endpointResource{}
)

// Defaults of the endpoint resource.
const (
	defaultEndpointCreateTimeout = 30 * time.Minute
	defaultEndpointUpdateTimeout = 30 * time.Minute
	defaultEndpointDeleteTimeout = 20 * time.Minute
	defaultWaitForReady          = true
)

// The API's reserved ports and the shapes it accepts.
var (
	reservedPorts  = []int64{2222, 2223, 2224}
	appNamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]*$`)
	envKeyPattern  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	absPathPattern = regexp.MustCompile(`^/`)
)

// NewEndpointResource returns the novita_endpoint resource.
func NewEndpointResource() resource.Resource { return &endpointResource{} }

type endpointResource struct {
	data *providerData
}

func (r *endpointResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_endpoint"
}

func (r *endpointResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = idIdentitySchema("The endpoint id assigned by Novita.")
}

func (r *endpointResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, resp.Diagnostics.AddError)
}

func (r *endpointResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = endpointResourceSchema(ctx)
}

func (r *endpointResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg endpointResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(validateEndpointConfig(ctx, cfg)...)
}

func (r *endpointResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan endpointResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	wo, d := writeOnlyEnv(ctx, req.Config)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() || !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	timeout, d := plan.Timeouts.Create(ctx, defaultEndpointCreateTimeout)
	resp.Diagnostics.Append(d...)
	if !known(plan.AppName) {
		plan.AppName = types.StringValue(generatedAppName())
	}
	if !known(plan.Name) {
		plan.Name = plan.AppName
	}
	spec, d := plan.toSpec(ctx, wo)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	waitCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	// The client reconciles a create whose answer was lost through the app name (always set).
	id, err := r.data.client.CreateEndpoint(waitCtx, spec)
	if err != nil {
		detail := "Novita refused the endpoint: " + err.Error()
		if errors.Is(err, client.ErrMaybeCreated) {
			detail = "Creating the endpoint failed: " + err.Error() + "\n\n" + maybeCreatedHint("endpoint", "novita_endpoint")
		}
		resp.Diagnostics.AddError("Unable to Create Endpoint", detail)
		return
	}
	ctx = tflog.SetField(ctx, "endpoint_id", id)
	tflog.Info(ctx, "created endpoint")

	// Save the id before waiting: a failed or timed-out wait then taints the endpoint instead
	// of orphaning it.
	plan.ID = types.StringValue(id)
	plan.nullUnknowns()
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(setIDIdentity(ctx, resp.Identity, plan.ID)...)
	resp.Diagnostics.Append(settled(wo).save(ctx, resp.Private)...)
	if resp.Diagnostics.HasError() {
		return
	}

	e, err := r.waitOrGet(waitCtx, id, plan.WaitForReady.ValueBool())
	if err != nil {
		r.saveBestEffort(ctx, &plan, id, keySet(wo), &resp.State, &resp.Diagnostics)
		resp.Diagnostics.AddError(waitFailure(err, id, "create", timeout))
		return
	}
	resp.Diagnostics.Append(plan.fromAPI(ctx, e, keySet(wo))...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// generatedAppName is the app name sent when the configuration sets none. [decided] The provider
// always sends one, because an app name is unique in the account: it is what finds an endpoint
// whose create answer was lost (the server's default, the endpoint id, is unknown until the
// answer arrives).
func generatedAppName() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return "terraform-" + hex.EncodeToString(b)
}

func (r *endpointResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state endpointResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	// Identity first: the framework wants one even when the endpoint is gone (Terraform < 1.12 keeps none).
	resp.Diagnostics.Append(setIDIdentity(ctx, resp.Identity, state.ID)...)
	if resp.Diagnostics.HasError() || !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	id := state.ID.ValueString()
	e, err := r.data.client.GetEndpoint(ctx, id)
	if client.IsNotFound(err) {
		tflog.Info(ctx, "endpoint is gone; removing it from state", map[string]any{"endpoint_id": id})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Endpoint", fmt.Sprintf("Reading endpoint %s failed: %s", id, err))
		return
	}
	priv, d := loadEndpointPrivate(ctx, req.Private)
	resp.Diagnostics.Append(d...)
	resp.Diagnostics.Append(state.fromAPI(ctx, e, priv.woKeySet())...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *endpointResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state endpointResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	wo, d := writeOnlyEnv(ctx, req.Config)
	resp.Diagnostics.Append(d...)
	priv, d := loadEndpointPrivate(ctx, req.Private)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() || !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	timeout, d := plan.Timeouts.Update(ctx, defaultEndpointUpdateTimeout)
	resp.Diagnostics.Append(d...)
	plan.ID = state.ID
	resp.Diagnostics.Append(setIDIdentity(ctx, resp.Identity, plan.ID)...)
	cfg, d := plan.toConfig(ctx, wo)
	resp.Diagnostics.Append(d...)
	current, d := state.toConfig(ctx, wo)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	ctx = tflog.SetField(ctx, "endpoint_id", id)
	waitCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	// No API call when only provider-side settings (wait_for_ready, deletion_protection,
	// timeouts) changed, or when an imported endpoint's variables were adopted (ModifyPlan found
	// them equal to the configured ones). Write-only values count as unchanged unless their
	// version changed.
	if priv.Adopt {
		current.Envs = cfg.Envs
	}
	sameWO := plan.SecretEnvWOVersion.Equal(state.SecretEnvWOVersion) || priv.Adopt
	if reflect.DeepEqual(cfg, current) && sameWO && (!priv.Imported || priv.Adopt) {
		plan.endpointAttrs = state.endpointAttrs
		if priv.Adopt {
			resp.Diagnostics.Append(settled(wo).save(ctx, resp.Private)...)
		} else {
			plan.Env, plan.SecretEnv = state.Env, state.SecretEnv
		}
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}

	// The API takes the whole configuration; write-only values come from the configuration.
	if err := r.data.client.UpdateEndpoint(waitCtx, id, cfg); err != nil {
		resp.Diagnostics.AddError("Unable to Update Endpoint", fmt.Sprintf("Novita refused the update of endpoint %s: %s", id, err))
		return
	}
	resp.Diagnostics.Append(settled(wo).save(ctx, resp.Private)...)

	e, err := r.waitOrGet(waitCtx, id, plan.WaitForReady.ValueBool())
	if err != nil {
		plan.nullUnknowns()
		r.saveBestEffort(ctx, &plan, id, keySet(wo), &resp.State, &resp.Diagnostics)
		resp.Diagnostics.AddError(waitFailure(err, id, "update", timeout))
		return
	}
	resp.Diagnostics.Append(plan.fromAPI(ctx, e, keySet(wo))...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *endpointResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state endpointResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	id := state.ID.ValueString()
	if state.DeletionProtection.ValueBool() {
		resp.Diagnostics.AddError(deletionProtected("endpoint", id))
		return
	}
	timeout, d := state.Timeouts.Delete(ctx, defaultEndpointDeleteTimeout)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	err := r.data.client.DeleteEndpoint(ctx, id)
	if client.IsNotFound(err) {
		return // already gone
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Delete Endpoint", fmt.Sprintf("Deleting endpoint %s failed: %s", id, err))
		return
	}
	// Wait until it is gone, so that storage or credentials it used can be deleted next.
	if err := r.data.client.WaitForEndpointDeleted(ctx, id); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			resp.Diagnostics.AddError("Timed Out Deleting Endpoint",
				fmt.Sprintf("Endpoint %s was still being deleted after %s (timeouts.delete). Run terraform destroy again, or raise timeouts.delete.", id, timeout))
			return
		}
		resp.Diagnostics.AddError("Unable to Delete Endpoint", fmt.Sprintf("Waiting for endpoint %s to be deleted failed: %s", id, err))
	}
}

// ImportState imports by id (from `terraform import`, an import block's id or its identity). The
// variables stay out of state until the first plan of a configuration says which map each
// belongs to (see planEnv).
func (r *endpointResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root("id"), path.Root("id"), req, resp)
	resp.Diagnostics.Append(endpointPrivate{Imported: true}.save(ctx, resp.Private)...)
}

// waitOrGet waits for the endpoint to serve, or only reads it when wait_for_ready is false.
func (r *endpointResource) waitOrGet(ctx context.Context, id string, wait bool) (*client.Endpoint, error) {
	if wait {
		return r.data.client.WaitForEndpointServing(ctx, id)
	}
	return r.data.client.GetEndpoint(ctx, id)
}

// saveBestEffort reads the endpoint after a failed wait so that state shows its state and
// message; the wait's error is what the caller reports.
func (r *endpointResource) saveBestEffort(ctx context.Context, m *endpointResourceModel, id string, woKeys map[string]bool, state stateSetter, diags *diag.Diagnostics) {
	readCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	if e, err := r.data.client.GetEndpoint(readCtx, id); err == nil {
		diags.Append(m.fromAPI(ctx, e, woKeys)...)
	}
	diags.Append(state.Set(ctx, m)...)
}

type stateSetter interface {
	Set(ctx context.Context, val any) diag.Diagnostics
}

// waitFailure turns a failed wait into a diagnostic summary and detail.
func waitFailure(err error, id, op string, timeout time.Duration) (string, string) {
	var failed *client.EndpointFailedError
	switch {
	case errors.As(err, &failed):
		return "Endpoint Deployment Failed", fmt.Sprintf(
			"Endpoint %s is %s: %s\n\nThe endpoint stays in Terraform state and, after a failed create, is tainted so that the next apply replaces it. Fix the cause (image, registry credential, capacity) and apply again.",
			id, failed.State, failed.Message)
	case client.IsUnreachable(err):
		return "Novita Unreachable While Waiting for Endpoint", unreachableWaitDetail(err, id, op)
	case errors.Is(err, context.DeadlineExceeded):
		return "Timed Out Waiting for Endpoint", fmt.Sprintf(
			"Endpoint %s was not running within %s (timeouts.%s). It stays in Terraform state; raise timeouts.%s, or set wait_for_ready = false, and apply again.",
			id, timeout, op, op)
	default:
		return "Unable to Read Endpoint", fmt.Sprintf("Waiting for endpoint %s to serve failed: %s", id, err)
	}
}

func keySet(m map[string]string) map[string]bool {
	set := make(map[string]bool, len(m))
	for k := range m {
		set[k] = true
	}
	return set
}

// unreachableWaitDetail explains a wait that failed only because the API could not be reached:
// the endpoint itself may be fine, and after a create Terraform taints it, so the next apply would
// replace a healthy endpoint (a new id, so a new endpoint_name) unless the user untaints it.
func unreachableWaitDetail(err error, id, op string) string {
	detail := fmt.Sprintf("Waiting for endpoint %s to serve failed because Novita could not be reached: %s\n\n"+
		"Nothing is known to be wrong with the endpoint: it may well be serving.", id, err)
	if op == "create" {
		detail += fmt.Sprintf(" Terraform marks a resource whose create failed as tainted, so the next apply would destroy it and create a new one "+
			"(a new id and endpoint_name). Once the API is reachable, check the endpoint (for example with the novita_endpoint data source and id %q); "+
			"if it serves, keep it with\n\n    terraform untaint <address>\n\nwhere <address> is this novita_endpoint's address in the configuration "+
			"(for example novita_endpoint.example), then apply again.", id)
	} else {
		detail += " Apply again once the API is reachable."
	}
	return detail
}
