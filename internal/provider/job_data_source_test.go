package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// The data source reads jobs submitted outside Terraform: completed, failed and not found.
func TestAccJobDataSource_basic(t *testing.T) {
	env := newTestEnv(t)
	endpoint := env.createTestEndpoint(t, testEndpoint{image: echoWorkerImage, maxWorkers: 1})
	c := env.api
	ctx := context.Background()
	submit := func(input string) string {
		job, err := c.SubmitJob(ctx, endpoint, json.RawMessage(input))
		if err != nil {
			t.Fatalf("SubmitJob: %v", err)
		}
		if _, err := c.WaitForJob(ctx, endpoint, job.ID); err != nil {
			t.Fatalf("WaitForJob: %v", err)
		}
		return job.ID
	}
	ok, bad := submit(`{"prompt": "apple"}`), submit(`{"error": "out of memory"}`)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.config(fmt.Sprintf(`
data "novita_job" "ok" {
  endpoint_name = %[1]q
  id            = %[2]q
}

data "novita_job" "bad" {
  endpoint_name = %[1]q
  id            = %[3]q
}

output "prompt" {
  value = jsondecode(data.novita_job.ok.output).prompt
}
`, endpoint, ok, bad)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.novita_job.ok", tfjsonpath.New("status"), knownvalue.StringExact("COMPLETED")),
					statecheck.ExpectKnownValue("data.novita_job.ok", tfjsonpath.New("output"), knownvalue.StringExact(`{"prompt":"apple"}`)),
					statecheck.ExpectKnownValue("data.novita_job.ok", tfjsonpath.New("error"), knownvalue.Null()),
					statecheck.ExpectKnownOutputValue("prompt", knownvalue.StringExact("apple")),
					statecheck.ExpectKnownValue("data.novita_job.bad", tfjsonpath.New("status"), knownvalue.StringExact("FAILED")),
					statecheck.ExpectKnownValue("data.novita_job.bad", tfjsonpath.New("error"), knownvalue.StringExact("out of memory")),
					statecheck.ExpectKnownValue("data.novita_job.bad", tfjsonpath.New("output"), knownvalue.Null()),
				},
			},
			{
				Config: env.config(fmt.Sprintf(`
data "novita_job" "missing" {
  endpoint_name = %q
  id            = "no-such-job"
}
`, endpoint)),
				ExpectError: regexp.MustCompile(fmt.Sprintf(`(?s)Job Not Found.*No job "no-such-job" on endpoint\s+"%s"`, regexp.QuoteMeta(endpoint))),
			},
			{
				Config: env.config(`
data "novita_job" "missing" {
  endpoint_name = "0000000000000000-nosuch"
  id            = "no-such-job"
}
`),
				ExpectError: regexp.MustCompile(`(?s)No job "no-such-job" on endpoint\s+"0000000000000000-nosuch"`),
			},
		},
	})
}
