package provider

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
	"github.com/novitalabs/terraform-provider-novita/internal/emulator/emulatortest"
)

// testAccProtoV6ProviderFactories serves the provider in-process to terraform-plugin-testing.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"novita": providerserver.NewProtocol6WithError(New("test")()),
}

// accLive reports whether acceptance tests target the live Novita API instead of the emulator
// (`make testacc-live`: NOVITA_ACC_LIVE=1 and NOVITA_API_KEY set). Live runs cost money. A live
// run without a key fails rather than quietly testing the emulator instead.
func accLive(t *testing.T) bool {
	t.Helper()
	if os.Getenv("NOVITA_ACC_LIVE") != "1" {
		return false
	}
	if os.Getenv(envAPIKey) == "" {
		t.Fatalf("NOVITA_ACC_LIVE=1 needs %s (and optionally %s, %s)", envAPIKey, envBaseURL, envAsyncBaseURL)
	}
	return true
}

// testEnv is one acceptance test's target: a fresh in-process emulator, or the live API (which
// `scripts/test-live-emulator.sh` stands in for with an out-of-process emulator). Tests find ids,
// limits and results through the API (api, the helpers below) so that they hold on both.
type testEnv struct {
	// Emu is the emulator behind the test, for fault injection, clock control and out-of-band
	// changes. It is nil in live runs; tests that need it call requireEmulator.
	Emu *emulator.Emulator
	// api is a client for the same target, to arrange objects that the test does not manage
	// through Terraform (endpoints, jobs submitted from outside) and to check results.
	api            *client.Client
	providerConfig string
	cat            *testCatalogue // read once per test by catalogue
}

// newTestEnv starts an emulator on a loopback port picked at run time, with instant endpoint
// lifecycle transitions and fast jobs unless tune changes the options. In live runs it targets
// the API named by NOVITA_API_KEY, NOVITA_BASE_URL and NOVITA_ASYNC_BASE_URL, as the provider does.
func newTestEnv(t *testing.T, tune ...func(*emulator.Options)) *testEnv {
	t.Helper()
	if accLive(t) {
		// The provider reads the same variables itself. The block is never empty, so that a step
		// with no resources (env.config("")) destroys everything, as it does against the emulator.
		return &testEnv{
			api:            newTestClient(t, os.Getenv(envAPIKey), os.Getenv(envBaseURL), os.Getenv(envAsyncBaseURL)),
			providerConfig: "provider \"novita\" {}\n",
		}
	}
	opts := emulator.Options{Speed: 100}
	for _, f := range tune {
		f(&opts)
	}
	emu, srv := emulatortest.Start(t, opts)
	return &testEnv{
		Emu: emu,
		api: newTestClient(t, emulator.DefaultAPIKey, srv.URL, srv.URL+"/v1"),
		providerConfig: fmt.Sprintf(`provider "novita" {
  api_key        = %q
  base_url       = %q
  async_base_url = %q
}
`, emulator.DefaultAPIKey, srv.URL, srv.URL+"/v1"),
	}
}

// newTestClient builds the client the test itself uses to arrange and inspect objects.
func newTestClient(t *testing.T, apiKey, baseURL, asyncBaseURL string) *client.Client {
	t.Helper()
	c, err := client.New(client.Config{
		APIKey: apiKey, BaseURL: baseURL, AsyncBaseURL: asyncBaseURL,
		PollFloor: 50 * time.Millisecond, PollCeiling: time.Second,
	})
	if err != nil {
		t.Fatalf("client.New: %v", err)
	}
	return c
}

// config prefixes a test configuration with the provider block for this environment.
func (e *testEnv) config(hcl string) string { return e.providerConfig + hcl }

// requireEmulator skips, in live runs, a test that needs what only the emulator offers (fault
// injection, clock control, out-of-band changes, simulated timings); reason says which.
func (e *testEnv) requireEmulator(t *testing.T, reason string) {
	t.Helper()
	if e.Emu == nil {
		t.Skip("live run: needs the in-process emulator: " + reason)
	}
}

// accName is a name unique to this run, for names the API requires to be unique (app_name) and
// for names a test looks up, so that parallel tests and runs sharing an account never collide.
func accName(prefix string) string { return acctest.RandomWithPrefix(prefix) }

// withClock makes the emulator use clock.
func withClock(clock *emulatortest.Clock) func(*emulator.Options) {
	return func(o *emulator.Options) { o.Now = clock.Now }
}

// testCatalogue is what the account offers, as the API reports it.
type testCatalogue struct {
	products []client.Product
	clusters []client.Cluster
}

// catalogue reads the account's products and clusters once per test.
func (e *testEnv) catalogue(t *testing.T) *testCatalogue {
	t.Helper()
	if e.cat != nil {
		return e.cat
	}
	ctx := t.Context()
	var c testCatalogue
	var err error
	if c.products, err = e.api.ListServerlessProducts(ctx); err != nil {
		t.Fatalf("listing GPU products: %v", err)
	}
	if c.clusters, err = e.api.ListClusters(ctx); err != nil {
		t.Fatalf("listing clusters: %v", err)
	}
	e.cat = &c
	return e.cat
}

// limits are the account's endpoint limits.
func (e *testEnv) limits(t *testing.T) *client.EndpointLimits {
	t.Helper()
	l, err := e.api.GetEndpointLimits(t.Context())
	if err != nil {
		t.Fatalf("reading endpoint limits: %v", err)
	}
	return l
}

// Test endpoints run on this GPU unless a test needs another.
const testGPU = "4090"

// product finds the deployable serverless product whose name contains testGPU (e.g. "4090"), and
// skips the test when the account offers none.
func (e *testEnv) product(t *testing.T) client.Product {
	t.Helper()
	gpu := testGPU
	var names []string
	for _, p := range e.catalogue(t).products {
		if strings.Contains(p.Name, gpu) && p.Deployable {
			return p
		}
		names = append(names, p.Name)
	}
	t.Skipf("needs a deployable GPU product named like %q; the account offers %v", gpu, names)
	return client.Product{}
}

// productID is the id of product(t).
func (e *testEnv) productID(t *testing.T) string {
	t.Helper()
	return e.product(t).ID
}

// storageClusters picks, from the account's clusters, two that support network storage and
// one that does not (empty if none).
func (e *testEnv) storageClusters(t *testing.T) (a, b, unsupported string) {
	t.Helper()
	var ok []string
	for _, c := range e.catalogue(t).clusters {
		if c.SupportNetworkStorage {
			ok = append(ok, c.ID)
		} else if unsupported == "" {
			unsupported = c.ID
		}
	}
	if len(ok) < 2 {
		t.Skipf("needs two clusters with network storage, found %v", ok)
	}
	return ok[0], ok[1], unsupported
}

// storageClustersOffering lists the clusters that support network storage and offer the
// product: an endpoint there can mount a cloud storage. It skips the test when fewer than n do.
func (e *testEnv) storageClustersOffering(t *testing.T, p client.Product, n int) []string {
	t.Helper()
	var out []string
	for _, c := range e.catalogue(t).clusters {
		if c.SupportNetworkStorage && slices.Contains(p.RegionIDs, c.ID) {
			out = append(out, c.ID)
		}
	}
	if len(out) < n {
		t.Skipf("needs %d clusters with network storage offering %s (%s), found %v", n, p.ID, p.Name, out)
	}
	return out
}

// clusterWithoutStorage finds a cluster without network storage and a deployable product offered
// there, and skips the test when the account has no such cluster.
func (e *testEnv) clusterWithoutStorage(t *testing.T) (clusterID, productID string) {
	t.Helper()
	cat := e.catalogue(t)
	for _, c := range cat.clusters {
		if c.SupportNetworkStorage {
			continue
		}
		for _, p := range cat.products {
			if p.Deployable && slices.Contains(p.RegionIDs, c.ID) {
				return c.ID, p.ID
			}
		}
	}
	t.Skip("needs a cluster without network storage that offers a deployable GPU product; the account has none")
	return "", ""
}

// Images with a behaviour in the emulator's job gateway. Live runs need images that behave the
// same: echo the input, fail with a top-level "error", sleep input.seconds.
const (
	sleepWorkerImage = "novitalabs/sleep-worker:latest"
	echoWorkerImage  = "novitalabs/echo-worker:v1" // any image without a special behaviour echoes its input
)

// testEndpoint describes an async endpoint that a test arranges through the client.
type testEndpoint struct {
	image                  string // default echoWorkerImage
	minWorkers, maxWorkers int
	idleTimeout            int // seconds, default 60
	env                    map[string]string
	product                string // default: the product of testGPU
	cluster                string // default: the API picks
	storageID              string // a cloud storage to mount at /data, if set
	credentialID           string // a registry credential to pull with, if set
}

// endpointSpec is the API request creating te, with the defaults filled in.
func (e *testEnv) endpointSpec(t *testing.T, te testEndpoint) client.EndpointSpec {
	t.Helper()
	if te.product == "" {
		te.product = e.productID(t)
	}
	if te.image == "" {
		te.image = echoWorkerImage
	}
	if te.idleTimeout == 0 {
		te.idleTimeout = 60
	}
	envs := []client.Env{}
	for k, v := range te.env {
		envs = append(envs, client.Env{Key: k, Value: v})
	}
	spec := client.EndpointSpec{
		Type: client.EndpointAsync,
		EndpointConfig: client.EndpointConfig{
			Name:           "acc-arranged",
			ProductID:      te.product,
			Image:          te.image,
			RegistryAuthID: te.credentialID,
			WorkerConfig: client.WorkerConfig{
				MinReplicas: client.Int(te.minWorkers), MaxReplicas: client.Int(te.maxWorkers), IdleTimeout: client.Int(te.idleTimeout),
				MaxConcurrentPerWorker: 1, GPUNum: 1, RequestTimeout: 3600,
			},
			Ports:    []client.Int{8188},
			Policy:   client.Policy{Type: "concurrency", Value: 1},
			RegionID: te.cluster,
			Volumes:  []client.Volume{},
			Envs:     envs,
		},
	}
	if te.storageID != "" {
		spec.Volumes = append(spec.Volumes, client.Volume{Type: "network", ID: te.storageID, MountPoint: "/data"})
	}
	return spec
}

// createTestEndpoint creates a serving async endpoint through the client, deletes it when the
// test ends, and returns its job name.
func (e *testEnv) createTestEndpoint(t *testing.T, te testEndpoint) string {
	t.Helper()
	ctx := context.Background()
	id := e.createEndpoint(t, e.endpointSpec(t, te))
	ep, err := e.api.WaitForEndpointServing(ctx, id)
	if err != nil {
		t.Fatalf("waiting for endpoint %s: %v", id, err)
	}
	return ep.JobName
}

// createEndpoint creates an endpoint through the client (without waiting) and deletes it when the
// test ends, unless Terraform or the test has deleted it already.
func (e *testEnv) createEndpoint(t *testing.T, spec client.EndpointSpec) string {
	t.Helper()
	id, err := e.api.CreateEndpoint(context.Background(), spec)
	if err != nil {
		t.Fatalf("creating endpoint: %v", err)
	}
	t.Cleanup(func() {
		if err := e.api.DeleteEndpoint(context.Background(), id); err != nil && !client.IsNotFound(err) {
			t.Errorf("deleting endpoint %s: %v", id, err)
		}
	})
	return id
}

// captureID stores a resource's id into *id when the step's checks run.
func captureID(addr string, id *string) resource.TestCheckFunc {
	return resource.TestCheckResourceAttrWith(addr, "id", func(v string) error { *id = v; return nil })
}

// checkDestroyed is a CheckDestroy: every resource of type typ in the final state is gone, as the
// API tells through get (which must fail with a not-found error for a deleted object).
func checkDestroyed[T any](typ string, get func(ctx context.Context, id string) (T, error)) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != typ {
				continue
			}
			_, err := get(context.Background(), rs.Primary.ID)
			switch {
			case err == nil:
				return fmt.Errorf("%s %s still exists", typ, rs.Primary.ID)
			case !client.IsNotFound(err):
				return fmt.Errorf("checking that %s %s is gone: %w", typ, rs.Primary.ID, err)
			}
		}
		return nil
	}
}

// checkEndpointsDestroyed is a CheckDestroy: no endpoint of the final state is left.
func checkEndpointsDestroyed(env *testEnv) resource.TestCheckFunc {
	return checkDestroyed("novita_endpoint", env.api.GetEndpoint)
}

// checkStoragesDestroyed is a CheckDestroy: no cloud storage of the final state is left.
func checkStoragesDestroyed(env *testEnv) resource.TestCheckFunc {
	return checkDestroyed("novita_cloud_storage", env.api.GetCloudStorage)
}

// checkCredentialsDestroyed is a CheckDestroy: no registry credential of the final state is left.
func checkCredentialsDestroyed(env *testEnv) resource.TestCheckFunc {
	return checkDestroyed("novita_registry_credential", env.api.GetRegistryCredential)
}

// checkAPIEndpoint asserts on the endpoint in state at addr as the API returns it.
func checkAPIEndpoint(env *testEnv, addr string, check func(ep *client.Endpoint) error) resource.TestCheckFunc {
	return resource.TestCheckResourceAttrWith(addr, "id", func(id string) error {
		ep, err := env.api.GetEndpoint(context.Background(), id)
		if err != nil {
			return fmt.Errorf("reading endpoint %s: %w", id, err)
		}
		return check(ep)
	})
}

// envMap turns an endpoint's variables into a map.
func envMap(envs []client.Env) map[string]string {
	m := map[string]string{}
	for _, e := range envs {
		m[e.Key] = e.Value
	}
	return m
}

// wrappedMessage matches the given parts of a diagnostic in order, whatever Terraform's line
// wrapping did to the spaces inside them.
func wrappedMessage(parts ...string) *regexp.Regexp {
	quoted := make([]string, len(parts))
	for i, p := range parts {
		quoted[i] = strings.Join(strings.Fields(regexp.QuoteMeta(p)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}
