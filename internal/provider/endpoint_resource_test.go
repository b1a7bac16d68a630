package provider

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"
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
	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
)

// testCatalog is an account catalogue like the emulator's.
// wantOneError asserts diags hold exactly one error, on the attribute path, containing every fragment.
// endpointHCL is a small async endpoint on the account's testGPU product. set overrides or adds
// arguments (name -> HCL value); an empty value removes a default.
func (e *testEnv) endpointHCL(t *testing.T, name string, set map[string]string) string {
	t.Helper()
	args := map[string]string{
		"product_id":     strconv.Quote(e.productID(t)),
		"min_workers":    "0",
		"max_workers":    "2",
		"idle_timeout":   "60",
		"port":           "8080",
		"image":          `"novitalabs/sleep-worker:latest"`,
		"scaling_policy": `{ type = "queue", value = 30 }`,
	}
	for k, v := range set {
		args[k] = v
	}
	keys := make([]string, 0, len(args))
	for k, v := range args {
		if v != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	fmt.Fprintf(&b, "\nresource \"novita_endpoint\" %q {\n", name)
	for _, k := range keys {
		fmt.Fprintf(&b, "  %s = %s\n", k, args[k])
	}
	b.WriteString("}\n")
	return b.String()
}

// endpointStateID reads a resource's id from the test state, inside a check.
func endpointStateID(s *terraform.State, addr string) (string, error) {
	rs, ok := s.RootModule().Resources[addr]
	if !ok || rs.Primary == nil || rs.Primary.ID == "" {
		return "", fmt.Errorf("%s is not in state", addr)
	}
	return rs.Primary.ID, nil
}

func TestAccEndpointResource_lifecycle(t *testing.T) {
	env := newTestEnv(t)
	const addr = "novita_endpoint.test"
	appA, appB := accName("lifecycle-a"), accName("lifecycle-b") // unique per account
	sameID := statecheck.CompareValue(compare.ValuesSame())
	newID := statecheck.CompareValue(compare.ValuesDiffer())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkEndpointsDestroyed(env),
		Steps: []resource.TestStep{
			{
				Config: env.config(env.endpointHCL(t, "test", map[string]string{
					"name":     `"lifecycle"`,
					"app_name": strconv.Quote(appA),
					"env":      `{ MODE = "a" }`,
				})),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					newID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("state"), knownvalue.StringExact("running")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("type"), knownvalue.StringExact("async")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("endpoint_name"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]+-`+regexp.QuoteMeta(appA)+`$`))),
					// server-defaulted values are read back
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("system_disk_gb"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("request_timeout"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("cluster_id"), knownvalue.NotNull()),
				},
				Check: checkAPIEndpoint(env, addr, func(ep *client.Endpoint) error {
					if ep.WorkerConfig.MaxReplicas != 2 || ep.Policy.Type != "queue" || envMap(ep.Envs)["MODE"] != "a" {
						return fmt.Errorf("emulator endpoint = %+v", ep)
					}
					return nil
				}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// After import env and secret_env are unknown to the provider (null) until the
				// configuration says which map each key belongs to (see adoptImportedEnv).
				ResourceName:            addr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"env", "secret_env"},
			},
			{
				Config: env.config(env.endpointHCL(t, "test", map[string]string{
					"name":           `"lifecycle"`,
					"app_name":       strconv.Quote(appA),
					"env":            `{ MODE = "b", EXTRA = "1" }`,
					"scaling_policy": `{ type = "concurrency", value = 2 }`,
					"max_workers":    "3",
				})),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("max_workers"), knownvalue.Int64Exact(3)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("scaling_policy"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"type": knownvalue.StringExact("concurrency"), "value": knownvalue.Int64Exact(2),
					})),
				},
				Check: checkAPIEndpoint(env, addr, func(ep *client.Endpoint) error {
					if ep.WorkerConfig.MaxReplicas != 3 || ep.Policy.Type != "concurrency" || ep.Policy.Value != 2 ||
						envMap(ep.Envs)["MODE"] != "b" || envMap(ep.Envs)["EXTRA"] != "1" {
						return fmt.Errorf("update did not reach the emulator: %+v", ep)
					}
					return nil
				}),
			},
			{
				Config: env.config(env.endpointHCL(t, "test", map[string]string{
					"name":           `"lifecycle"`,
					"app_name":       strconv.Quote(appB),
					"env":            `{ MODE = "b", EXTRA = "1" }`,
					"scaling_policy": `{ type = "concurrency", value = 2 }`,
					"max_workers":    "3",
				})),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					newID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("endpoint_name"), knownvalue.StringRegexp(regexp.MustCompile(`-`+regexp.QuoteMeta(appB)+`$`))),
				},
			},
		},
	})
}

// TestAccEndpointResource_drift changes the endpoint through the API behind Terraform's back, as
// someone using the console would: deleted, it is created again; changed, it is updated back.
// TestAccEndpointResource_quickstartComfyUI is the endpoint of Novita's async quickstart. It
// proves that secret_env_wo values reach the endpoint but never the state, and that bumping
// secret_env_wo_version pushes new values.
func TestAccEndpointResource_quickstartComfyUI(t *testing.T) {
	env := newTestEnv(t)
	const addr = "novita_endpoint.comfy"
	product := env.productID(t)
	config := func(secret string, version int) string {
		return env.config(fmt.Sprintf(`
resource "novita_endpoint" "comfy" {
  product_id      = %q
  min_workers     = 0
  max_workers     = 3
  idle_timeout    = 300
  max_concurrency = 1
  gpu_count       = 1
  port            = 8188
  image           = "novitalabs/comfyui-worker:v0.0.1"
  scaling_policy = {
    type  = "concurrency"
    value = 1
  }
  env = {
    BUCKET_ENDPOINT_URL = "https://s3.us-east-1.amazonaws.com"
    BUCKET_NAME         = "comfy-outputs"
  }
  secret_env = {
    BUCKET_ACCESS_KEY_ID = "AKIAEXAMPLE"
  }
  secret_env_wo = {
    BUCKET_SECRET_ACCESS_KEY = %q
  }
  secret_env_wo_version = %d
}
`, product, secret, version))
	}
	secretReached := func(want string) resource.TestCheckFunc {
		return checkAPIEndpoint(env, addr, func(ep *client.Endpoint) error {
			got := envMap(ep.Envs)
			if got["BUCKET_SECRET_ACCESS_KEY"] != want || got["BUCKET_ACCESS_KEY_ID"] != "AKIAEXAMPLE" || got["BUCKET_NAME"] != "comfy-outputs" {
				return fmt.Errorf("the endpoint's envs are not the configured ones (secret value withheld from this message); keys: %d", len(got))
			}
			return nil
		})
	}
	notInState := func(secrets ...string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			rs := s.RootModule().Resources[addr]
			for k, v := range rs.Primary.Attributes {
				for _, secret := range secrets {
					if strings.Contains(v, secret) {
						return fmt.Errorf("a write-only value is in state at %s", k)
					}
				}
				if strings.Contains(k, "BUCKET_SECRET_ACCESS_KEY") {
					return fmt.Errorf("the write-only key is in state at %s", k)
				}
			}
			return nil
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkEndpointsDestroyed(env),
		Steps: []resource.TestStep{
			{
				Config: config("first-wo-secret", 1),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("secret_env_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("secret_env"), knownvalue.MapExact(map[string]knownvalue.Check{
						"BUCKET_ACCESS_KEY_ID": knownvalue.StringExact("AKIAEXAMPLE"),
					})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("env"), knownvalue.MapSizeExact(2)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("state"), knownvalue.StringExact("running")),
				},
				Check: resource.ComposeTestCheckFunc(secretReached("first-wo-secret"), notInState("first-wo-secret")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// After import env and secret_env are unknown to the provider (null) until the
				// configuration says which map each key belongs to (see adoptImportedEnv).
				ResourceName:            addr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"env", "secret_env", "secret_env_wo_version"},
			},
			{
				// A new value under the same version is not seen: write-only values are not compared.
				Config: config("ignored-wo-secret", 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: secretReached("first-wo-secret"),
			},
			{
				Config: config("second-wo-secret", 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(secretReached("second-wo-secret"), notInState("first-wo-secret", "second-wo-secret")),
			},
		},
	})
}

func TestAccEndpointResource_failedDeploymentIsTainted(t *testing.T) {
	env := newTestEnv(t)
	env.requireEmulator(t, "only the emulator fails a deployment on demand (its unpullable image)")
	const addr = "novita_endpoint.test"
	var failedID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkEndpointsDestroyed(env),
		Steps: []resource.TestStep{
			{
				Config:      env.config(env.endpointHCL(t, "test", map[string]string{"image": strconv.Quote(emulator.UnpullableImage)})),
				ExpectError: regexp.MustCompile(`(?s)Endpoint Deployment Failed.*is failed: failed to pull image`),
			},
			{
				// The failed endpoint stayed in state, tainted: fixing the image replaces it.
				Config: env.config(env.endpointHCL(t, "test", nil)),
				PreConfig: func() {
					for id, n := range emuEndpointStates(t, env) {
						failedID = id
						if n != "failed" {
							t.Fatalf("endpoint %s is %s, want failed", id, n)
						}
					}
					if failedID == "" {
						t.Fatal("the failed create left no endpoint")
					}
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace)},
				},
				Check: func(s *terraform.State) error {
					id, err := endpointStateID(s, addr)
					if err != nil {
						return err
					}
					if _, still := env.Emu.Endpoint(failedID); still || id == failedID {
						return fmt.Errorf("the failed endpoint %s was not replaced", failedID)
					}
					return nil
				},
			},
		},
	})
}

// emuEndpointStates lists the account's endpoints with their states, through the API.
func emuEndpointStates(t *testing.T, env *testEnv) map[string]string {
	t.Helper()
	list, err := env.api.ListEndpoints(context.Background(), "")
	if err != nil {
		t.Fatalf("listing endpoints: %v", err)
	}
	out := map[string]string{}
	for _, e := range list {
		out[e.ID] = e.Status.Status
	}
	return out
}

func TestAccEndpointResource_waitForReady(t *testing.T) {
	env := newTestEnv(t, func(o *emulator.Options) { o.CreateDelay = 2 * time.Second })
	env.requireEmulator(t, "the 1s create timeout must expire: needs a deployment known to take 2s, and an account with no other endpoints")
	const addr = "novita_endpoint.test"
	var timedOutID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkEndpointsDestroyed(env),
		Steps: []resource.TestStep{
			{
				// A create timeout shorter than the deployment fails clearly; the id is kept.
				Config:      env.config(env.endpointHCL(t, "test", map[string]string{"timeouts": `{ create = "1s" }`})),
				ExpectError: regexp.MustCompile(`(?s)Timed Out Waiting for Endpoint.*not running within 1s\s+\(timeouts.create\)`),
			},
			{
				// The timed-out endpoint is in state (tainted): the next apply replaces it, and
				// without the short timeout it waits until the new one serves.
				PreConfig: func() {
					for id := range emuEndpointStates(t, env) {
						timedOutID = id
					}
				},
				Config: env.config(env.endpointHCL(t, "test", nil)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("state"), knownvalue.StringExact("running")),
				},
				Check: func(s *terraform.State) error {
					id, err := endpointStateID(s, addr)
					if err != nil {
						return err
					}
					if timedOutID == "" || id == timedOutID {
						return fmt.Errorf("timed-out endpoint %q was not replaced (now %q)", timedOutID, id)
					}
					return nil
				},
			},
			{
				// wait_for_ready = false returns while the endpoint is still being created.
				Config: env.config(env.endpointHCL(t, "test", nil) + env.endpointHCL(t, "nowait", map[string]string{"wait_for_ready": "false"})),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("novita_endpoint.nowait", tfjsonpath.New("state"), knownvalue.StringExact("creating")),
				},
			},
		},
	})
}

func TestAccEndpointResource_deletionProtection(t *testing.T) {
	env := newTestEnv(t)
	const addr = "novita_endpoint.test"
	protected := env.config(env.endpointHCL(t, "test", map[string]string{"deletion_protection": "true"}))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkEndpointsDestroyed(env),
		Steps: []resource.TestStep{
			{Config: protected},
			{
				Config:      protected,
				Destroy:     true,
				ExpectError: regexp.MustCompile(`(?s)Endpoint Is Protected from Deletion.*set\s+deletion_protection\s+=\s+false`),
			},
			{
				// Turning protection off is a provider-side change: no replacement, and the
				// final destroy of the test case succeeds.
				Config: env.config(env.endpointHCL(t, "test", map[string]string{"deletion_protection": "false"})),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				Check: checkAPIEndpoint(env, addr, func(*client.Endpoint) error { return nil }), // still there
			},
		},
	})
}

// TestAccEndpointResource_planTimeErrors proves each class of bad input fails the plan (static
// validation, cross-field rules, and the account's live limits and catalogue) with its message.
// TestAccEndpointResource_clusterWithoutNetworkStorage: a network volume on an endpoint in a
// cluster that has no network storage fails the plan.
// TestEndpointResourceRead_notFoundRemovesFromState calls Read without Terraform, with an id the
// API does not know, and expects the resource to leave the state.
// TestAccEndpointResource_importThenAdopt imports an endpoint made outside Terraform that has
// plain, secret and write-only variables. Import reads none of them (a write-only value must never
// reach state); the first plan compares the configuration with the live variables. When they
// match, the apply only records env and secret_env, without an update call; when they differ, it
// updates the endpoint with the configured values. The write-only value is never in state.
// notInStateAnywhere fails when any of the values appears anywhere in the state: in any
// attribute of any resource, or as a key.
// TestAccEndpointResource_networkVolume mounts a cloud storage (and a local volume), proves a
// cluster that does not match the storage fails the plan, and that destroy waits for the
// endpoint to be gone so that the storage it mounted can be deleted in the same run.
func TestAccEndpointResource_networkVolume(t *testing.T) {
	env := newTestEnv(t, func(o *emulator.Options) { o.DeleteDelay = 1500 * time.Millisecond })
	const addr = "novita_endpoint.test"
	clusters := env.storageClustersOffering(t, env.product(t), 2)
	home, other := clusters[0], clusters[1]
	config := func(cluster string) string {
		return env.config(fmt.Sprintf(`
resource "novita_cloud_storage" "models" {
  name       = "models"
  size_gb    = 20
  cluster_id = %q
}
`, home) + env.endpointHCL(t, "test", map[string]string{
			"cluster_id": cluster,
			"volume_mounts": `[
    { type = "network", cloud_storage_id = novita_cloud_storage.models.id, mount_path = "/models" },
    { type = "local", size_gb = 50, mount_path = "/scratch" },
  ]`,
		}))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             resource.ComposeTestCheckFunc(checkEndpointsDestroyed(env), checkStoragesDestroyed(env)),
		Steps: []resource.TestStep{
			{
				Config: config("novita_cloud_storage.models.cluster_id"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("cluster_id"), knownvalue.StringExact(home)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("volume_mounts").AtSliceIndex(0).AtMapKey("size_gb"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("volume_mounts").AtSliceIndex(1).AtMapKey("size_gb"), knownvalue.Int64Exact(50)),
				},
				Check: checkAPIEndpoint(env, addr, func(ep *client.Endpoint) error {
					if len(ep.Volumes) != 2 || ep.Volumes[0].Type != "network" || ep.Volumes[0].MountPoint != "/models" || ep.RegionID != home {
						return fmt.Errorf("mounts not as configured: %+v in %s", ep.Volumes, ep.RegionID)
					}
					return nil
				}),
			},
			{
				// On an existing endpoint the plan-time finding is a warning (a destroy's refresh
				// plan must not fail on it); the apply then fails with Novita's refusal, and the
				// endpoint stays where it was.
				Config:      config(strconv.Quote(other)),
				ExpectError: regexp.MustCompile(`(?s)Unable to Update Endpoint.*` + regexp.QuoteMeta(home)),
			},
		},
	})
}

// TestAccEndpointResource_limitsNotFoundSkipsLimitChecks proves that when the account answers the
// limits (v1, no v2 equivalent) with not found, the plan goes on (with one warning) and the
// apply works.
// TestAccEndpointResource_withStorageAndCredential creates a cloud storage, a registry credential
// and an endpoint that mounts the one and pulls with the other in one apply, and destroys all three
// in one destroy. Terraform's ordering plus the endpoint's wait for deletion must be enough: the
// storage and the credential are each deleted with a single request, never refused as in use.
func TestAccEndpointResource_withStorageAndCredential(t *testing.T) {
	env := newTestEnv(t, func(o *emulator.Options) {
		o.CreateDelay = 300 * time.Millisecond
		o.DeleteDelay = 1500 * time.Millisecond
	})
	const addr = "novita_endpoint.test"
	cluster := env.storageClustersOffering(t, env.product(t), 1)[0]
	config := env.config(fmt.Sprintf(`
resource "novita_cloud_storage" "models" {
  name       = "models"
  size_gb    = 20
  cluster_id = %q
}

resource "novita_registry_credential" "pull" {
  name        = %q # unique per run: the client finds a new credential's id by name
  username    = "robot"
  password_wo = "registry-secret"
}
`, cluster, accName("private-registry")) + env.endpointHCL(t, "test", map[string]string{
		"cluster_id":             "novita_cloud_storage.models.cluster_id",
		"registry_credential_id": "novita_registry_credential.pull.id",
		"volume_mounts":          `[{ type = "network", cloud_storage_id = novita_cloud_storage.models.id, mount_path = "/models" }]`,
	}))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeTestCheckFunc(checkEndpointsDestroyed(env), checkStoragesDestroyed(env), checkCredentialsDestroyed(env), func(*terraform.State) error {
			if env.Emu == nil {
				return nil // only the emulator counts the requests it served
			}
			for _, p := range []string{"/gpu-instance/openapi/v1/networkstorage/delete", "/gpu-instance/openapi/v1/repository/auth/delete"} {
				if n := env.Emu.Requests(p); n != 1 {
					return fmt.Errorf("%s was called %d times, want once (deleted before the endpoint was gone?)", p, n)
				}
			}
			return nil
		}),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("state"), knownvalue.StringExact("running")),
			},
			Check: resource.ComposeTestCheckFunc(
				checkAPIEndpoint(env, addr, func(ep *client.Endpoint) error {
					if ep.RegistryAuthID == "" || len(ep.Volumes) != 1 || ep.Volumes[0].ID == "" {
						return fmt.Errorf("endpoint does not use the credential and storage: image %+v, mounts %+v", ep.Image, ep.Volumes)
					}
					return nil
				}),
				resource.TestCheckResourceAttrPair(addr, "registry_credential_id", "novita_registry_credential.pull", "id"),
				resource.TestCheckResourceAttrPair(addr, "volume_mounts.0.cloud_storage_id", "novita_cloud_storage.models", "id"),
			),
		}},
	})
}

// TestFailedStateWarning: a plan over an endpoint left failed warns with Novita's message and the
// ways out, whatever else the plan holds; any other state stays quiet.
// TestAccEndpointResource_importWithoutEnvNamesWhatGoes: a configuration that sets no variables
// for an imported endpoint (as terraform plan -generate-config-out writes it) plans their removal
// visibly: env_keys goes from the live names to [], so the plan is not mistaken for an adoption.
// TestAccEndpointResource_refusedKeyFailsThePlan: a key Novita refuses fails the plan (not only
// the apply), naming api_key, NOVITA_API_KEY and the base URL.
