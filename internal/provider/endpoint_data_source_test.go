package provider

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccEndpointDataSource_byIDAndAppName(t *testing.T) {
	env := newTestEnv(t)
	cfg := env.config(env.endpointHCL(t, "src", map[string]string{
		"app_name":    strconv.Quote(accName("ds-lookup")), // unique per account
		"min_workers": "1",
		"env":         `{ PLAIN = "p" }`,
		"secret_env":  `{ SECRET = "do-not-copy" }`,
	}) + `
data "novita_endpoint" "by_id" {
  id = novita_endpoint.src.id
}

data "novita_endpoint" "by_app_name" {
  app_name = novita_endpoint.src.app_name
}
`)
	checks := []statecheck.StateCheck{}
	for _, ds := range []string{"data.novita_endpoint.by_id", "data.novita_endpoint.by_app_name"} {
		for _, attr := range []string{"id", "app_name", "endpoint_name", "image", "max_workers", "scaling_policy", "port", "cluster_id", "url"} {
			checks = append(checks, statecheck.CompareValuePairs(
				"novita_endpoint.src", tfjsonpath.New(attr), ds, tfjsonpath.New(attr), compare.ValuesSame()))
		}
		checks = append(checks,
			statecheck.ExpectKnownValue(ds, tfjsonpath.New("env_keys"), knownvalue.ListExact([]knownvalue.Check{
				knownvalue.StringExact("PLAIN"), knownvalue.StringExact("SECRET"),
			})),
			statecheck.ExpectKnownValue(ds, tfjsonpath.New("workers"), knownvalue.NotNull()),
			statecheck.ExpectKnownValue(ds, tfjsonpath.New("created_at"), knownvalue.NotNull()),
		)
		if env.Emu != nil {
			// The emulator's min_workers worker is up and healthy as soon as the endpoint serves;
			// a live one may still be starting.
			checks = append(checks,
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("workers"), knownvalue.ListSizeExact(1)),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("workers").AtSliceIndex(0).AtMapKey("health"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("workers").AtSliceIndex(0).AtMapKey("drain"), knownvalue.Bool(false)),
			)
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkEndpointsDestroyed(env),
		Steps: []resource.TestStep{{
			Config:            cfg,
			ConfigStateChecks: checks,
			Check: func(s *terraform.State) error {
				// Names only: no variable value is copied into the data source's state.
				for _, ds := range []string{"data.novita_endpoint.by_id", "data.novita_endpoint.by_app_name"} {
					for k, v := range s.RootModule().Resources[ds].Primary.Attributes {
						if strings.Contains(v, "do-not-copy") || v == "p" {
							return fmt.Errorf("%s holds an environment value at %s", ds, k)
						}
					}
				}
				return nil
			},
		}},
	})
}

func TestAccEndpointDataSource_notFoundNamesWhatWasSought(t *testing.T) {
	env := newTestEnv(t)
	missing := accName("nobody-home") // unique: no endpoint has it
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      env.config(`data "novita_endpoint" "x" { id = "ffffffffffffffff" }`),
				ExpectError: regexp.MustCompile(`(?s)Endpoint Not Found.*id\s+"ffffffffffffffff"`),
			},
			{
				Config:      env.config(fmt.Sprintf(`data "novita_endpoint" "x" { app_name = %q }`, missing)),
				ExpectError: wrappedMessage("Endpoint Not Found", fmt.Sprintf("app_name %q", missing)),
			},
			{
				Config:      env.config(`data "novita_endpoint" "x" {}`),
				ExpectError: regexp.MustCompile(`(?s)Exactly one of these attributes must be configured:\s+\[id,app_name\]`),
			},
			{
				Config: env.config(`data "novita_endpoint" "x" {
  id       = "ffffffffffffffff"
  app_name = "nobody-home"
}`),
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination`),
			},
		},
	})
}
