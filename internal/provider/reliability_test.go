package provider

import (
	"fmt"
	"net"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
)

// Issue 9: nothing orphaned, nothing lost, no apply failed by a transient fault. The soak test
// (soak_test.go) runs everything at once; these tests take one fault at a time.

// refusedBaseURL is a loopback URL on which connections are refused.
func refusedBaseURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + l.Addr().String()
	l.Close()
	return url
}

// TestAccReliability_unreachableAPIFailsThePlanNamingTheURL: a plan against a base URL that
// refuses connections fails (it took 46 s and passed with a warning before), naming the URL and
// what set it, for the attribute and for the environment variable. max_retries keeps it short;
// the 30 s bound itself is TestUnreachableAPIGivesUpWithin30s (client, fake clock).
func TestAccReliability_unreachableAPIFailsThePlanNamingTheURL(t *testing.T) {
	url := refusedBaseURL(t)
	storage := `
resource "novita_cloud_storage" "test" {
  name       = "unreachable"
  size_gb    = 10
  cluster_id = "us-dallas-1"
}
`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "novita" {
  api_key     = "sk_unused"
  base_url    = %q
  max_retries = 1
}
`, url) + storage,
			PlanOnly:    true,
			ExpectError: wrappedMessage("Novita Unreachable", "cannot reach Novita at "+url+" (set by base_url in the provider block)", "connection refused"),
		}},
	})

	url = refusedBaseURL(t)
	t.Setenv(envBaseURL, url)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
provider "novita" {
  api_key     = "sk_unused"
  max_retries = 1
}
` + storage,
			PlanOnly:    true,
			ExpectError: wrappedMessage("cannot reach Novita at " + url + " (set by the NOVITA_BASE_URL environment variable)"),
		}},
	})
}

// TestAccReliability_createsWhoseAnswerIsLostAreAdopted: every storage create and credential
// save is carried out and then answered 502 or dropped; the apply still succeeds with one object
// each, and destroy leaves nothing (before, the apply failed and left both behind).
func TestAccReliability_createsWhoseAnswerIsLostAreAdopted(t *testing.T) {
	env := newTestEnv(t)
	env.requireEmulator(t, "injects faults")
	cluster, _, _ := env.storageClusters(t)
	env.Emu.SetFaultPlan(emulator.FaultPlan{Rules: []emulator.FaultRule{
		{Method: "POST", Path: "/gpu-instance/openapi/v1/networkstorage/create", ActedThenFail: 1},
		{Method: "POST", Path: "/gpu-instance/openapi/v1/repository/auth/save", ActedThenFail: 1},
	}})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if n := env.Emu.Counts(); n != (emulator.Counts{}) {
				return fmt.Errorf("after destroy the API holds %+v", n)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: env.config(fmt.Sprintf(`
resource "novita_cloud_storage" "a" {
  name       = "lost-answer"
  size_gb    = 10
  cluster_id = %q
}

resource "novita_cloud_storage" "b" {
  name       = "lost-answer-2"
  size_gb    = 10
  cluster_id = %q
}

resource "novita_registry_credential" "a" {
  name     = "lost-answer"
  username = "robot"
  password = "pw-a"
}

resource "novita_registry_credential" "b" {
  name     = "lost-answer"
  username = "robot"
  password = "pw-b"
}
`, cluster, cluster)),
			Check: func(*terraform.State) error {
				if n := env.Emu.Counts(); n.CloudStorages != 2 || n.RegistryCredentials != 2 {
					return fmt.Errorf("the API holds %+v, want 2 storages and 2 credentials", n)
				}
				if s := env.Emu.FaultStats(); s.ActedThenFailed != 4 {
					return fmt.Errorf("faults: %s; want 4 creates acted then failed", s)
				}
				return nil
			},
		}},
	})
}
