package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
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

// An api_key known only after apply (here a terraform_data output) cannot configure the client
// at plan time: the error names the attribute and both ways out.
func TestProviderConfig_unknownAPIKeySaysHowToFix(t *testing.T) {
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
resource "terraform_data" "key" {
  input = "sk_known_after_apply"
}

provider "novita" {
  api_key  = terraform_data.key.output
  base_url = "http://127.0.0.1:9"
}
` + configProbe,
			PlanOnly:    true,
			ExpectError: wrappedMessage("Unknown Novita api_key", "known at plan time", "NOVITA_API_KEY environment variable"),
		}},
	})
}

// The provider's requests carry a User-Agent naming the provider's and Terraform's versions.
func TestProviderConfig_userAgentNamesProviderAndTerraformVersions(t *testing.T) {
	emu, err := emulator.New(emulator.Options{Speed: 100})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var agents []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		agents = append(agents, r.UserAgent())
		mu.Unlock()
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		srv.Close()
		_ = emu.Close()
	})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "novita" {
  api_key  = %q
  base_url = %q
}
`, emulator.DefaultAPIKey, srv.URL) + configProbe,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Endpoint Not Found`), // the request was made
		}},
	})
	mu.Lock()
	defer mu.Unlock()
	if len(agents) == 0 {
		t.Fatal("the provider made no request")
	}
	// New("test") is the provider version in tests; Terraform reports its own, e.g. 1.11.4.
	want := regexp.MustCompile(`^terraform-provider-novita/test \(\+https://registry\.terraform\.io/providers/novitalabs/novita\) Terraform/\d+\.\d+\.\d+`)
	for _, ua := range agents {
		if !want.MatchString(ua) {
			t.Errorf("User-Agent = %q, want it to match %s", ua, want)
		}
	}
}
