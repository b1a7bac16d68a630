package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
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
	"github.com/novitalabs/terraform-provider-novita/internal/emulator/gateway"
)

const prewarmAddr = "novita_image_prewarm.test"

// prewarmTime makes the emulator's prewarm tasks take a moment, so that creates really wait.
func prewarmTime(d time.Duration) func(*emulator.Options) {
	return func(o *emulator.Options) { o.PrewarmTime = d }
}

// prewarmConfig is one novita_image_prewarm named test; extra goes inside the block.
func prewarmConfig(env *testEnv, image, cluster, extra string) string {
	return env.config(fmt.Sprintf(`
resource "novita_image_prewarm" "test" {
  image      = %q
  cluster_id = %q
  %s
}
`, image, cluster, extra))
}

// prewarmCluster is a cluster offering the test GPU, and that product's id.
func (e *testEnv) prewarmCluster(t *testing.T) (cluster, productID string) {
	t.Helper()
	p := e.product(t)
	if len(p.RegionIDs) == 0 {
		t.Skipf("product %s lists no cluster", p.ID)
	}
	return p.RegionIDs[0], p.ID
}

// checkPrewarmsDestroyed is a CheckDestroy: no prewarm task of the final state is left.
func checkPrewarmsDestroyed(env *testEnv) resource.TestCheckFunc {
	return checkDestroyed("novita_image_prewarm", func(ctx context.Context, id string) (*client.ImagePrewarm, error) {
		return env.api.GetImagePrewarm(ctx, id, client.ImagePrewarmFilter{})
	})
}

// prewarmGone checks that the API no longer has the task id.
func prewarmGone(env *testEnv, id *string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if _, err := env.api.GetImagePrewarm(context.Background(), *id, client.ImagePrewarmFilter{}); !client.IsNotFound(err) {
			return fmt.Errorf("replaced task %s: want not found, got %v", *id, err)
		}
		return nil
	}
}

// Create waits until Succeeded, import reads it all back, the note changes in place (and is
// cleared), a new image tag replaces the task, and destroy deletes it.
func TestAccImagePrewarmResource_lifecycle(t *testing.T) {
	env := newTestEnv(t, prewarmTime(1500*time.Millisecond))
	cluster, product := env.prewarmCluster(t)
	image, newImage := "novitalabs/comfyui-worker:v0.0.1", "novitalabs/comfyui-worker:v0.0.2"
	products := fmt.Sprintf("product_ids = [%q]\n", product)
	sameID := statecheck.CompareValue(compare.ValuesSame())
	newID := statecheck.CompareValue(compare.ValuesDiffer())
	rfc3339 := knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`))
	var id string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkPrewarmsDestroyed(env),
		Steps: []resource.TestStep{
			{
				Config: prewarmConfig(env, image, cluster, products+`note = "quickstart image"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(prewarmAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(prewarmAddr, tfjsonpath.New("id")),
					newID.AddStateValue(prewarmAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(prewarmAddr, tfjsonpath.New("state"), knownvalue.StringExact("Succeeded")),
					statecheck.ExpectKnownValue(prewarmAddr, tfjsonpath.New("state_reasons"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue(prewarmAddr, tfjsonpath.New("image_name"), knownvalue.StringExact("comfyui-worker")),
					statecheck.ExpectKnownValue(prewarmAddr, tfjsonpath.New("image_size_bytes"), knownvalue.Int64Func(func(v int64) error {
						if v <= 0 {
							return fmt.Errorf("image_size_bytes = %d, want > 0", v)
						}
						return nil
					})),
					statecheck.ExpectKnownValue(prewarmAddr, tfjsonpath.New("cluster_name"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(prewarmAddr, tfjsonpath.New("created_at"), rfc3339),
					statecheck.ExpectKnownValue(prewarmAddr, tfjsonpath.New("completed_at"), rfc3339),
					statecheck.ExpectKnownValue(prewarmAddr, tfjsonpath.New("product_ids"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(product)})),
					statecheck.ExpectKnownValue(prewarmAddr, tfjsonpath.New("wait_for_completion"), knownvalue.Bool(true)),
				},
				Check: captureID(prewarmAddr, &id),
			},
			{
				ResourceName:      prewarmAddr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// The note is edited in place: same task.
				Config: prewarmConfig(env, image, cluster, products+`note = "edited"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(prewarmAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(prewarmAddr, tfjsonpath.New("id"))},
				Check: func(*terraform.State) error {
					if task, err := env.api.GetImagePrewarm(t.Context(), id, client.ImagePrewarmFilter{}); err != nil || task.Note != "edited" {
						return fmt.Errorf("the API has %+v (%v), want note \"edited\"", task, err)
					}
					return nil
				},
			},
			{
				// Removing the note clears it, still in place.
				Config: prewarmConfig(env, image, cluster, products),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(prewarmAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(prewarmAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(prewarmAddr, tfjsonpath.New("note"), knownvalue.Null()),
				},
			},
			{
				// A new tag is a new image: the task is replaced, the old one deleted.
				Config: prewarmConfig(env, newImage, cluster, products),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(prewarmAddr, plancheck.ResourceActionDestroyBeforeCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					newID.AddStateValue(prewarmAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(prewarmAddr, tfjsonpath.New("image"), knownvalue.StringExact(newImage)),
					statecheck.ExpectKnownValue(prewarmAddr, tfjsonpath.New("state"), knownvalue.StringExact("Succeeded")),
				},
				Check: prewarmGone(env, &id),
			},
		},
	})
}

// Without product_ids the task covers every card type of the cluster, and a later plan and an
// import both leave product_ids unset.
func TestAccImagePrewarmResource_everyProduct(t *testing.T) {
	env := newTestEnv(t)
	cluster, _ := env.prewarmCluster(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkPrewarmsDestroyed(env),
		Steps: []resource.TestStep{
			{
				Config: prewarmConfig(env, echoWorkerImage, cluster, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(prewarmAddr, tfjsonpath.New("product_ids"), knownvalue.Null()),
				},
			},
			{ResourceName: prewarmAddr, ImportState: true, ImportStateVerify: true},
		},
	})
}

// A task that ends Failed fails the apply with Novita's reasons and stays in state, tainted: the
// next plan replaces it.
func TestAccImagePrewarmResource_failedWithReasons(t *testing.T) {
	env := newTestEnv(t)
	cluster, _ := env.prewarmCluster(t)
	cfg := prewarmConfig(env, emulator.UnpullableImage, cluster, "")
	wantErr := wrappedMessage("Image Prewarm Failed", "failed:")
	if env.Emu != nil {
		wantErr = wrappedMessage("Image Prewarm Failed", `failed to pull image "`+emulator.UnpullableImage+`": manifest unknown`, "tainted")
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkPrewarmsDestroyed(env),
		Steps: []resource.TestStep{
			{Config: cfg, ExpectError: wantErr},
			{
				// Tainted: the next apply replaces the failed task (and fails the same way).
				Config:      cfg,
				ExpectError: wantErr,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(prewarmAddr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
			},
		},
	})
}

// Deleted behind Terraform's back: the next plan creates it again.
func TestAccImagePrewarmResource_drift(t *testing.T) {
	env := newTestEnv(t)
	cluster, _ := env.prewarmCluster(t)
	cfg := prewarmConfig(env, echoWorkerImage, cluster, `note = "drift"`)
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkPrewarmsDestroyed(env),
		Steps: []resource.TestStep{
			{Config: cfg, Check: captureID(prewarmAddr, &id)},
			{
				PreConfig: func() {
					if err := env.api.DeleteImagePrewarms(t.Context(), id); err != nil {
						t.Fatalf("deleting task %s: %v", id, err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(prewarmAddr, plancheck.ResourceActionCreate)},
				},
			},
			{
				// The note edited behind Terraform's back is put back in place.
				PreConfig: func() {
					tasks, err := env.api.ListImagePrewarms(t.Context(), client.ImagePrewarmFilter{ClusterID: cluster, Name: "drift"})
					if err != nil || len(tasks) != 1 {
						t.Fatalf("finding the recreated task: %v, %v", tasks, err)
					}
					if err := env.api.EditImagePrewarmNote(t.Context(), tasks[0].ID, "changed"); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(prewarmAddr, plancheck.ResourceActionUpdate)},
				},
			},
		},
	})
}

func TestAccImagePrewarmResource_planErrors(t *testing.T) {
	env := newTestEnv(t)
	cluster, _ := env.prewarmCluster(t)
	steps := []resource.TestStep{
		{
			Config:      prewarmConfig(env, "", cluster, ""),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`string length must be between 1 and 500`),
		},
		{
			Config:      prewarmConfig(env, echoWorkerImage, "no-such-cluster", ""),
			PlanOnly:    true,
			ExpectError: wrappedMessage(`Unknown Cluster`, `"no-such-cluster" does not exist`, `Clusters:`, cluster),
		},
		{
			Config:      prewarmConfig(env, echoWorkerImage, cluster, `product_ids = ["SL-no-such-product"]`),
			PlanOnly:    true,
			ExpectError: wrappedMessage(`Unknown GPU Product`, `"SL-no-such-product" does not exist`, `Products offered in cluster "`+cluster+`"`),
		},
		{
			Config:      prewarmConfig(env, echoWorkerImage, cluster, `product_ids = ["a", "a"]`),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`duplicate`),
		},
	}
	// A product that exists but is not offered in the cluster, if the account has one.
	for _, p := range env.catalogue(t).products {
		if !slices.Contains(p.RegionIDs, cluster) {
			steps = append(steps, resource.TestStep{
				Config:      prewarmConfig(env, echoWorkerImage, cluster, fmt.Sprintf("product_ids = [%q]", p.ID)),
				PlanOnly:    true,
				ExpectError: wrappedMessage(`GPU Product Not Offered in the Cluster`, fmt.Sprintf(`Product %q`, p.ID), fmt.Sprintf(`is not offered in cluster %q`, cluster)),
			})
			break
		}
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
}

// fillPrewarmQuota creates tasks through the API until only free slots remain, and deletes them
// when the test ends. Live runs skip when that would take many tasks.
func fillPrewarmQuota(t *testing.T, env *testEnv, cluster string, free int) {
	t.Helper()
	ctx := context.Background()
	q, err := env.api.GetImagePrewarmQuota(ctx)
	if err != nil {
		t.Fatalf("reading the prewarm quota: %v", err)
	}
	n := int(q.Limit) - int(q.Total) - free
	if env.Emu == nil && n > 5 {
		t.Skipf("live run: filling the prewarm quota would create %d tasks", n)
	}
	var ids []string
	for i := range n {
		id, err := env.api.CreateImagePrewarm(ctx, client.CreateImagePrewarmRequest{
			ImageURL: fmt.Sprintf("%s-filler-%d", echoWorkerImage, i), ClusterID: cluster, Note: "acc quota filler",
		})
		if err != nil {
			t.Fatalf("filling the prewarm quota: %v", err)
		}
		ids = append(ids, id)
	}
	t.Cleanup(func() {
		if len(ids) > 0 {
			if err := env.api.DeleteImagePrewarms(context.Background(), ids...); err != nil {
				t.Errorf("deleting the quota fillers: %v", err)
			}
		}
	})
}

// A tainted task at full quota: Terraform plans its replacement with no prior state, so the
// provider cannot see that the task will be deleted first. It finds a task for the same image in
// the cluster and warns instead of failing, and the apply replaces the task.
func TestAccImagePrewarmResource_taintedWithFullQuota(t *testing.T) {
	env := newTestEnv(t)
	env.requireEmulator(t, "needs an image whose prewarm fails")
	cluster, _ := env.prewarmCluster(t)
	fillPrewarmQuota(t, env, cluster, 1)
	cfg := prewarmConfig(env, emulator.UnpullableImage, cluster, "")
	failed := wrappedMessage("Image Prewarm Failed", "manifest unknown")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkPrewarmsDestroyed(env),
		Steps: []resource.TestStep{
			{Config: cfg, ExpectError: failed},
			{
				Config:      cfg,
				ExpectError: failed, // not "Quota Exhausted": the plan passed and the task was replaced
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(prewarmAddr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
			},
		},
	})
}

// A full quota fails the plan of a new task, naming the quota and the count; the data source
// reports the same numbers; and destroy is never checked.
func TestAccImagePrewarmResource_quotaExhaustedAtPlan(t *testing.T) {
	env := newTestEnv(t)
	cluster, _ := env.prewarmCluster(t)
	fillPrewarmQuota(t, env, cluster, 0)
	q, err := env.api.GetImagePrewarmQuota(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.config(`data "novita_image_prewarm_quota" "q" {}`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.novita_image_prewarm_quota.q", tfjsonpath.New("total"), knownvalue.Int64Exact(int64(q.Limit))),
					statecheck.ExpectKnownValue("data.novita_image_prewarm_quota.q", tfjsonpath.New("limit"), knownvalue.Int64Exact(int64(q.Limit))),
					statecheck.ExpectKnownValue("data.novita_image_prewarm_quota.q", tfjsonpath.New("per_image_size_gb"), knownvalue.Int64Exact(int64(q.PerImageSizeGB))),
				},
			},
			{
				Config:   prewarmConfig(env, echoWorkerImage, cluster, ""),
				PlanOnly: true,
				ExpectError: wrappedMessage("Image Prewarm Quota Exhausted",
					fmt.Sprintf("quota allows %d tasks and %d exist", q.Limit, q.Limit), "novita_image_prewarm_quota"),
			},
		},
	})
}

// With the quota full, replacing a task still plans and applies: the task it replaces is
// deleted first, so its slot counts as free.
func TestAccImagePrewarmResource_replaceWithFullQuota(t *testing.T) {
	env := newTestEnv(t)
	cluster, _ := env.prewarmCluster(t)
	fillPrewarmQuota(t, env, cluster, 1)
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkPrewarmsDestroyed(env),
		Steps: []resource.TestStep{
			{Config: prewarmConfig(env, "novitalabs/comfyui-worker:v0.0.1", cluster, ""), Check: captureID(prewarmAddr, &id)},
			{
				Config: prewarmConfig(env, "novitalabs/comfyui-worker:v0.0.2", cluster, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(prewarmAddr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: prewarmGone(env, &id),
			},
		},
	})
}

// The effect that matters, through Terraform only: an endpoint that depends on a prewarm of its
// image in its cluster runs its first job after a fifth of the cold start that an endpoint with
// an image not prewarmed waits.
func TestAccImagePrewarmResource_warmEndpointStartsFaster(t *testing.T) {
	env := newTestEnv(t, prewarmTime(time.Second))
	env.requireEmulator(t, "compares the emulator's simulated cold starts")
	cluster, product := env.prewarmCluster(t)
	endpoint := func(name, image, dependsOn string) string {
		return fmt.Sprintf(`
resource "novita_endpoint" %[1]q {
  name           = %[1]q
  product_id     = %[2]q
  cluster_id     = %[3]q
  min_workers    = 0
  max_workers    = 1
  idle_timeout   = 60
  scaling_policy = { type = "concurrency", value = 1 }
  image          = %[4]q
  port           = 8080
  %[5]s
}

resource "novita_job" %[1]q {
  endpoint_name = novita_endpoint.%[1]s.endpoint_name
  input         = jsonencode({ seconds = 1 })
}
`, name, product, cluster, image, dependsOn)
	}
	config := env.config(fmt.Sprintf(`
resource "novita_image_prewarm" "sleep" {
  image      = %q
  cluster_id = %q
}
`, sleepWorkerImage, cluster) +
		endpoint("warm", sleepWorkerImage, "depends_on = [novita_image_prewarm.sleep]") +
		endpoint("cold", strings.Replace(sleepWorkerImage, ":latest", ":not-prewarmed", 1), ""))
	var warm, cold int64

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("novita_job.warm", tfjsonpath.New("status"), knownvalue.StringExact("COMPLETED")),
				statecheck.ExpectKnownValue("novita_job.cold", tfjsonpath.New("status"), knownvalue.StringExact("COMPLETED")),
			},
			Check: resource.ComposeTestCheckFunc(
				captureInt("novita_job.warm", "delay_time_ms", &warm),
				captureInt("novita_job.cold", "delay_time_ms", &cold),
				func(*terraform.State) error {
					// Simulated times are real times x the emulator's speed, so allow rounding.
					want := gateway.DefaultColdStart.Milliseconds()
					if !near(cold, want, 20) || !near(warm*gateway.PrewarmedColdStartDivisor, cold, 20) {
						return fmt.Errorf("first-job delays: prewarmed %d ms, not prewarmed %d ms; want about %d and a fifth of it", warm, cold, want)
					}
					return nil
				},
			),
		}},
	})
}

// captureInt stores a resource's integer attribute into *v when the step's checks run.
func captureInt(addr, name string, v *int64) resource.TestCheckFunc {
	return resource.TestCheckResourceAttrWith(addr, name, func(s string) (err error) {
		*v, err = strconv.ParseInt(s, 10, 64)
		return err
	})
}

// near reports whether a is within tolerance of b.
func near(a, b, tolerance int64) bool { return a >= b-tolerance && a <= b+tolerance }
