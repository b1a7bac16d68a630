package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

var (
	_ resource.Resource                = &cloudStorageResource{}
	_ resource.ResourceWithConfigure   = &cloudStorageResource{}
	_ resource.ResourceWithImportState = &cloudStorageResource{}
	_ resource.ResourceWithModifyPlan  = &cloudStorageResource{}
	_ resource.ResourceWithIdentity    = &cloudStorageResource{}
)

const (
	// minCloudStorageSizeGB is the API's smallest network storage.
	minCloudStorageSizeGB = 10
	// defaultCloudStorageDeleteTimeout bounds how long Delete waits for endpoints that still
	// mount the storage to let go of it.
	defaultCloudStorageDeleteTimeout = 10 * time.Minute
	// reasonStorageInUse is the API's answer to deleting storage an endpoint still mounts.
	reasonStorageInUse = "NETWORK_STORAGE_IN_USE"
)

// storageInUse is how Delete waits for, and then names, endpoints that still mount a storage.
var storageInUse = inUse{
	kind:         "Storage",
	reason:       reasonStorageInUse,
	how:          "is still mounted by",
	fix:          "Remove it from the endpoint's volume_mounts, or delete the endpoint",
	replaced:     "a cloud storage",
	resourceType: "novita_cloud_storage",
	del:          (*client.Client).DeleteCloudStorage,
	usedBy:       mountsStorage,
}

// cloudStorageNamePattern is what the API accepts as a storage name: letters, digits, hyphens.
var cloudStorageNamePattern = regexp.MustCompile(`^[A-Za-z0-9-]+$`)

// NewCloudStorageResource returns the novita_cloud_storage resource.
func NewCloudStorageResource() resource.Resource { return &cloudStorageResource{} }

type cloudStorageResource struct {
	data *providerData
}

// cloudStorageModel is the Terraform state of a novita_cloud_storage.
type cloudStorageModel struct {
	ID                 types.String   `tfsdk:"id"`
	Name               types.String   `tfsdk:"name"`
	SizeGB             types.Int64    `tfsdk:"size_gb"`
	ClusterID          types.String   `tfsdk:"cluster_id"`
	ClusterName        types.String   `tfsdk:"cluster_name"`
	Price              types.String   `tfsdk:"price"`
	CreatedAt          types.String   `tfsdk:"created_at"`
	DeletionProtection types.Bool     `tfsdk:"deletion_protection"`
	Timeouts           timeouts.Value `tfsdk:"timeouts"`
}

// setFromAPI copies what the API reports into the model. Terraform-only settings
// (deletion_protection, timeouts) are left alone, and created_at is kept when the API omits it.
func (m *cloudStorageModel) setFromAPI(s *client.CloudStorage) {
	m.ID = types.StringValue(s.ID)
	m.Name = types.StringValue(s.Name)
	m.SizeGB = types.Int64Value(int64(s.SizeGB))
	m.ClusterID = types.StringValue(s.ClusterID)
	m.ClusterName = types.StringValue(s.ClusterName)
	m.Price = types.StringValue(s.Price)
	if s.CreatedAt > 0 {
		m.CreatedAt = types.StringValue(time.Unix(int64(s.CreatedAt), 0).UTC().Format(time.RFC3339))
	} else if m.CreatedAt.IsUnknown() {
		m.CreatedAt = types.StringNull()
	}
}

// createRequest is the API request creating the storage the model describes.
func (m cloudStorageModel) createRequest() client.CreateCloudStorageRequest {
	return client.CreateCloudStorageRequest{
		ClusterID: m.ClusterID.ValueString(),
		Name:      m.Name.ValueString(),
		SizeGB:    int(m.SizeGB.ValueInt64()),
	}
}

// updateRequest is the API request bringing the storage to the model (the API wants all fields).
func (m cloudStorageModel) updateRequest() client.UpdateCloudStorageRequest {
	return client.UpdateCloudStorageRequest{
		ID:     m.ID.ValueString(),
		Name:   m.Name.ValueString(),
		SizeGB: int(m.SizeGB.ValueInt64()),
	}
}

func (r *cloudStorageResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cloud_storage"
}

func (r *cloudStorageResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Novita network storage volume (cloud storage) that serverless endpoints mount with `volume_mounts { type = \"network\" }`. " +
			"It lives in one cluster; endpoints mounting it must run in the same cluster.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The storage id (a UUID) assigned by Novita.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Display name of the storage: letters, digits and hyphens only (`^[A-Za-z0-9-]+$`, the API's rule). Updated in place.",
				Required:            true,
				Validators: []validator.String{
					stringvalidator.RegexMatches(cloudStorageNamePattern, "must contain only letters, digits and hyphens"),
				},
			},
			"size_gb": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("Size in GB, at least %d. It can grow in place; shrinking is refused at plan time because it would lose data (the API rejects it too).", minCloudStorageSizeGB),
				Required:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(minCloudStorageSizeGB)},
			},
			"cluster_id": schema.StringAttribute{
				MarkdownDescription: "The cluster that hosts the storage; it must support network storage (see the `novita_clusters` data source with `network_storage_only = true`). Changing it replaces the storage, and its data is lost.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"deletion_protection": schema.BoolAttribute{
				MarkdownDescription: "While `true`, destroying the storage fails with an error, so its data cannot be removed by accident. Default `false`. A Terraform-side setting: changing it makes no API call.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
			},
			"cluster_name": schema.StringAttribute{
				MarkdownDescription: "Name of the cluster that hosts the storage.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"price": schema.StringAttribute{
				MarkdownDescription: "The storage's price as the API reports it (a decimal string; it changes with the size).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{useStateUnlessSizeChanges{}},
			},
			"created_at": schema.StringAttribute{
				MarkdownDescription: "Creation time (RFC 3339, UTC), when the API reports it; null otherwise.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"timeouts": timeoutsAttribute(ctx, timeouts.Opts{
				Delete: true,
				DeleteDescription: "How long destroy waits while an endpoint still mounts the storage (`NETWORK_STORAGE_IN_USE`), for example while that endpoint is being deleted in the same apply. Default `" +
					durationText(defaultCloudStorageDeleteTimeout) + "`.",
			}, "Provider-side time limit of delete (default `"+durationText(defaultCloudStorageDeleteTimeout)+"`)."),
		},
	}
}

// useStateUnlessSizeChanges keeps the price from state unless size_gb changes (a new size has
// a new price, known only after apply).
type useStateUnlessSizeChanges struct{}

func (useStateUnlessSizeChanges) Description(context.Context) string {
	return "Keeps the prior price unless size_gb changes."
}

func (m useStateUnlessSizeChanges) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (useStateUnlessSizeChanges) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || !req.PlanValue.IsUnknown() || req.ConfigValue.IsUnknown() {
		return
	}
	var planSize, stateSize types.Int64
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("size_gb"), &planSize)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("size_gb"), &stateSize)...)
	if planSize.Equal(stateSize) {
		resp.PlanValue = req.StateValue
	}
}

func (r *cloudStorageResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = idIdentitySchema("The storage id (a UUID) assigned by Novita.")
}

func (r *cloudStorageResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, resp.Diagnostics.AddError)
}

// ModifyPlan refuses shrinking and, when the provider is configured, checks that a new
// storage's cluster exists and supports network storage.
func (r *cloudStorageResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var plan cloudStorageModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var state *cloudStorageModel
	if !req.State.Raw.IsNull() {
		state = &cloudStorageModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}

	// A storage in another cluster is a new one (replacement): any size goes.
	if state != nil && state.ClusterID.Equal(plan.ClusterID) {
		if msg := shrinkError(state.SizeGB, plan.SizeGB); msg != "" {
			resp.Diagnostics.AddAttributeError(path.Root("size_gb"), "Cloud Storage Cannot Shrink", msg)
		}
	}

	// The cluster of an existing storage is a fact; check it only for a new (or replacing) one.
	// planCatalog also fails the plan when Novita refuses the API key.
	newCluster := state == nil || !state.ClusterID.Equal(plan.ClusterID)
	if r.data == nil || !newCluster || !known(plan.ClusterID) {
		return
	}
	cat := r.data.planCatalog(ctx, "Cloud Storage", &resp.Diagnostics)
	if cat == nil {
		return
	}
	if summary, detail := clusterNetworkStorageError(cat.Clusters, plan.ClusterID.ValueString()); summary != "" {
		var found diag.Diagnostics
		found.AddAttributeError(path.Root("cluster_id"), summary, detail)
		resp.Diagnostics.Append(liveCheckSeverity(found, state != nil)...)
	}
}

// shrinkError explains why going from the state size to the planned size is refused, or is
// empty when the change is allowed (or not yet known).
func shrinkError(stateSize, planSize types.Int64) string {
	if !known(stateSize) || !known(planSize) {
		return ""
	}
	if planSize.ValueInt64() >= stateSize.ValueInt64() {
		return ""
	}
	return fmt.Sprintf("size_gb would go from %d to %d GB. Shrinking cloud storage would lose data and is not supported: "+
		"storage can only grow. Keep size_gb at %d or more, or replace the storage (for example with `terraform apply -replace`) if its data may be lost.",
		stateSize.ValueInt64(), planSize.ValueInt64(), stateSize.ValueInt64())
}

func (r *cloudStorageResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan cloudStorageModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	id, err := r.data.client.CreateCloudStorage(ctx, plan.createRequest())
	if err != nil {
		resp.Diagnostics.AddError("Unable to Create Cloud Storage", apiErrorDetail(err, storageErrorHint))
		return
	}
	ctx = tflog.SetField(ctx, "storage_id", id)
	tflog.Info(ctx, "created cloud storage")

	// Record the id before reading back, so a failed read leaves a tracked (tainted) storage.
	plan.ID = types.StringValue(id)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), plan.ID)...)
	resp.Diagnostics.Append(setIDIdentity(ctx, resp.Identity, plan.ID)...)
	if resp.Diagnostics.HasError() {
		return
	}

	s, err := r.data.client.GetCloudStorage(ctx, id)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Created Cloud Storage",
			fmt.Sprintf("Storage %s was created but reading it back failed: %s", id, err))
		return
	}
	plan.setFromAPI(s)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *cloudStorageResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state cloudStorageModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	// Identity first: the framework wants one even when the storage is gone (Terraform < 1.12 keeps none).
	resp.Diagnostics.Append(setIDIdentity(ctx, resp.Identity, state.ID)...)
	if resp.Diagnostics.HasError() || !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	s, err := r.data.client.GetCloudStorage(ctx, state.ID.ValueString())
	if client.IsNotFound(err) {
		tflog.Info(ctx, "cloud storage is gone; removing it from state", map[string]any{"storage_id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Cloud Storage", err.Error())
		return
	}
	state.setFromAPI(s)
	if state.DeletionProtection.IsNull() {
		state.DeletionProtection = types.BoolValue(false) // after import
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *cloudStorageResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state cloudStorageModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	plan.ID = state.ID
	if !plan.Name.Equal(state.Name) || !plan.SizeGB.Equal(state.SizeGB) {
		if err := r.data.client.UpdateCloudStorage(ctx, plan.updateRequest()); err != nil {
			resp.Diagnostics.AddError("Unable to Update Cloud Storage", apiErrorDetail(err, storageErrorHint))
			return
		}
	}
	s, err := r.data.client.GetCloudStorage(ctx, plan.ID.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Updated Cloud Storage", err.Error())
		return
	}
	plan.CreatedAt = state.CreatedAt
	plan.setFromAPI(s)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(setIDIdentity(ctx, resp.Identity, plan.ID)...)
}

func (r *cloudStorageResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state cloudStorageModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	id := state.ID.ValueString()
	if state.DeletionProtection.ValueBool() {
		resp.Diagnostics.AddError(deletionProtected("cloud storage", id))
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultCloudStorageDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := deleteWhenReleased(ctx, r.data.client, storageInUse, id, timeout); err != nil {
		resp.Diagnostics.AddError("Unable to Delete Cloud Storage", err.Error())
	}
}

// ImportState imports by id, from `terraform import`, an import block's id or its identity.
func (r *cloudStorageResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root("id"), path.Root("id"), req, resp)
}

// mountsStorage reports whether endpoint e mounts the network storage id.
func mountsStorage(e client.Endpoint, id string) bool {
	for _, v := range e.Volumes {
		if v.Type == mountNetwork && v.ID == id {
			return true
		}
	}
	return false
}

// storageErrorHint adds what to do for the storage errors a user can fix.
func storageErrorHint(err error) string {
	switch {
	case client.HasReason(err, "CUR_CLUSTER_NETWORK_STORAGE_NOT_SUPPORT"):
		return "The cluster does not support network storage; pick one listed by the novita_clusters data source with network_storage_only = true."
	case client.HasReason(err, "NETWORK_STORAGE_TOO_LARGE"):
		return "The requested size exceeds what the account or cluster allows; choose a smaller size_gb."
	case client.HasReason(err, "BALANCE_NOT_ENOUGH"):
		return "The account balance is too low; top it up and apply again."
	case errors.Is(err, client.ErrMaybeCreated):
		return maybeCreatedHint("cloud storage", "novita_cloud_storage")
	}
	return ""
}
