package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// A data source forces Terraform to configure the provider during plan.
const configProbe = `
data "novita_endpoint" "probe" {
  id = "0000000000000000"
}
`

func TestProviderConfig_missingAPIKeyNamesTheEnvVar(t *testing.T) {
	t.Setenv(envAPIKey, "")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
provider "novita" {
  base_url = "http://127.0.0.1:9"
}
` + configProbe,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Missing Novita API key.*api_key.*NOVITA_API_KEY`),
		}},
	})
}

func TestProviderConfig_refusesPlainHTTPToANonLoopbackHost(t *testing.T) {
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
provider "novita" {
  api_key  = "sk_not_sent"
  base_url = "http://api.example.com"
}
` + configProbe,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Unable to Configure the Novita Client.*unencrypted;\s+use\s+https://`),
		}},
	})
}

func TestProviderConfig_acceptsPlainHTTPToLoopback(t *testing.T) {
	env := newTestEnv(t)
	env.requireEmulator(t, "configures the provider with the in-process emulator's http://127.0.0.1 URL")
	// The emulator listens on http://127.0.0.1: configuration succeeds and the data source's own
	// not-found error is what the plan reports.
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      env.config(configProbe),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Endpoint Not Found.*"0000000000000000"`),
		}},
	})
}

func TestProviderConfig_badRequestTimeout(t *testing.T) {
	for _, v := range []string{"soon", "-5s", "0s"} {
		t.Run(v, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: `
provider "novita" {
  api_key         = "sk_not_sent"
  base_url        = "http://127.0.0.1:9"
  request_timeout = "` + v + `"
}
` + configProbe,
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(`(?s)Invalid request_timeout.*positive Go duration`),
				}},
			})
		})
	}
}
