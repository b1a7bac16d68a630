package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
	"github.com/novitalabs/terraform-provider-novita/internal/emulator/emulatortest"
)

// ---- unit tests of the pure parts ----

// sleepJobHCL is a novita_job running the sleep worker for the given simulated seconds.
func sleepJobHCL(name, endpoint string, seconds int, extra string) string {
	return fmt.Sprintf(`
resource "novita_job" %q {
  endpoint_name = %q
  input         = jsonencode({ seconds = %d })
  wait          = false
%s
}
`, name, endpoint, seconds, extra)
}

// checkJobStatus asks the gateway for a job and wants one of the given statuses.
func checkJobStatus(env *testEnv, endpoint, jobID string, want ...string) error {
	j, err := env.api.GetJob(context.Background(), endpoint, jobID)
	if err != nil {
		return fmt.Errorf("reading job %s: %w", jobID, err)
	}
	if !slices.Contains(want, j.Status) {
		return fmt.Errorf("job %s is %s, want %s", jobID, j.Status, strings.Join(want, " or "))
	}
	return nil
}

// ---- acceptance tests ----

// The quickstart in one apply: a scale-from-zero ComfyUI endpoint and the guide's job, which
// completes with image URLs in the bucket.
func TestAccJobResource_comfyUIQuickstart(t *testing.T) {
	env := newTestEnv(t)
	env.requireEmulator(t, "the ComfyUI worker would need a real model and bucket, and the check reads the gateway's job table")
	config := env.config(fmt.Sprintf(`
resource "novita_endpoint" "comfyui" {
  name            = "comfyui-smoke"
  product_id      = %q
  min_workers     = 0
  max_workers     = 1
  idle_timeout    = 300
  max_concurrency = 1
  scaling_policy  = { type = "concurrency", value = 1 }
  image           = "novitalabs/comfyui-worker:v0.0.1"
  port            = 8188
  env = {
    BUCKET_ENDPOINT_URL  = "https://s3.us-east-1.amazonaws.com"
    BUCKET_NAME          = "novita-smoke"
    BUCKET_ACCESS_KEY_ID = "AKIAEXAMPLE"
  }
  secret_env = {
    BUCKET_SECRET_ACCESS_KEY = "not-a-real-secret"
  }
}

resource "novita_job" "smoke" {
  endpoint_name = novita_endpoint.comfyui.endpoint_name
  input = jsonencode({
    workflow = {
      "4" = { class_type = "CheckpointLoaderSimple", inputs = { ckpt_name = "flux1-dev-fp8.safetensors" } }
      "5" = { class_type = "EmptyLatentImage", inputs = { width = 512, height = 512, batch_size = 1 } }
      "6" = { class_type = "CLIPTextEncode", inputs = { clip = ["4", 1], text = "a red apple on a table" } }
      "7" = { class_type = "CLIPTextEncode", inputs = { clip = ["4", 1], text = "blurry, low quality" } }
      "3" = { class_type = "KSampler", inputs = {
        model = ["4", 0], positive = ["6", 0], negative = ["7", 0], latent_image = ["5", 0],
        seed = 42, steps = 10, cfg = 7, sampler_name = "euler", scheduler = "normal", denoise = 1
      } }
      "8" = { class_type = "VAEDecode", inputs = { samples = ["3", 0], vae = ["4", 2] } }
      "9" = { class_type = "SaveImage", inputs = { filename_prefix = "test", images = ["8", 0] } }
    }
    output_node_id = "9"
  })
}

output "image_urls" {
  value = [for img in jsondecode(novita_job.smoke.output).images : img.url]
}
`, env.productID(t)))
	imageURL := regexp.MustCompile(`^https://s3\.us-east-1\.amazonaws\.com/novita-smoke/\S+\.png$`)
	var endpointID, jobID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("novita_job.smoke", tfjsonpath.New("status"), knownvalue.StringExact("COMPLETED")),
					statecheck.ExpectKnownValue("novita_job.smoke", tfjsonpath.New("error"), knownvalue.Null()),
					statecheck.ExpectKnownValue("novita_job.smoke", tfjsonpath.New("wait"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("novita_job.smoke", tfjsonpath.New("expected_status"), knownvalue.StringExact("COMPLETED")),
					statecheck.ExpectKnownValue("novita_job.smoke", tfjsonpath.New("cancel_on_destroy"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("novita_job.smoke", tfjsonpath.New("execution_time_ms"), knownvalue.Int64Func(func(v int64) error {
						if v <= 0 {
							return fmt.Errorf("execution_time_ms = %d, want > 0", v)
						}
						return nil
					})),
					statecheck.ExpectKnownOutputValue("image_urls", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringRegexp(imageURL)})),
				},
				Check: resource.ComposeTestCheckFunc(
					captureID("novita_endpoint.comfyui", &endpointID),
					captureID("novita_job.smoke", &jobID),
				),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Import adopts the job; the API cannot return its input.
				ResourceName: "novita_job.smoke",
				ImportState:  true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					job := s.RootModule().Resources["novita_job.smoke"].Primary
					return job.Attributes["endpoint_name"] + "/" + job.ID, nil
				},
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"input"},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			if _, ok := env.Emu.Endpoint(endpointID); ok {
				return fmt.Errorf("endpoint %s still exists after destroy", endpointID)
			}
			if _, ok := env.Emu.Gateway().Job(jobID); ok {
				return fmt.Errorf("job %s still known after its endpoint was deleted", jobID)
			}
			return nil
		},
	})
}

// After import, the first apply records input without submitting a new job.
func TestAccJobResource_importAdoptsWithoutResubmitting(t *testing.T) {
	env := newTestEnv(t)
	endpoint := env.createTestEndpoint(t, testEndpoint{image: echoWorkerImage, maxWorkers: 1})
	job, err := env.api.SubmitJob(context.Background(), endpoint, json.RawMessage(`{"hello":"world"}`))
	if err != nil {
		t.Fatalf("SubmitJob: %v", err)
	}
	config := env.config(fmt.Sprintf(`
resource "novita_job" "adopted" {
  endpoint_name = %q
  input         = jsonencode({ hello = "world" })
  triggers      = { reason = "adopted" }
}
`, endpoint))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:             config,
				ResourceName:       "novita_job.adopted",
				ImportState:        true,
				ImportStateId:      endpoint + "/" + job.ID,
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 || states[0].ID != job.ID || states[0].Attributes["endpoint_name"] != endpoint {
						return fmt.Errorf("imported %+v, want job %s on %s", states, job.ID, endpoint)
					}
					return nil
				},
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("novita_job.adopted", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("novita_job.adopted", tfjsonpath.New("id"), knownvalue.StringExact(job.ID)),
					statecheck.ExpectKnownValue("novita_job.adopted", tfjsonpath.New("status"), knownvalue.StringExact("COMPLETED")),
					statecheck.ExpectKnownValue("novita_job.adopted", tfjsonpath.New("output"), knownvalue.StringExact(`{"hello":"world"}`)),
				},
			},
			{
				// Once adopted, an input change replaces the job as usual.
				Config: strings.Replace(config, `"world"`, `"again"`, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("novita_job.adopted", plancheck.ResourceActionReplace)},
				},
			},
			{
				Config:        config,
				ResourceName:  "novita_job.adopted",
				ImportState:   true,
				ImportStateId: "no-slash",
				ExpectError:   regexp.MustCompile(`Expected "<endpoint_name>/<job id>"`),
			},
		},
	})
}

// A failing job fails the apply with its error and stays tainted; expected_status = "" accepts it.
func TestAccJobResource_failedJob(t *testing.T) {
	env := newTestEnv(t)
	endpoint := env.createTestEndpoint(t, testEndpoint{image: echoWorkerImage, maxWorkers: 1})
	job := func(extra string) string {
		return env.config(fmt.Sprintf(`
resource "novita_job" "bad" {
  endpoint_name = %q
  input         = jsonencode({ error = "model weights missing" })
%s
}
`, endpoint, extra))
	}
	ids := statecheck.CompareValue(compare.ValuesSame()) // the job id stays the same across steps
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      job(""),
				ExpectError: regexp.MustCompile(`(?s)ended FAILED, expected COMPLETED.*model weights missing`),
			},
			{
				// The failed job was kept in state as tainted: this apply replaces it with a new job.
				Config: job(`  expected_status = ""`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("novita_job.bad", plancheck.ResourceActionReplace)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("novita_job.bad", tfjsonpath.New("status"), knownvalue.StringExact("FAILED")),
					statecheck.ExpectKnownValue("novita_job.bad", tfjsonpath.New("error"), knownvalue.StringExact("model weights missing")),
					statecheck.ExpectKnownValue("novita_job.bad", tfjsonpath.New("output"), knownvalue.Null()),
					ids.AddStateValue("novita_job.bad", tfjsonpath.New("id")),
				},
			},
			{
				// expected_status changes in place: same job, no API call.
				Config: job(`  expected_status = "FAILED"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("novita_job.bad", plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("novita_job.bad", tfjsonpath.New("expected_status"), knownvalue.StringExact("FAILED")),
					ids.AddStateValue("novita_job.bad", tfjsonpath.New("id")),
				},
			},
		},
	})
}

// A job still running at destroy is cancelled; with cancel_on_destroy = false it is left running.
func TestAccJobResource_cancelOnDestroy(t *testing.T) {
	env := newTestEnv(t)
	endpoint := env.createTestEndpoint(t, testEndpoint{image: sleepWorkerImage, maxWorkers: 2})
	var cancelled, kept string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// 100000 simulated seconds: still running long after the test ends, even at Speed 100.
				Config: env.config(sleepJobHCL("cancelled", endpoint, 100000, "") +
					sleepJobHCL("kept", endpoint, 100000, "  cancel_on_destroy = false")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("novita_job.cancelled", tfjsonpath.New("status"), knownvalue.StringExact("PENDING")),
					statecheck.ExpectKnownValue("novita_job.cancelled", tfjsonpath.New("output"), knownvalue.Null()),
				},
				Check: resource.ComposeTestCheckFunc(
					captureID("novita_job.cancelled", &cancelled),
					captureID("novita_job.kept", &kept),
				),
			},
		},
		CheckDestroy: func(*terraform.State) error {
			if err := checkJobStatus(env, endpoint, cancelled, client.JobCancelled); err != nil {
				return err
			}
			return checkJobStatus(env, endpoint, kept, client.JobPending, client.JobInProgress) // cancel_on_destroy = false
		},
	})
}

// input and triggers changes replace the job; a change of formatting or key order does not diff.
func TestAccJobResource_replaceAndNormalize(t *testing.T) {
	env := newTestEnv(t)
	endpoint := env.createTestEndpoint(t, testEndpoint{image: echoWorkerImage, maxWorkers: 1})
	job := func(input, extra string) string {
		return env.config(fmt.Sprintf(`
resource "novita_job" "echo" {
  endpoint_name = %q
  input         = %s
%s
}
`, endpoint, input, extra))
	}
	const addr = "novita_job.echo"
	same := statecheck.CompareValue(compare.ValuesSame())
	differ := statecheck.CompareValue(compare.ValuesDiffer())
	replace := func() resource.ConfigPlanChecks {
		return resource.ConfigPlanChecks{
			PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace)},
			PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: job(`jsonencode({ prompt = "apple", steps = 10, nested = { a = 1, b = [1, 2] } })`, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("output"), knownvalue.StringExact(`{"nested":{"a":1,"b":[1,2]},"prompt":"apple","steps":10}`)),
					same.AddStateValue(addr, tfjsonpath.New("id")),
					differ.AddStateValue(addr, tfjsonpath.New("id")),
				},
			},
			{
				// Same JSON, other whitespace and key order: no diff at all.
				Config: job("<<-EOT\n    {\"steps\": 10,\n      \"nested\": {\"b\": [1, 2], \"a\": 1},   \"prompt\": \"apple\"}\n  EOT", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{same.AddStateValue(addr, tfjsonpath.New("id"))},
			},
			{
				Config:            job(`jsonencode({ prompt = "pear", steps = 10, nested = { a = 1, b = [1, 2] } })`, ""),
				ConfigPlanChecks:  replace(),
				ConfigStateChecks: []statecheck.StateCheck{differ.AddStateValue(addr, tfjsonpath.New("id"))},
			},
			{
				Config:            job(`jsonencode({ prompt = "pear", steps = 10, nested = { a = 1, b = [1, 2] } })`, `  triggers = { image = "v1" }`),
				ConfigPlanChecks:  replace(),
				ConfigStateChecks: []statecheck.StateCheck{differ.AddStateValue(addr, tfjsonpath.New("id"))},
			},
			{
				Config:            job(`jsonencode({ prompt = "pear", steps = 10, nested = { a = 1, b = [1, 2] } })`, `  triggers = { image = "v2" }`),
				ConfigPlanChecks:  replace(),
				ConfigStateChecks: []statecheck.StateCheck{differ.AddStateValue(addr, tfjsonpath.New("id"))},
			},
			{
				// wait, cancel_on_destroy and timeouts change in place.
				Config: job(`jsonencode({ prompt = "pear", steps = 10, nested = { a = 1, b = [1, 2] } })`,
					"  triggers = { image = \"v2\" }\n  wait = false\n  cancel_on_destroy = false\n  timeouts = { create = \"5m\" }"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("wait"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("COMPLETED")),
				},
			},
		},
	})
}

// Bad inputs fail the plan, before any job is submitted; an unknown endpoint fails the apply.
func TestAccJobResource_planErrors(t *testing.T) {
	env := newTestEnv(t)
	job := func(attrs string) string {
		return env.config(fmt.Sprintf(`
resource "novita_job" "x" {
  endpoint_name = "0123456789abcdef-app"
%s
}
`, attrs))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      job(`  input = "{\"prompt\": "`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Invalid JSON String Value`),
			},
			{
				// format pads to 4 MiB: with the {"input":...} wrapper the body is over the limit.
				Config:      job(`  input = jsonencode({ blob = format("%4194304s", "x") })`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Job Input Too Large.*at most 4194304 bytes`),
			},
			{
				Config:      job("  input = jsonencode({})\n  expected_status = \"DONE\""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)expected_status.*COMPLETED`),
			},
			{
				// A job only ends in a final status, so a passing status can never be expected.
				Config:      job("  input = jsonencode({})\n  expected_status = \"PENDING\""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)expected_status.*"COMPLETED".*"FAILED".*"CANCELLED".*"TIMED_OUT".*got: "PENDING"`),
			},
			{
				Config:      job("  input = jsonencode({})\n  timeouts = { create = \"soon\" }"),
				PlanOnly:    true,
				ExpectError: wrappedMessage(`Invalid Timeout`, `timeouts.create must be a positive Go duration`, `got "soon"`),
			},
			{
				Config:      job("  input = jsonencode({})"),
				ExpectError: regexp.MustCompile(`(?s)Unable to Submit Job.*"0123456789abcdef-app"`),
			},
		},
	})
}

// A job whose result expired at the gateway (6 hours) keeps its state and plans no changes.
func TestAccJobResource_expiredResultKeepsState(t *testing.T) {
	clock := emulatortest.NewRunningClock()
	env := newTestEnv(t, withClock(clock))
	env.requireEmulator(t, "moves the emulator's clock 7 hours ahead so the job's result expires")
	endpoint := env.createTestEndpoint(t, testEndpoint{image: echoWorkerImage, maxWorkers: 1})
	config := env.config(fmt.Sprintf(`
resource "novita_job" "old" {
  endpoint_name = %q
  input         = jsonencode({ n = 1 })
}
`, endpoint))
	ids := statecheck.CompareValue(compare.ValuesSame()) // the job id stays the same across steps
	var jobID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            config,
				Check:             captureID("novita_job.old", &jobID),
				ConfigStateChecks: []statecheck.StateCheck{ids.AddStateValue("novita_job.old", tfjsonpath.New("id"))},
			},
			{
				PreConfig: func() {
					clock.Advance(7 * time.Hour)
					if _, ok := env.Emu.Gateway().Job(jobID); ok {
						t.Fatalf("job %s still known to the gateway 7 hours after it completed", jobID)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					ids.AddStateValue("novita_job.old", tfjsonpath.New("id")),
					statecheck.ExpectKnownValue("novita_job.old", tfjsonpath.New("status"), knownvalue.StringExact("COMPLETED")),
					statecheck.ExpectKnownValue("novita_job.old", tfjsonpath.New("output"), knownvalue.StringExact(`{"n":1}`)),
				},
			},
		},
	})
}

// A wait that outlives the create timeout fails and leaves the job in state (tainted).
func TestAccJobResource_createTimeout(t *testing.T) {
	env := newTestEnv(t)
	endpoint := env.createTestEndpoint(t, testEndpoint{image: sleepWorkerImage, maxWorkers: 1})
	var jobID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.config(fmt.Sprintf(`
resource "novita_job" "slow" {
  endpoint_name = %q
  input         = jsonencode({ seconds = 100000 })
  timeouts      = { create = "2s" }
}
`, endpoint)),
				ExpectError: regexp.MustCompile(`did not reach a final status within the\s+create timeout`),
			},
			{
				// The tainted job is in state with its id; refresh-only to read it without replacing.
				RefreshState:       true,
				ExpectNonEmptyPlan: true, // the tainted job plans a replacement
				Check:              captureID("novita_job.slow", &jobID),
			},
		},
		CheckDestroy: func(*terraform.State) error {
			return checkJobStatus(env, endpoint, jobID, client.JobCancelled)
		},
	})
}
