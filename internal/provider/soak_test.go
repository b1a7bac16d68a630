package provider

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
)

// soakFaults is the fault mix of the soak test (issue 9): 10% of requests answered 500, 502 or
// 503 without acting, 5% answered 429 with Retry-After: 1, 5% of changes carried out and then
// answered 502 or dropped, and up to 20 ms of latency on every request.
var soakFaults = emulator.FaultPlan{Seed: 9, Rules: []emulator.FaultRule{
	{Error: 0.10, RateLimit: 0.05, RetryAfter: 1, ActedThenFail: 0.05, Latency: 20 * time.Millisecond},
}}

// soakCounts is how many objects of each kind the soak test manages.
type soakCounts struct{ endpoints, storages, credentials, jobs int }

// soakConfig is a configuration with n of each kind, all in one apply.
func soakConfig(env *testEnv, t *testing.T, n soakCounts) string {
	cluster, _, _ := env.storageClusters(t)
	product := "none" // not validated against the API when no endpoint uses it
	if n.endpoints > 0 {
		product = env.productID(t)
	}
	return env.config(fmt.Sprintf(`
resource "novita_cloud_storage" "s" {
  count      = %d
  name       = "soak-${count.index}"
  size_gb    = 10
  cluster_id = %q
}

resource "novita_registry_credential" "c" {
  count    = %d
  name     = "soak-${count.index}"
  username = "robot"
  password = "soak-password-${count.index}"
}

resource "novita_endpoint" "e" {
  count           = %d
  product_id      = %q
  image           = %q
  min_workers     = 0
  max_workers     = 1
  idle_timeout    = 60
  max_concurrency = 1
  scaling_policy  = { type = "concurrency", value = 1 }
  port            = 8080
  env             = { INDEX = "${count.index}" }
}

resource "novita_job" "j" {
  count         = %d
  endpoint_name = novita_endpoint.e[count.index].endpoint_name
  input         = jsonencode({ n = count.index })
}
`, n.storages, cluster, n.credentials, n.endpoints, product, echoWorkerImage, n.jobs))
}

// TestAccSoak_faultsLeaveNothingOrphanedOrLost is the soak test of issue 9: one apply of 20
// endpoints, 20 storages, 20 credentials and 5 jobs with -parallelism=10 succeeds against an API
// that fails one request in five; the API then holds exactly what the state holds (no duplicate,
// no orphan), the next plan is empty, and one destroy leaves the API empty. Before creates
// reconciled, such an apply needed three attempts and left storages and credentials behind.
func TestAccSoak_faultsLeaveNothingOrphanedOrLost(t *testing.T) {
	runSoak(t, soakCounts{endpoints: 20, storages: 20, credentials: 20, jobs: 5})
}

func runSoak(t *testing.T, n soakCounts) {
	env := newTestEnv(t, func(o *emulator.Options) { o.ColdStart = -1 })
	env.requireEmulator(t, "injects faults")
	tf := newTFCLI(t)
	tf.write("main.tf", soakConfig(env, t, n))

	env.Emu.SetFaultPlan(soakFaults)
	start := time.Now()
	tf.mustRun("apply", "-auto-approve", "-parallelism=10")
	applied := time.Since(start)
	faults := env.Emu.FaultStats()

	state := tf.stateIDs()
	env.Emu.SetFaultPlan(emulator.FaultPlan{}) // the check itself reads a reliable API
	api := env.apiIDs(t, n.endpoints > 0)
	for typ, want := range map[string]int{
		"novita_endpoint": n.endpoints, "novita_cloud_storage": n.storages, "novita_registry_credential": n.credentials, "novita_job": n.jobs,
	} {
		if len(state[typ]) != want {
			t.Errorf("state holds %d %s, want %d", len(state[typ]), typ, want)
		}
		if typ != "novita_job" && !slices.Equal(state[typ], api[typ]) {
			t.Errorf("%s: the API holds %v, the state %v (a difference is an orphan or a lost object)", typ, api[typ], state[typ])
		}
	}

	env.Emu.SetFaultPlan(soakFaults)
	if out, err := tf.run(nil, "plan", "-detailed-exitcode", "-parallelism=10"); err != nil {
		t.Errorf("the plan after the apply is not empty (or failed): %v\n%s", err, out)
	}
	tf.mustRun("destroy", "-auto-approve", "-parallelism=10")
	total := env.Emu.FaultStats() // since the apply's plan was set again: plan and destroy
	if left := env.Emu.Counts(); left != (emulator.Counts{}) {
		t.Errorf("after destroy the API still holds %+v", left)
	}
	t.Logf("soak: checked %d endpoints, %d storages, %d credentials and %d jobs: state and API agree, the re-plan is empty, destroy left nothing",
		n.endpoints, n.storages, n.credentials, n.jobs)
	t.Logf("soak: apply took %s; faults in the apply: %s", applied.Round(time.Second), faults)
	t.Logf("soak: faults in the re-plan and destroy: %s", total)
}

// apiIDs lists, through the test's client, the ids of the objects the API holds (endpoints too
// when asked), by resource type, sorted.
func (e *testEnv) apiIDs(t *testing.T, endpoints bool) map[string][]string {
	t.Helper()
	ctx := context.Background()
	var eps []client.Endpoint
	var err error
	if endpoints {
		if eps, err = e.api.ListEndpoints(ctx, ""); err != nil {
			t.Fatalf("listing endpoints: %v", err)
		}
	}
	sts, err := e.api.ListCloudStorages(ctx, "")
	if err != nil {
		t.Fatalf("listing storages: %v", err)
	}
	creds, err := e.api.ListRegistryCredentials(ctx)
	if err != nil {
		t.Fatalf("listing credentials: %v", err)
	}
	ids := map[string][]string{}
	for _, x := range eps {
		ids["novita_endpoint"] = append(ids["novita_endpoint"], x.ID)
	}
	for _, x := range sts {
		ids["novita_cloud_storage"] = append(ids["novita_cloud_storage"], x.ID)
	}
	for _, x := range creds {
		ids["novita_registry_credential"] = append(ids["novita_registry_credential"], x.ID)
	}
	for _, list := range ids {
		sort.Strings(list)
	}
	return ids
}
