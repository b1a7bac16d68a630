package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
	"github.com/novitalabs/terraform-provider-novita/internal/emulator/emulatortest"
)

func TestEndpointHealthFromAPI(t *testing.T) {
	var h client.EndpointHealth
	h.Workers.Idle, h.Workers.Running, h.Workers.Throttled, h.Workers.Total = 1, 2, 3, 6
	h.Jobs.Completed, h.Jobs.Failed, h.Jobs.InProgress, h.Jobs.InQueue, h.Jobs.Retried = 10, 4, 2, 7, 1

	got := endpointHealthFromAPI("ep-app", &h)
	want := endpointHealthModel{
		EndpointName: types.StringValue("ep-app"),
		Workers: &healthWorkersModel{
			Idle: types.Int64Value(1), Running: types.Int64Value(2), Throttled: types.Int64Value(3), Total: types.Int64Value(6),
		},
		Jobs: &healthJobsModel{
			Completed: types.Int64Value(10), Failed: types.Int64Value(4), InProgress: types.Int64Value(2),
			InQueue: types.Int64Value(7), Retried: types.Int64Value(1),
		},
	}
	if got.EndpointName != want.EndpointName || *got.Workers != *want.Workers || *got.Jobs != *want.Jobs {
		t.Errorf("endpointHealthFromAPI() = %+v %+v %+v, want %+v %+v %+v", got.EndpointName, *got.Workers, *got.Jobs, want.EndpointName, *want.Workers, *want.Jobs)
	}
}

// expectCheckBlock asserts the result of a Terraform check block as recorded in the state.
// Terraform reports a failed check block as a warning, which terraform-plugin-testing does not
// surface, so the state's check results are the place to assert it.
type expectCheckBlock struct {
	name string
	want tfjson.CheckStatus
}

func (e expectCheckBlock) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil {
		resp.Error = fmt.Errorf("no state")
		return
	}
	for _, c := range req.State.Checks {
		if c.Address.Kind == tfjson.CheckKindCheckBlock && c.Address.Name == e.name {
			if c.Status != e.want {
				resp.Error = fmt.Errorf("check block %q: status %q, want %q (%+v)", e.name, c.Status, e.want, c.Instances)
			}
			return
		}
	}
	resp.Error = fmt.Errorf("check block %q not in the state's check results (%d results)", e.name, len(req.State.Checks))
}

// healthCheckHCL is the documented health check: no jobs may wait while there are no workers.
// Terraform reads a check block's scoped data source at plan time and again during every apply,
// so a plan with one is never empty for terraform-plugin-testing: steps using it set
// ExpectNonEmptyPlan.
func healthCheckHCL(endpoint string) string {
	return fmt.Sprintf(`
check "queue_has_workers" {
  data "novita_endpoint_health" "scoped" {
    endpoint_name = %q
  }
  assert {
    condition     = data.novita_endpoint_health.scoped.jobs.in_queue == 0 || data.novita_endpoint_health.scoped.workers.total > 0
    error_message = "Jobs are queued but the endpoint has no workers."
  }
}
`, endpoint)
}

// A burst of jobs scales an endpoint from zero to max_workers; after the jobs end the workers
// idle until the idle timeout, then the endpoint is back to zero. The check block passes throughout.
// Times at the emulator's Speed 100: a job runs 1000 s / 100 = 10 s, the idle timeout is 36 s.
func TestAccEndpointHealthDataSource_scaling(t *testing.T) {
	clock := emulatortest.NewRunningClock()
	env := newTestEnv(t, withClock(clock))
	env.requireEmulator(t, "moves the emulator's clock and expects its exact simulated worker counts")
	endpoint := env.createTestEndpoint(t, testEndpoint{image: sleepWorkerImage, minWorkers: 0, maxWorkers: 3, idleTimeout: 3600})
	config := env.config(fmt.Sprintf(`
resource "novita_job" "burst" {
  count         = 5
  endpoint_name = %[1]q
  input         = jsonencode({ seconds = 1000, n = count.index })
  wait          = false
}

data "novita_endpoint_health" "h" {
  endpoint_name = %[1]q
  depends_on    = [novita_job.burst]
}

output "jobs_not_done" {
  value = data.novita_endpoint_health.h.jobs.in_queue + data.novita_endpoint_health.h.jobs.in_progress
}

# The same health check on the top-level data source: no scoped data source, so plans stay empty.
check "queue_has_workers" {
  assert {
    condition     = data.novita_endpoint_health.h.jobs.in_queue == 0 || data.novita_endpoint_health.h.workers.total > 0
    error_message = "Jobs are queued but the endpoint has no workers."
  }
}
`, endpoint))
	const h = "data.novita_endpoint_health.h"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(h, tfjsonpath.New("workers").AtMapKey("total"), knownvalue.Int64Exact(3)),
					statecheck.ExpectKnownOutputValue("jobs_not_done", knownvalue.Int64Exact(5)),
					statecheck.ExpectKnownValue(h, tfjsonpath.New("jobs").AtMapKey("completed"), knownvalue.Int64Exact(0)),
					expectCheckBlock{"queue_has_workers", tfjson.CheckStatusPass},
				},
			},
			{
				// 25 s later both rounds of jobs (5 jobs on 3 workers) have ended; no worker has idled 36 s.
				PreConfig: func() { clock.Advance(25 * time.Second) },
				Config:    config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(h, tfjsonpath.New("workers"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"idle": knownvalue.Int64Exact(3), "running": knownvalue.Int64Exact(0),
						"throttled": knownvalue.Int64Exact(0), "total": knownvalue.Int64Exact(3),
					})),
					statecheck.ExpectKnownValue(h, tfjsonpath.New("jobs"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"completed": knownvalue.Int64Exact(5), "failed": knownvalue.Int64Exact(0),
						"in_progress": knownvalue.Int64Exact(0), "in_queue": knownvalue.Int64Exact(0), "retried": knownvalue.Int64Exact(0),
					})),
					statecheck.ExpectKnownValue("novita_job.burst[4]", tfjsonpath.New("status"), knownvalue.StringExact("COMPLETED")),
					expectCheckBlock{"queue_has_workers", tfjson.CheckStatusPass},
				},
			},
			{
				// Past the idle timeout every worker is released.
				PreConfig: func() { clock.Advance(time.Hour) },
				Config:    config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(h, tfjsonpath.New("workers").AtMapKey("total"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue(h, tfjsonpath.New("jobs").AtMapKey("completed"), knownvalue.Int64Exact(5)),
					expectCheckBlock{"queue_has_workers", tfjson.CheckStatusPass},
				},
			},
		},
	})
}

// With no workers allowed (max_workers = 0) a job waits forever: the check block fails (a
// warning), and a precondition on the same condition stops the apply.
func TestAccEndpointHealthDataSource_checkFailsOnStuckQueue(t *testing.T) {
	env := newTestEnv(t)
	endpoint := env.createTestEndpoint(t, testEndpoint{image: echoWorkerImage, minWorkers: 0, maxWorkers: 0})
	jobs := fmt.Sprintf(`
resource "novita_job" "burst" {
  endpoint_name = %q
  input         = jsonencode({ hello = "anyone?" })
  wait          = false
}
`, endpoint)
	gate := fmt.Sprintf(`
data "novita_endpoint_health" "h" {
  endpoint_name = %q
  depends_on    = [novita_job.burst]
}

resource "terraform_data" "gate" {
  input = data.novita_endpoint_health.h.workers.total
  lifecycle {
    precondition {
      condition     = data.novita_endpoint_health.h.jobs.in_queue == 0 || data.novita_endpoint_health.h.workers.total > 0
      error_message = "Jobs are queued but the endpoint has no workers."
    }
  }
}
`, endpoint)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// After the apply the job waits with no worker: the check fails, as a warning only.
				Config:             env.config(jobs + healthCheckHCL(endpoint)),
				ExpectNonEmptyPlan: true, // the scoped data source is re-read on every apply
				ConfigStateChecks: []statecheck.StateCheck{
					expectCheckBlock{"queue_has_workers", tfjson.CheckStatusFail},
					statecheck.ExpectKnownValue("novita_job.burst", tfjsonpath.New("status"), knownvalue.StringExact("PENDING")),
				},
			},
			{
				Config:      env.config(jobs + healthCheckHCL(endpoint) + gate),
				ExpectError: regexp.MustCompile(`Jobs are queued but the endpoint has no workers`),
			},
		},
	})
}

func TestAccEndpointHealthDataSource_notFound(t *testing.T) {
	env := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      env.config(`data "novita_endpoint_health" "h" { endpoint_name = "0000000000000000-nosuch" }`),
				ExpectError: regexp.MustCompile(`(?s)Endpoint Not Found.*"0000000000000000-nosuch"`),
			},
		},
	})
}
