package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

var (
	_ resource.Resource                = &jobResource{}
	_ resource.ResourceWithConfigure   = &jobResource{}
	_ resource.ResourceWithImportState = &jobResource{}
	_ resource.ResourceWithIdentity    = &jobResource{}
)

// defaultJobCreateTimeout bounds submitting a job and waiting for its final status.
const defaultJobCreateTimeout = 20 * time.Minute

// jobStatuses are the statuses the job gateway reports, in lifecycle order.
var jobStatuses = []string{
	client.JobPending, client.JobInProgress, client.JobCompleted,
	client.JobFailed, client.JobCancelled, client.JobTimedOut,
}

// finalJobStatuses are the statuses a job ends in: the only ones expected_status can name.
var finalJobStatuses = []string{client.JobCompleted, client.JobFailed, client.JobCancelled, client.JobTimedOut}

// privateKeyAdopted marks a job that came in through import: the API cannot tell its input, so
// the first plan after import records input and triggers from the configuration instead of
// replacing the job.
const privateKeyAdopted = "adopted"

// NewJobResource returns the novita_job resource.
func NewJobResource() resource.Resource { return &jobResource{} }

type jobResource struct {
	data *providerData
}

// jobResourceModel is the novita_job resource in Terraform.
type jobResourceModel struct {
	ID              types.String         `tfsdk:"id"`
	EndpointName    types.String         `tfsdk:"endpoint_name"`
	Input           jsontypes.Normalized `tfsdk:"input"`
	Wait            types.Bool           `tfsdk:"wait"`
	ExpectedStatus  types.String         `tfsdk:"expected_status"`
	Triggers        types.Map            `tfsdk:"triggers"`
	CancelOnDestroy types.Bool           `tfsdk:"cancel_on_destroy"`
	Timeouts        timeouts.Value       `tfsdk:"timeouts"`
	jobResultModel
}

// jobResultModel is what the gateway reports about a job; the resource and the data source share it.
type jobResultModel struct {
	Status          types.String         `tfsdk:"status"`
	Output          jsontypes.Normalized `tfsdk:"output"`
	Error           types.String         `tfsdk:"error"`
	DelayTimeMS     types.Int64          `tfsdk:"delay_time_ms"`
	ExecutionTimeMS types.Int64          `tfsdk:"execution_time_ms"`
}

// jobResultFromAPI maps a gateway job to its Terraform values. A job without output or error
// has them null; the output is stored compact.
func jobResultFromAPI(j *client.Job) jobResultModel {
	m := jobResultModel{
		Status:          types.StringValue(j.Status),
		Output:          jsontypes.NewNormalizedNull(),
		Error:           types.StringNull(),
		DelayTimeMS:     types.Int64Value(int64(j.DelayTime)),
		ExecutionTimeMS: types.Int64Value(int64(j.ExecutionTime)),
	}
	if out := bytes.TrimSpace(j.Output); len(out) > 0 && !bytes.Equal(out, []byte("null")) {
		var compact bytes.Buffer
		if json.Compact(&compact, out) == nil {
			m.Output = jsontypes.NewNormalizedValue(compact.String())
		} else {
			m.Output = jsontypes.NewNormalizedValue(string(out))
		}
	}
	if j.Error != "" {
		m.Error = types.StringValue(j.Error)
	}
	return m
}

// jobBodySize is the size in bytes of the submit request body the client sends for input:
// {"input":<input>} as encoding/json writes it (compact, with <, > and & escaped).
func jobBodySize(input string) (int, error) {
	body, err := json.Marshal(struct {
		Input json.RawMessage `json:"input"`
	}{json.RawMessage(input)})
	if err != nil {
		return 0, err
	}
	return len(body), nil
}

// compactJSON returns input without insignificant whitespace.
func compactJSON(input string) (json.RawMessage, error) {
	var compact bytes.Buffer
	if err := json.Compact(&compact, []byte(input)); err != nil {
		return nil, err
	}
	return compact.Bytes(), nil
}

// jobBodyLimitValidator fails the plan when the job body would exceed the gateway's 4 MiB limit.
type jobBodyLimitValidator struct{}

var _ validator.String = jobBodyLimitValidator{}

func (jobBodyLimitValidator) Description(context.Context) string {
	return fmt.Sprintf("the job body {\"input\": ...} must be at most %d bytes (4 MiB)", client.MaxJobBodyBytes)
}

func (v jobBodyLimitValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (jobBodyLimitValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if !known(req.ConfigValue) {
		return
	}
	size, err := jobBodySize(req.ConfigValue.ValueString())
	if err != nil {
		return // the JSON type reports invalid JSON itself
	}
	if size > client.MaxJobBodyBytes {
		resp.Diagnostics.AddAttributeError(req.Path, "Job Input Too Large",
			fmt.Sprintf("The job body {\"input\": ...} would be %d bytes; the Novita job gateway accepts at most %d bytes (4 MiB). "+
				"Upload large data to object storage and pass its URL in the input instead.", size, client.MaxJobBodyBytes))
	}
}

// keepEquivalentJSON plans the prior JSON text when the configured text is the same JSON with
// other whitespace or key order, so such an edit plans no change at all. (The framework runs
// semantic equality only after apply and read; Terraform accepts a planned prior value that
// differs from the configuration in text.)
type keepEquivalentJSON struct{}

var _ planmodifier.String = keepEquivalentJSON{}

func (keepEquivalentJSON) Description(context.Context) string {
	return "a change of whitespace or key order only is not a change"
}

func (m keepEquivalentJSON) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (keepEquivalentJSON) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || !known(req.PlanValue) {
		return
	}
	equal, diags := jsontypes.NewNormalizedValue(req.StateValue.ValueString()).
		StringSemanticEquals(ctx, jsontypes.NewNormalizedValue(req.PlanValue.ValueString()))
	if !diags.HasError() && equal {
		resp.PlanValue = req.StateValue
	}
}

// adopted reports whether the job came in through import and has not been applied since.
func adopted(ctx context.Context, private interface {
	GetKey(context.Context, string) ([]byte, diag.Diagnostics)
}) bool {
	v, _ := private.GetKey(ctx, privateKeyAdopted)
	return len(v) > 0
}

// requiresReplaceUnlessAdoptedString replaces the job when input changes, except on the first
// plan after import, when the configured input is only recorded.
func requiresReplaceUnlessAdoptedString(ctx context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = !(req.StateValue.IsNull() && adopted(ctx, req.Private))
}

// requiresReplaceUnlessAdoptedMap is requiresReplaceUnlessAdoptedString for triggers.
func requiresReplaceUnlessAdoptedMap(ctx context.Context, req planmodifier.MapRequest, resp *mapplanmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = !(req.StateValue.IsNull() && adopted(ctx, req.Private))
}

func (r *jobResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_job"
}

func (r *jobResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Submits one job to an async endpoint, usually as a smoke test in the same apply that creates the endpoint. " +
			"By default the apply waits for the job's final status and fails unless it is `COMPLETED`; a failed job is left tainted, so the next apply submits a new one.\n\n" +
			"The job id is written to state as soon as the gateway accepts the job. A submit whose answer was lost (a timeout, a dropped connection or a 5xx after the gateway may have accepted it) " +
			"is sent again, because the gateway offers no way to find the first one: the endpoint may then run the job twice. " +
			"A duplicate smoke test costs seconds of GPU time; a failed apply costs a person's time.\n\n" +
			"Job results are kept 6 hours after the job ends; " +
			"after that the resource keeps its last known values and is never re-run by a later plan. " +
			"Change `input` or `triggers` to run a new job.\n\n" +
			"Import with `<endpoint_name>/<job id>`, or (Terraform 1.12+) an `import` block with `identity = { endpoint_name, id }`. The API does not return a job's input, so the first apply after import records `input` and `triggers` from the configuration without submitting a new job.\n\n" +
			"To run a smoke job after every change of an endpoint without keeping it in state, see the `novita_endpoint_invoke` action (Terraform 1.14+).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Job id assigned by the gateway.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"endpoint_name": schema.StringAttribute{
				MarkdownDescription: "Job name of the async endpoint, `<endpoint id>-<app name>`: use `novita_endpoint.<name>.endpoint_name`. Changing it submits a new job (replace).",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.RequiresReplace(),
				},
			},
			"input": schema.StringAttribute{
				MarkdownDescription: "The job's input as a JSON string, usually written with `jsonencode(...)`; the worker's handler receives it as `job[\"input\"]`. " +
					"Compared as JSON: whitespace and key order do not cause a diff. The whole job body `{\"input\": ...}` must be at most 4 MiB (the gateway's limit); " +
					"larger data belongs in object storage. Changing it submits a new job (replace).",
				Required:   true,
				CustomType: jsontypes.NormalizedType{},
				Validators: []validator.String{jobBodyLimitValidator{}},
				PlanModifiers: []planmodifier.String{
					keepEquivalentJSON{},
					stringplanmodifier.RequiresReplaceIf(requiresReplaceUnlessAdoptedString,
						"Changing the input submits a new job.", "Changing the input submits a new job."),
				},
			},
			"wait": schema.BoolAttribute{
				MarkdownDescription: "Wait for the job to reach a final status (`COMPLETED`, `FAILED`, `CANCELLED`, `TIMED_OUT`) during create, up to the create timeout. Default `true`. Changes in place, without a new job.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(true),
			},
			"expected_status": schema.StringAttribute{
				MarkdownDescription: "When `wait` is true, any other final status fails the apply with the job's error text and leaves the job tainted (the next apply submits a new one). " +
					"A final status: one of `" + strings.Join(finalJobStatuses, "`, `") + "`, or `\"\"` to accept any final status. Default `COMPLETED`. Changes in place.",
				Optional:   true,
				Computed:   true,
				Default:    stringdefault.StaticString(client.JobCompleted),
				Validators: []validator.String{stringvalidator.OneOf(append([]string{""}, finalJobStatuses...)...)},
			},
			"triggers": schema.MapAttribute{
				MarkdownDescription: "Arbitrary values; any change submits a new job (replace). Use it to re-run the smoke test when something else changes, e.g. `{ image = novita_endpoint.x.image }`.",
				Optional:            true,
				ElementType:         types.StringType,
				PlanModifiers: []planmodifier.Map{
					mapplanmodifier.RequiresReplaceIf(requiresReplaceUnlessAdoptedMap,
						"Changing triggers submits a new job.", "Changing triggers submits a new job."),
				},
			},
			"cancel_on_destroy": schema.BoolAttribute{
				MarkdownDescription: "On destroy, cancel the job if it is still `PENDING` or `IN_PROGRESS`. Default `true`. Changes in place.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(true),
			},
			"timeouts": timeoutsAttribute(ctx, timeouts.Opts{
				Create:            true,
				CreateDescription: "How long create submits the job and waits for its final status, as a duration such as `30m`. Default `" + durationText(defaultJobCreateTimeout) + "`.",
			}, "Provider-side time limit of create (default `"+durationText(defaultJobCreateTimeout)+"`)."),
			"status": schema.StringAttribute{
				MarkdownDescription: "Last known status: one of `" + strings.Join(jobStatuses, "`, `") + "`. Refreshed on every plan while the gateway keeps the job (6 hours after it ends).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"output": schema.StringAttribute{
				MarkdownDescription: "The job's output as a JSON string (the worker handler's return value); null until the job completes. Decode it with `jsondecode(...)`.",
				Computed:            true,
				CustomType:          jsontypes.NormalizedType{},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"error": schema.StringAttribute{
				MarkdownDescription: "The job's error text when it failed; null otherwise.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"delay_time_ms": schema.Int64Attribute{
				MarkdownDescription: "Milliseconds the job waited in the queue before a worker took it (0 until known).",
				Computed:            true,
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"execution_time_ms": schema.Int64Attribute{
				MarkdownDescription: "Milliseconds the worker spent running the job (0 until known).",
				Computed:            true,
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *jobResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = jobIdentitySchema()
}

// identity is the job's identity as the model names it.
func (m jobResourceModel) identity() jobIdentityModel {
	return jobIdentityModel{EndpointName: m.EndpointName, ID: m.ID}
}

func (r *jobResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, resp.Diagnostics.AddError)
}

func (r *jobResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan jobResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultJobCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	endpoint := plan.EndpointName.ValueString()
	input, err := compactJSON(plan.Input.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("input"), "Invalid Job Input", "input must be a JSON document: "+err.Error())
		return
	}
	job, err := r.data.client.SubmitJob(ctx, endpoint, input)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Submit Job",
			fmt.Sprintf("Submitting a job to endpoint %q failed: %s\n\nThe endpoint must be an async endpoint that exists and is serving.", endpoint, err))
		return
	}
	ctx = tflog.SetField(ctx, "job_id", job.ID)
	tflog.Info(ctx, "submitted job", map[string]any{"endpoint_name": endpoint, "status": job.Status})

	// Record the job before waiting: a failed or timed-out wait leaves a tainted job, not an orphan.
	plan.ID = types.StringValue(job.ID)
	plan.jobResultModel = jobResultFromAPI(job)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, plan.identity())...)
	if resp.Diagnostics.HasError() || !plan.Wait.ValueBool() {
		return
	}

	final, err := r.data.client.WaitForJob(ctx, endpoint, job.ID)
	if err != nil {
		detail := fmt.Sprintf("Waiting for job %s on endpoint %q failed: %s", job.ID, endpoint, err)
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
			detail = fmt.Sprintf("Job %s on endpoint %q did not reach a final status within the create timeout (%s). "+
				"Raise timeouts.create, check the endpoint's workers (data source novita_endpoint_health), or set wait = false.", job.ID, endpoint, timeout)
		}
		next := "\n\nThe job is kept in state as tainted: the next apply submits a new job."
		if client.IsUnreachable(err) {
			next = fmt.Sprintf("\n\nThe job may well have run: only the job gateway could not be reached. It is kept in state as tainted, so the next apply "+
				"submits a new job; to keep this one (id %s) instead, run `terraform untaint <address>` with this novita_job's address "+
				"(for example novita_job.smoke_test), then apply again.", job.ID)
		}
		resp.Diagnostics.AddError("Unable to Wait for Job", detail+next)
		return
	}
	plan.jobResultModel = jobResultFromAPI(final)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)

	if want := plan.ExpectedStatus.ValueString(); want != "" && final.Status != want {
		errText := final.Error
		if errText == "" {
			errText = "(the job reported no error text)"
		}
		resp.Diagnostics.AddError("Job Ended With an Unexpected Status",
			fmt.Sprintf("Job %s on endpoint %q ended %s, expected %s.\n\nJob error: %s\n\n"+
				"The job is kept in state as tainted: the next apply submits a new job. Set expected_status = \"\" to accept any final status.",
				final.ID, endpoint, final.Status, want, errText))
	}
}

func (r *jobResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state jobResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	endpoint, id := state.EndpointName.ValueString(), state.ID.ValueString()
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, state.identity())...)
	job, err := r.data.client.GetJob(ctx, endpoint, id)
	if client.IsNotFound(err) && state.Status.IsNull() {
		// Only an import reads a job with no known status: there, not found means no such job.
		resp.State.RemoveResource(ctx)
		return
	}
	if client.IsNotFound(err) {
		// Results expire 6 hours after the job ends (or the endpoint is gone). Removing the job
		// from state would re-submit it on the next apply, so keep the last known values.
		tflog.Info(ctx, "job no longer known to the gateway (results expire after 6 hours); keeping its last known state",
			map[string]any{"endpoint_name": endpoint, "job_id": id})
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Job", fmt.Sprintf("Reading job %s on endpoint %q failed: %s", id, endpoint, err))
		return
	}
	state.jobResultModel = jobResultFromAPI(job)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update changes only how Terraform treats the job (wait, expected_status, cancel_on_destroy,
// timeouts); the job itself cannot change. After import it also records input and triggers.
func (r *jobResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan jobResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, plan.identity())...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKeyAdopted, nil)...)
}

func (r *jobResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state jobResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !requireClient(r.data, &resp.Diagnostics) || !state.CancelOnDestroy.ValueBool() {
		return
	}
	endpoint, id := state.EndpointName.ValueString(), state.ID.ValueString()
	done, err := r.jobFinished(ctx, endpoint, id)
	if err == nil && !done {
		err = r.cancel(ctx, endpoint, id)
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Cancel Job",
			fmt.Sprintf("Cancelling job %s on endpoint %q failed: %s\n\nSet cancel_on_destroy = false to remove the job from state without cancelling it.", id, endpoint, err))
	}
}

// jobFinished reads the job and reports whether it needs no cancelling: it reached a final
// status, or the gateway no longer knows it.
func (r *jobResource) jobFinished(ctx context.Context, endpoint, id string) (bool, error) {
	job, err := r.data.client.GetJob(ctx, endpoint, id)
	if client.IsNotFound(err) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return job.Terminal(), nil
}

// cancel cancels a job that was still queued or running when last read.
func (r *jobResource) cancel(ctx context.Context, endpoint, id string) error {
	_, err := r.data.client.CancelJob(ctx, endpoint, id)
	if err != nil && !client.IsNotFound(err) {
		// The job may have ended between the read and the cancel: then nothing is left to do.
		if finished, again := r.jobFinished(ctx, endpoint, id); again != nil || !finished {
			return err
		}
	}
	tflog.Info(ctx, "job cancelled or already ended on destroy", map[string]any{"endpoint_name": endpoint, "job_id": id})
	return nil
}

// ImportState takes "<endpoint_name>/<job id>", or an identity { endpoint_name, id }.
func (r *jobResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	endpoint, id, ok := parseJobImportID(req.ID)
	if req.ID == "" && req.Identity != nil {
		var ident jobIdentityModel
		resp.Diagnostics.Append(req.Identity.Get(ctx, &ident)...)
		if resp.Diagnostics.HasError() {
			return
		}
		endpoint, id = ident.EndpointName.ValueString(), ident.ID.ValueString()
		ok = endpoint != "" && id != ""
	}
	if !ok {
		resp.Diagnostics.AddError("Invalid Import ID",
			fmt.Sprintf("Expected \"<endpoint_name>/<job id>\" (endpoint_name is \"<endpoint id>-<app name>\"), or an identity with both endpoint_name and id; got %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("endpoint_name"), endpoint)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("wait"), true)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("expected_status"), client.JobCompleted)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("cancel_on_destroy"), true)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKeyAdopted, []byte("true"))...)
}

// parseJobImportID splits "<endpoint_name>/<job id>" at the last slash.
func parseJobImportID(s string) (endpoint, id string, ok bool) {
	i := strings.LastIndex(s, "/")
	if i <= 0 || i == len(s)-1 {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}
