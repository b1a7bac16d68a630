package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

var (
	_ action.Action                   = &endpointInvokeAction{}
	_ action.ActionWithConfigure      = &endpointInvokeAction{}
	_ action.ActionWithValidateConfig = &endpointInvokeAction{}
)

// invokeHeartbeat is how often the action reports a job whose status has not changed.
const invokeHeartbeat = 30 * time.Second

// NewEndpointInvokeAction returns the novita_endpoint_invoke action.
func NewEndpointInvokeAction() action.Action { return &endpointInvokeAction{} }

type endpointInvokeAction struct {
	data *providerData
}

type endpointInvokeModel struct {
	EndpointName   types.String         `tfsdk:"endpoint_name"`
	Input          jsontypes.Normalized `tfsdk:"input"`
	ExpectedStatus types.String         `tfsdk:"expected_status"`
	Timeout        types.String         `tfsdk:"timeout"`
}

func (a *endpointInvokeAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_endpoint_invoke"
}

func (a *endpointInvokeAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Submits one job to an async endpoint and waits for its final status, reporting progress while it waits; " +
			"the action fails when the job ends with another status than `expected_status`. Needs Terraform 1.14 or newer. " +
			"Run it from a resource's `lifecycle { action_trigger { ... } }` (for example after an endpoint is created or updated) " +
			"or on demand with `terraform apply -invoke=action.novita_endpoint_invoke.<name>`. Nothing is kept in state: " +
			"every invocation submits a new job. A job still running when the timeout ends or Terraform is interrupted is cancelled.",
		Attributes: map[string]schema.Attribute{
			"endpoint_name": schema.StringAttribute{
				MarkdownDescription: "Job name of the async endpoint, `<endpoint id>-<app name>`: use `novita_endpoint.<name>.endpoint_name`.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"input": schema.StringAttribute{
				MarkdownDescription: "The job's input as a JSON string, usually written with `jsonencode(...)`. " +
					"The whole job body `{\"input\": ...}` must be at most 4 MiB, as for `novita_job`.",
				Required:   true,
				CustomType: jsontypes.NormalizedType{},
				Validators: []validator.String{jobBodyLimitValidator{}},
			},
			"expected_status": schema.StringAttribute{
				MarkdownDescription: "The final status that counts as success: one of `" + strings.Join(finalJobStatuses, "`, `") +
					"`, or `\"\"` to accept any final status. Default `COMPLETED`. Any other final status fails the action with the job's error text.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(append([]string{""}, finalJobStatuses...)...)},
			},
			"timeout": schema.StringAttribute{
				MarkdownDescription: "How long to wait for the final status, as a Go duration such as `10m`. Default `" +
					durationText(defaultJobCreateTimeout) + "`. When it ends, the job is cancelled and the action fails.",
				Optional: true,
			},
		},
	}
}

func (a *endpointInvokeAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = configuredData(req.ProviderData, resp.Diagnostics.AddError)
}

func (a *endpointInvokeAction) ValidateConfig(ctx context.Context, req action.ValidateConfigRequest, resp *action.ValidateConfigResponse) {
	var cfg endpointInvokeModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || cfg.Timeout.IsUnknown() {
		return
	}
	if _, err := invokeTimeout(cfg.Timeout); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("timeout"), "Invalid timeout", err.Error())
	}
}

// invokeTimeout is the configured timeout, or the default when it is null.
func invokeTimeout(v types.String) (time.Duration, error) {
	if v.IsNull() {
		return defaultJobCreateTimeout, nil
	}
	d, err := time.ParseDuration(v.ValueString())
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("timeout must be a positive Go duration such as \"30s\" or \"10m\", got %q", v.ValueString())
	}
	return d, nil
}

func (a *endpointInvokeAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var cfg endpointInvokeModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || !requireClient(a.data, &resp.Diagnostics) {
		return
	}
	run := jobRun{endpoint: cfg.EndpointName.ValueString(), expected: client.JobCompleted}
	if !cfg.ExpectedStatus.IsNull() {
		run.expected = cfg.ExpectedStatus.ValueString()
	}
	var err error
	if run.timeout, err = invokeTimeout(cfg.Timeout); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("timeout"), "Invalid timeout", err.Error())
		return
	}
	if run.input, err = compactJSON(cfg.Input.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("input"), "Invalid Job Input", "input must be a JSON document: "+err.Error())
		return
	}
	progress := func(msg string) {
		tflog.Info(ctx, msg)
		if resp.SendProgress != nil {
			resp.SendProgress(action.InvokeProgressEvent{Message: msg})
		}
	}
	_, diags := run.do(ctx, a.data.client, progress, time.Now)
	resp.Diagnostics.Append(diags...)
}

// jobRun is one invocation: submit input to endpoint, wait up to timeout, expect a final status
// ("" accepts any).
type jobRun struct {
	endpoint string
	input    json.RawMessage
	expected string
	timeout  time.Duration
}

// do submits the job and waits for its final status, telling progress about the submission,
// every change of status, and every invokeHeartbeat without one. now is the clock progress
// measures elapsed time with.
func (r jobRun) do(ctx context.Context, c *client.Client, progress func(string), now func() time.Time) (*client.Job, diag.Diagnostics) {
	var diags diag.Diagnostics
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	start := now()
	job, err := c.SubmitJob(ctx, r.endpoint, r.input)
	if err != nil {
		diags.AddError("Unable to Submit Job", fmt.Sprintf("Submitting a job to endpoint %q failed: %s\n\n"+
			"The endpoint must be an async endpoint that exists and is serving.", r.endpoint, err))
		return nil, diags
	}
	progress(fmt.Sprintf("Submitted job %s to endpoint %s; waiting up to %s for its final status.", job.ID, r.endpoint, r.timeout))

	lastStatus, lastReport := "", start
	final, err := c.WaitForJobReporting(ctx, r.endpoint, job.ID, func(j *client.Job) {
		elapsed := now().Sub(start).Round(time.Second)
		switch {
		case j.Terminal():
			progress(fmt.Sprintf("Job %s ended %s after %s (queued %d ms, ran %d ms).", j.ID, j.Status, elapsed, j.DelayTime, j.ExecutionTime))
		case j.Status != lastStatus:
			progress(fmt.Sprintf("Job %s is %s (%s elapsed).", j.ID, j.Status, elapsed))
		case now().Sub(lastReport) >= invokeHeartbeat:
			progress(fmt.Sprintf("Job %s is still %s (%s elapsed).", j.ID, j.Status, elapsed))
		default:
			return
		}
		lastStatus, lastReport = j.Status, now()
	})
	if err != nil {
		diags.AddError("Unable to Wait for Job", r.waitFailure(ctx, c, job.ID, err))
		return nil, diags
	}
	if r.expected != "" && final.Status != r.expected {
		errText := final.Error
		if errText == "" {
			errText = "(the job reported no error text)"
		}
		diags.AddError("Job Ended With an Unexpected Status", fmt.Sprintf("Job %s on endpoint %q ended %s, expected %s.\n\nJob error: %s",
			final.ID, r.endpoint, final.Status, r.expected, errText))
	}
	return final, diags
}

// waitFailure explains a failed wait. A job abandoned because the timeout ended or Terraform was
// interrupted is cancelled: nothing tracks it afterwards (unlike a novita_job in state).
func (r jobRun) waitFailure(ctx context.Context, c *client.Client, jobID string, err error) string {
	if ctx.Err() == nil {
		return fmt.Sprintf("Waiting for job %s on endpoint %q failed: %s", jobID, r.endpoint, err)
	}
	why := fmt.Sprintf("Job %s on endpoint %q did not reach a final status within the timeout (%s).", jobID, r.endpoint, r.timeout)
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		why = fmt.Sprintf("Waiting for job %s on endpoint %q was interrupted.", jobID, r.endpoint)
	}
	cancelCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	if _, cerr := c.CancelJob(cancelCtx, r.endpoint, jobID); cerr != nil && !client.IsNotFound(cerr) {
		return why + fmt.Sprintf(" Cancelling it failed (%s): it may still be running.", cerr)
	}
	return why + " The job was cancelled. Raise timeout, or check the endpoint's workers with the novita_endpoint_health data source."
}
