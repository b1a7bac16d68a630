package provider

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// Resource identity (Terraform 1.12+): every resource reports it, and an import block that gives
// only the identity imports the object with a plan that changes nothing.

// identityIsID checks that addr's identity is exactly {id = <its id in state>}.
func identityIsID(addr string) []statecheck.StateCheck {
	return []statecheck.StateCheck{
		statecheck.ExpectIdentity(addr, map[string]knownvalue.Check{"id": knownvalue.NotNull()}),
		statecheck.ExpectIdentityValueMatchesState(addr, tfjsonpath.New("id")),
	}
}

// importByIdentity is a step importing addr with an import block that names its identity only.
func importByIdentity(addr string) resource.TestStep {
	return resource.TestStep{
		ResourceName:    addr,
		ImportState:     true,
		ImportStateKind: resource.ImportBlockWithResourceIdentity,
	}
}

func TestAccCloudStorageResource_identity(t *testing.T) {
	env := newTestEnv(t)
	cluster, _, _ := env.storageClusters(t)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   needsIdentity,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkStoragesDestroyed(env),
		Steps: []resource.TestStep{
			{
				Config:            storageConfig(env, accName("acc-ident"), 20, cluster, ""),
				ConfigStateChecks: identityIsID(storageAddr),
			},
			importByIdentity(storageAddr),
		},
	})
}

func TestAccRegistryCredentialResource_identity(t *testing.T) {
	env := newTestEnv(t)
	// With password_wo the configuration says nothing the import cannot read: the plan is empty.
	config := credentialConfig(env, accName("acc-ident"), "robot", `password_wo = "s3cret"`)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   needsIdentity,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkCredentialsDestroyed(env),
		Steps: []resource.TestStep{
			{Config: config, ConfigStateChecks: identityIsID(credAddr)},
			importByIdentity(credAddr),
		},
	})
}

func TestAccEndpointResource_identity(t *testing.T) {
	env := newTestEnv(t)
	const addr = "novita_endpoint.test"
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   needsIdentity,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkEndpointsDestroyed(env),
		Steps: []resource.TestStep{
			{
				Config:            env.config(env.endpointHCL(t, "test", map[string]string{"app_name": strconv.Quote(accName("ident"))})),
				ConfigStateChecks: identityIsID(addr),
			},
			importByIdentity(addr),
		},
	})
}

func TestAccJobResource_identity(t *testing.T) {
	env := newTestEnv(t)
	endpoint := env.createTestEndpoint(t, testEndpoint{image: echoWorkerImage, maxWorkers: 1})
	const addr = "novita_job.test"
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   needsIdentity,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.config(fmt.Sprintf(`
resource "novita_job" "test" {
  endpoint_name = %q
  input         = jsonencode({ hello = "identity" })
}
`, endpoint)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(addr, map[string]knownvalue.Check{
						"endpoint_name": knownvalue.StringExact(endpoint),
						"id":            knownvalue.NotNull(),
					}),
					statecheck.ExpectIdentityValueMatchesState(addr, tfjsonpath.New("id")),
				},
			},
			{
				// The API does not return a job's input: the import plans an in-place update that
				// records it, never a replacement (a new job).
				ResourceName:       addr,
				ImportState:        true,
				ImportStateKind:    resource.ImportBlockWithResourceIdentity,
				ExpectNonEmptyPlan: true,
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
			},
		},
	})
}
