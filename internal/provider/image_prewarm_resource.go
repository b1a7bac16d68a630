package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

var (
	_ resource.Resource                = &imagePrewarmResource{}
	_ resource.ResourceWithConfigure   = &imagePrewarmResource{}
	_ resource.ResourceWithImportState = &imagePrewarmResource{}
	_ resource.ResourceWithModifyPlan  = &imagePrewarmResource{}
)

// defaultImagePrewarmCreateTimeout bounds the wait for a task: a multi-gigabyte image from a
// rate-limited registry can take a long time to copy.
const defaultImagePrewarmCreateTimeout = 60 * time.Minute

// maxImageRefLength is the longest image URL the prewarm API takes.
const maxImageRefLength = 500

// NewImagePrewarmResource returns the novita_image_prewarm resource.
func NewImagePrewarmResource() resource.Resource { return &imagePrewarmResource{} }

type imagePrewarmResource struct {
	data *providerData
}

// imagePrewarmModel is the Terraform state of a novita_image_prewarm.
type imagePrewarmModel struct {
	ID                   types.String   `tfsdk:"id"`
	Image                types.String   `tfsdk:"image"`
	ClusterID            types.String   `tfsdk:"cluster_id"`
	RegistryCredentialID types.String   `tfsdk:"registry_credential_id"`
	ProductIDs           types.List     `tfsdk:"product_ids"`
	Note                 types.String   `tfsdk:"note"`
	WaitForCompletion    types.Bool     `tfsdk:"wait_for_completion"`
	State                types.String   `tfsdk:"state"`
	StateReasons         types.List     `tfsdk:"state_reasons"`
	ImageName            types.String   `tfsdk:"image_name"`
	ImageSizeBytes       types.Int64    `tfsdk:"image_size_bytes"`
	ClusterName          types.String   `tfsdk:"cluster_name"`
	CreatedAt            types.String   `tfsdk:"created_at"`
	CompletedAt          types.String   `tfsdk:"completed_at"`
	Timeouts             timeouts.Value `tfsdk:"timeouts"`
}

// setFromAPI copies the task into the model. The inputs the API cannot change (image, cluster,
// credential) keep their configured spelling and are read only when unset (after import).
// product_ids follows productIDsFromAPI; clusterProducts lists the cluster's products, or is nil
// when unknown.
func (m *imagePrewarmModel) setFromAPI(t *client.ImagePrewarm, clusterProducts []string) {
	m.ID = types.StringValue(t.ID)
	if m.Image.IsNull() || m.Image.IsUnknown() {
		m.Image = types.StringValue(t.ImageURL)
	}
	if m.ClusterID.IsNull() || m.ClusterID.IsUnknown() {
		m.ClusterID = types.StringValue(t.ClusterID)
	}
	if (m.RegistryCredentialID.IsNull() || m.RegistryCredentialID.IsUnknown()) && t.RepositoryAuth != "" {
		m.RegistryCredentialID = types.StringValue(t.RepositoryAuth)
	} else if m.RegistryCredentialID.IsUnknown() {
		m.RegistryCredentialID = types.StringNull()
	}
	m.ProductIDs = productIDsFromAPI(m.ProductIDs, t.ProductIDs(), clusterProducts)
	m.Note = noteFromAPI(m.Note, t.Note)
	m.State = types.StringValue(t.State)
	m.StateReasons = stringList(t.Reasons)
	m.ImageName = types.StringValue(t.ImageName)
	m.ImageSizeBytes = types.Int64Null()
	if t.ImageSize > 0 {
		m.ImageSizeBytes = types.Int64Value(int64(t.ImageSize))
	}
	m.ClusterName = types.StringValue(t.ClusterName)
	m.CreatedAt = unixTime(t.CreateTime)
	m.CompletedAt = unixTime(t.CompleteTime)
	if m.WaitForCompletion.IsNull() {
		m.WaitForCompletion = types.BoolValue(true) // after import
	}
}

// productIDsFromAPI keeps the prior list when it names the same products in any order, and keeps
// an unset (or empty) list when the API reports none or every product of the cluster: both mean
// "every card type". Anything else is the API's list (drift, or an import of a narrowed task).
func productIDsFromAPI(prior types.List, api, clusterProducts []string) types.List {
	if prior.IsUnknown() {
		prior = types.ListNull(types.StringType)
	}
	var priorIDs []string
	if !prior.IsNull() {
		for _, v := range prior.Elements() {
			if s, ok := v.(types.String); ok {
				priorIDs = append(priorIDs, s.ValueString())
			}
		}
	}
	switch {
	case sameStrings(priorIDs, api):
		return prior
	case len(priorIDs) == 0 && (len(api) == 0 || clusterProducts == nil || sameStrings(api, clusterProducts)):
		return prior
	}
	return stringList(api)
}

// sameStrings reports whether a and b hold the same strings, ignoring order and repeats.
func sameStrings(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// stringList is a known list of strings, empty rather than null when there are none.
func stringList(items []string) types.List {
	vals := make([]attr.Value, 0, len(items))
	for _, s := range items {
		vals = append(vals, types.StringValue(s))
	}
	return types.ListValueMust(types.StringType, vals)
}

// noteFromAPI maps the API's "" to null when the configuration left the attribute unset.
func noteFromAPI(prior types.String, api string) types.String {
	if api == "" && (prior.IsNull() || prior.IsUnknown()) {
		return types.StringNull()
	}
	return types.StringValue(api)
}

// unixTime renders unix seconds as RFC 3339 (UTC); 0 (not reported) is null.
func unixTime(secs client.Int) types.String {
	if secs <= 0 {
		return types.StringNull()
	}
	return types.StringValue(time.Unix(int64(secs), 0).UTC().Format(time.RFC3339))
}

// createRequest is the API request creating the task the model describes.
func (m imagePrewarmModel) createRequest(ctx context.Context) (client.CreateImagePrewarmRequest, error) {
	req := client.CreateImagePrewarmRequest{
		ImageURL:       m.Image.ValueString(),
		RepositoryAuth: m.RegistryCredentialID.ValueString(),
		ClusterID:      m.ClusterID.ValueString(),
		ProductIDs:     []string{},
		Note:           m.Note.ValueString(),
	}
	if !m.ProductIDs.IsNull() {
		if diags := m.ProductIDs.ElementsAs(ctx, &req.ProductIDs, false); diags.HasError() {
			return req, fmt.Errorf("reading product_ids: %v", diags)
		}
	}
	return req, nil
}

// near is the listing filter that finds the task quickly: its cluster and image name.
func (m imagePrewarmModel) near() client.ImagePrewarmFilter {
	f := client.ImagePrewarmFilter{ClusterID: m.ClusterID.ValueString()}
	if img := m.Image.ValueString(); img != "" {
		f.Name = client.ImageName(img)
	}
	return f
}

// settleUnknowns turns the computed attributes that are still unknown into null, so that a state
// saved before the task is read back is complete.
func (m *imagePrewarmModel) settleUnknowns() {
	for _, s := range []*types.String{&m.State, &m.ImageName, &m.ClusterName, &m.CreatedAt, &m.CompletedAt} {
		if s.IsUnknown() {
			*s = types.StringNull()
		}
	}
	if m.ImageSizeBytes.IsUnknown() {
		m.ImageSizeBytes = types.Int64Null()
	}
	if m.StateReasons.IsUnknown() {
		m.StateReasons = types.ListNull(types.StringType)
	}
}

func (r *imagePrewarmResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image_prewarm"
}

func (r *imagePrewarmResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "An image prewarm task: Novita copies a container image into a cluster's cache ahead of time, so serverless workers that start or scale out " +
			"there load it locally instead of pulling it, which shortens cold starts. Make an endpoint depend on its prewarm task so its first workers start warm. " +
			"Tasks count against the account's prewarm quota (see the `novita_image_prewarm_quota` data source); the plan fails when the quota has no room. " +
			"A new image tag is a new image: changing `image` replaces the task.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The task id assigned by Novita.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"image": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Image reference to cache, as endpoints name it (for example `novitalabs/comfyui-worker:v0.0.1`); 1-%d characters. Changing it replaces the task.", maxImageRefLength),
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, maxImageRefLength)},
				PlanModifiers:       replace,
			},
			"cluster_id": schema.StringAttribute{
				MarkdownDescription: "The cluster whose cache receives the image: the cluster of the endpoints that use it (see the `novita_clusters` data source). Changing it replaces the task.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       replace,
			},
			"registry_credential_id": schema.StringAttribute{
				MarkdownDescription: "A `novita_registry_credential` id, for images in a private registry. Changing it replaces the task.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       replace,
			},
			"product_ids": schema.ListAttribute{
				MarkdownDescription: "GPU products (card types, see `novita_gpu_products`) whose nodes cache the image; they must be offered in `cluster_id`. Unset or empty: every card type in the cluster. " +
					"Order does not matter; changing the set replaces the task.",
				ElementType: types.StringType,
				Optional:    true,
				Validators: []validator.List{
					listvalidator.UniqueValues(),
					listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1)),
				},
				PlanModifiers: []planmodifier.List{listplanmodifier.RequiresReplaceIf(productSetChanged,
					"Changing the set of products replaces the task.", "Changing the set of products replaces the task.")},
			},
			"note": schema.StringAttribute{
				MarkdownDescription: "A note shown with the task; the one attribute Novita edits in place.",
				Optional:            true,
			},
			"wait_for_completion": schema.BoolAttribute{
				MarkdownDescription: "Wait on create until the task is `Succeeded`; a task that ends `Failed` fails the apply with Novita's reasons and is tainted, so the next apply replaces it. " +
					"Default `true`. With `false` the apply moves on while the image is copied, and later plans refresh `state`. A Terraform-side setting: changing it makes no API call.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"state": schema.StringAttribute{
				MarkdownDescription: "The task's state: `Pending`, `Running`, `Succeeded` or `Failed`.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"state_reasons": schema.ListAttribute{
				MarkdownDescription: "Novita's reasons when the task failed; empty otherwise.",
				ElementType:         types.StringType,
				Computed:            true,
				PlanModifiers:       []planmodifier.List{listplanmodifier.UseStateForUnknown()},
			},
			"image_name": schema.StringAttribute{
				MarkdownDescription: "The image's name as Novita shows it: the last part of the reference, without tag.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"image_size_bytes": schema.Int64Attribute{
				MarkdownDescription: "The image's size in bytes, once Novita has read it; null before. It must stay within the quota's `per_image_size_gb`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"cluster_name": schema.StringAttribute{
				MarkdownDescription: "Name of the cluster.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"created_at": schema.StringAttribute{
				MarkdownDescription: "Creation time (RFC 3339, UTC).",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"completed_at": schema.StringAttribute{
				MarkdownDescription: "When the task succeeded or failed (RFC 3339, UTC); null while it runs.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"timeouts": timeoutsAttribute(ctx, timeouts.Opts{
				Create: true,
				CreateDescription: "How long create waits for the task to succeed when `wait_for_completion` is true. Default `" +
					durationText(defaultImagePrewarmCreateTimeout) + "`.",
			}, "Provider-side time limit of create (default `"+durationText(defaultImagePrewarmCreateTimeout)+"`)."),
		},
	}
}

// productSetChanged asks for a replacement only when the set of products changes: order and an
// unset-versus-empty list do not matter.
func productSetChanged(ctx context.Context, req planmodifier.ListRequest, resp *listplanmodifier.RequiresReplaceIfFuncResponse) {
	var prior, planned []string
	resp.Diagnostics.Append(req.StateValue.ElementsAs(ctx, &prior, false)...)
	resp.Diagnostics.Append(req.PlanValue.ElementsAs(ctx, &planned, false)...)
	resp.RequiresReplace = !sameStrings(prior, planned)
}

func (r *imagePrewarmResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, resp.Diagnostics.AddError)
}

func (r *imagePrewarmResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan imagePrewarmModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultImagePrewarmCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	createReq, err := plan.createRequest(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Create Image Prewarm Task", err.Error())
		return
	}
	id, err := r.data.client.CreateImagePrewarm(ctx, createReq)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Create Image Prewarm Task", apiErrorDetail(err, prewarmErrorHint))
		return
	}
	ctx = tflog.SetField(ctx, "prewarm_id", id)
	tflog.Info(ctx, "created image prewarm task")

	// Record the task before reading or waiting: a failed wait leaves it tainted, not orphaned.
	plan.ID = types.StringValue(id)
	plan.settleUnknowns()
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}

	var task *client.ImagePrewarm
	if plan.WaitForCompletion.ValueBool() {
		task, err = r.data.client.WaitForImagePrewarm(ctx, id, plan.near())
	} else {
		task, err = r.data.client.GetImagePrewarm(ctx, id, plan.near())
	}
	if task != nil {
		configured := plan.ProductIDs // the applied state must match the plan; drift shows at refresh
		plan.setFromAPI(task, nil)
		plan.ProductIDs = configured
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
	if err != nil {
		resp.Diagnostics.AddError(prewarmWaitFailure(id, err, timeout))
	}
}

// prewarmWaitFailure turns a failed wait into a diagnostic summary and detail.
func prewarmWaitFailure(id string, err error, timeout time.Duration) (string, string) {
	tainted := "\n\nThe task stays in Terraform state, tainted: the next apply deletes it and starts a new one."
	var failed *client.ImagePrewarmFailedError
	switch {
	case errors.As(err, &failed):
		return "Image Prewarm Failed", fmt.Sprintf("Novita could not cache %s: %s", failed.Image, failed.Error()) +
			"\n\nCheck that the image exists, that registry_credential_id can pull it, and that it fits the quota's per_image_size_gb (data source novita_image_prewarm_quota)." + tainted
	case errors.Is(err, context.DeadlineExceeded):
		return "Image Prewarm Timed Out", fmt.Sprintf("Task %s did not succeed within the create timeout (%s): a large image or a rate-limited registry can take long. "+
			"Raise timeouts.create, or set wait_for_completion = false to let it finish after the apply.", id, timeout) + tainted
	}
	return "Unable to Wait for Image Prewarm Task", fmt.Sprintf("Waiting for task %s failed: %s", id, err) + tainted
}

func (r *imagePrewarmResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state imagePrewarmModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	task, err := r.data.client.GetImagePrewarm(ctx, state.ID.ValueString(), state.near())
	if client.IsNotFound(err) {
		tflog.Info(ctx, "image prewarm task is gone; removing it from state", map[string]any{"prewarm_id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Image Prewarm Task", err.Error())
		return
	}
	state.setFromAPI(task, r.clusterProducts(ctx, task.ClusterID))
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// clusterProducts lists the products offered in a cluster, from the catalogue; nil when the
// catalogue cannot be read (product_ids then keeps its prior value).
func (r *imagePrewarmResource) clusterProducts(ctx context.Context, clusterID string) []string {
	cat, err := r.data.catalog(ctx)
	if err != nil {
		tflog.Warn(ctx, "cannot read the product catalogue; product_ids is not compared with the cluster's products", map[string]any{"error": err.Error()})
		return nil
	}
	ids := []string{}
	for _, p := range cat.Products {
		if slices.Contains(p.RegionIDs, clusterID) {
			ids = append(ids, p.ID)
		}
	}
	return ids
}

// Update edits the note, the only attribute the API changes; the rest is Terraform-side.
// Computed attributes keep their state values until the next refresh.
func (r *imagePrewarmResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state imagePrewarmModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !plan.Note.Equal(state.Note) {
		if err := r.data.client.EditImagePrewarmNote(ctx, state.ID.ValueString(), plan.Note.ValueString()); err != nil {
			resp.Diagnostics.AddError("Unable to Update Image Prewarm Task", apiErrorDetail(err, prewarmErrorHint))
			return
		}
	}
	state.Note = plan.Note
	state.WaitForCompletion = plan.WaitForCompletion
	state.Timeouts = plan.Timeouts
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *imagePrewarmResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state imagePrewarmModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.data.client.DeleteImagePrewarms(ctx, state.ID.ValueString())
	if err != nil && !client.IsNotFound(err) {
		resp.Diagnostics.AddError("Unable to Delete Image Prewarm Task", err.Error())
	}
}

func (r *imagePrewarmResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

// prewarmErrorHint adds what to do for the prewarm errors a user can fix.
func prewarmErrorHint(err error) string {
	switch {
	case client.HasReason(err, "OPERATION_LIMIT"):
		return "The account's image prewarm quota is full (data source novita_image_prewarm_quota). Delete tasks you no longer need, or ask Novita for a higher quota."
	case client.HasReason(err, "SERVERLESS_PRODUCT_NOT_FOUND"):
		return "A product in product_ids does not exist; see the novita_gpu_products data source."
	case errors.Is(err, client.ErrMaybeCreated):
		return "The task may have been created although the request failed. Look for it in the Novita console and import it with `terraform import` instead of applying again, which could start a duplicate."
	}
	return ""
}
