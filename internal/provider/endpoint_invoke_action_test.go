package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
	"github.com/novitalabs/terraform-provider-novita/internal/emulator/gateway"
)

// stepClock is a clock that moves only when the code under test asks for the time through tick,
// so progress messages and the simulated jobs follow one deterministic timeline.
type stepClock struct {
	mu   sync.Mutex
	now  time.Time
	step time.Duration
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *stepClock) tick() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(c.step)
	return c.now
}

// gatewayEndpoint serves the emulator's job gateway for one warm async endpoint running image,
// and returns a client for it, the gateway, and the endpoint's job name.
func gatewayEndpoint(t *testing.T, image string, clock *stepClock, coldStart time.Duration, minWorkers int) (*client.Client, *gateway.Gateway, string) {
	t.Helper()
	ep := gateway.Endpoint{
		ID: "ep1", AppName: "smoke", Team: "team", Type: "async", Serving: true,
		MinWorkers: minWorkers, MaxWorkers: 1, FreeTimeoutSec: 60, MaxConcurrent: 1, RequestTimeoutSec: 3600,
		PolicyType: "concurrency", PolicyValue: 1, Image: image,
	}
	gw := gateway.New(oneEndpoint{ep}, gateway.Options{Now: clock.Now, ColdStart: coldStart})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gw.Serve(w, r, "team", r.URL.Path)
	}))
	t.Cleanup(srv.Close)
	return newTestClient(t, "sk_test", srv.URL, srv.URL), gw, ep.ID + "-" + ep.AppName
}

type oneEndpoint struct{ ep gateway.Endpoint }

func (d oneEndpoint) LookupJobEndpoint(name string) (gateway.Endpoint, bool) {
	return d.ep, name == d.ep.ID+"-"+d.ep.AppName
}

// recorder collects progress messages.
type recorder struct{ msgs []string }

func (r *recorder) add(msg string) { r.msgs = append(r.msgs, msg) }

func TestJobRunReportsSubmissionStatusChangesHeartbeatsAndTheEnd(t *testing.T) {
	clock := &stepClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), step: 10 * time.Second}
	c, _, name := gatewayEndpoint(t, sleepWorkerImage, clock, -1, 1)
	var rec recorder
	run := jobRun{endpoint: name, input: json.RawMessage(`{"seconds":60}`), expected: client.JobCompleted, timeout: time.Minute}
	job, diags := run.do(context.Background(), c, rec.add, clock.tick)
	if diags.HasError() {
		t.Fatalf("unexpected errors: %v", diags)
	}
	if job.Status != client.JobCompleted {
		t.Fatalf("status = %s, want COMPLETED", job.Status)
	}
	want := []string{"Submitted job " + job.ID + " to endpoint " + name, "is IN_PROGRESS", "is still IN_PROGRESS", "ended COMPLETED"}
	if len(rec.msgs) != len(want) {
		t.Fatalf("progress messages:\n%s\nwant %d of them, in the order %q", strings.Join(rec.msgs, "\n"), len(want), want)
	}
	for i, w := range want {
		if !strings.Contains(rec.msgs[i], w) {
			t.Errorf("message %d = %q, want it to contain %q", i, rec.msgs[i], w)
		}
	}
}

func TestJobRunFailsOnAnotherFinalStatusWithTheJobError(t *testing.T) {
	clock := &stepClock{now: time.Now(), step: time.Second}
	c, _, name := gatewayEndpoint(t, echoWorkerImage, clock, -1, 1)
	input := json.RawMessage(`{"error":"model weights missing"}`)

	_, diags := jobRun{endpoint: name, input: input, expected: client.JobCompleted, timeout: time.Minute}.do(context.Background(), c, func(string) {}, clock.tick)
	if !diags.HasError() {
		t.Fatal("a FAILED job with expected_status COMPLETED must fail the action")
	}
	detail := diags[0].Detail()
	for _, part := range []string{"ended FAILED, expected COMPLETED", "model weights missing"} {
		if !strings.Contains(detail, part) {
			t.Errorf("error detail %q lacks %q", detail, part)
		}
	}

	job, diags := jobRun{endpoint: name, input: input, expected: "", timeout: time.Minute}.do(context.Background(), c, func(string) {}, clock.tick)
	if diags.HasError() || job.Status != client.JobFailed {
		t.Fatalf("expected_status \"\" accepts any final status; got %v, %v", job, diags)
	}
}

func TestJobRunCancelsTheJobWhenTheTimeoutEnds(t *testing.T) {
	clock := &stepClock{now: time.Now(), step: time.Second}
	// No warm worker and an hour of cold start: the job stays PENDING.
	c, gw, name := gatewayEndpoint(t, echoWorkerImage, clock, time.Hour, 0)
	var rec recorder
	_, diags := jobRun{endpoint: name, input: json.RawMessage(`{}`), expected: client.JobCompleted, timeout: 300 * time.Millisecond}.do(context.Background(), c, rec.add, clock.tick)
	if !diags.HasError() || !strings.Contains(diags[0].Detail(), "within the timeout (300ms)") || !strings.Contains(diags[0].Detail(), "was cancelled") {
		t.Fatalf("want a timeout error saying the job was cancelled, got %v", diags)
	}
	id := strings.Fields(rec.msgs[0])[2] // "Submitted job <id> ..."
	if j, ok := gw.Job(id); !ok || j.Status != client.JobCancelled {
		t.Fatalf("job %s after the timeout: %+v (found %v), want CANCELLED", id, j, ok)
	}
}

func TestInvokeTimeout(t *testing.T) {
	for _, tc := range []struct {
		in   types.String
		want time.Duration
		bad  bool
	}{
		{types.StringNull(), defaultJobCreateTimeout, false},
		{types.StringValue("90s"), 90 * time.Second, false},
		{types.StringValue("0s"), 0, true},
		{types.StringValue("-1m"), 0, true},
		{types.StringValue("ten minutes"), 0, true},
	} {
		got, err := invokeTimeout(tc.in)
		if (err != nil) != tc.bad || got != tc.want {
			t.Errorf("invokeTimeout(%s) = %v, %v; want %v (error: %v)", tc.in, got, err, tc.want, tc.bad)
		}
	}
}

// withInvokeTrigger adds to an endpoint block a lifecycle that runs action.novita_endpoint_invoke.smoke
// after every create and update, and declares that action with the given input.
func withInvokeTrigger(endpointHCL, input string) string {
	return strings.TrimSuffix(endpointHCL, "}\n") + `
  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.novita_endpoint_invoke.smoke]
    }
  }
}

action "novita_endpoint_invoke" "smoke" {
  config {
    endpoint_name = novita_endpoint.test.endpoint_name
    input         = ` + input + `
    timeout       = "5m"
  }
}
`
}

// checkCompletedJobs asks the gateway how many jobs the endpoint in state has completed and failed.
func checkCompletedJobs(env *testEnv, completed, failed int) resource.TestCheckFunc {
	return resource.TestCheckResourceAttrWith("novita_endpoint.test", "endpoint_name", func(name string) error {
		h, err := env.api.GetEndpointHealth(context.Background(), name)
		if err != nil {
			return err
		}
		if int(h.Jobs.Completed) != completed || int(h.Jobs.Failed) != failed {
			return fmt.Errorf("endpoint %s ran %d completed and %d failed jobs, want %d and %d", name, h.Jobs.Completed, h.Jobs.Failed, completed, failed)
		}
		return nil
	})
}

// The action runs from action_trigger after the endpoint's create and after each update, not on a
// plan without changes, and fails the apply when its job fails.
func TestAccEndpointInvokeAction_trigger(t *testing.T) {
	env := newTestEnv(t)
	app := strconv.Quote(accName("invoke"))
	config := func(maxWorkers int, input string) string {
		return env.config(withInvokeTrigger(env.endpointHCL(t, "test", map[string]string{
			"app_name": app, "max_workers": strconv.Itoa(maxWorkers),
		}), input))
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   needsActions,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkEndpointsDestroyed(env),
		Steps: []resource.TestStep{
			{Config: config(2, `jsonencode({ seconds = 1 })`), Check: checkCompletedJobs(env, 1, 0)},
			{Config: config(3, `jsonencode({ seconds = 1 })`), Check: checkCompletedJobs(env, 2, 0)},
			{Config: config(3, `jsonencode({ seconds = 1 })`), Check: checkCompletedJobs(env, 2, 0)}, // no change, no job
			{
				Config:      config(2, `jsonencode({ error = "weights missing" })`),
				ExpectError: wrappedMessage("ended FAILED, expected COMPLETED", "weights missing"),
			},
		},
	})
}
