package provider

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
)

// testAccProtoV6ProviderFactories serves the provider in-process to terraform-plugin-testing.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"novita": providerserver.NewProtocol6WithError(New("test")()),
}

// accLive reports whether acceptance tests target the live Novita API instead of the emulator
// (`make testacc-live`: NOVITA_ACC_LIVE=1 and NOVITA_API_KEY set). Live runs cost money.
func accLive() bool {
	return os.Getenv("NOVITA_ACC_LIVE") == "1" && os.Getenv(envAPIKey) != ""
}

// testEnv is one acceptance test's target: a fresh in-process emulator, or the live API.
type testEnv struct {
	// Emu is the emulator behind the test, for CheckDestroy and out-of-band changes.
	// It is nil in live runs; tests that need it call requireEmulator.
	Emu            *emulator.Emulator
	baseURL        string // the emulator's URL (async gateway under /v1); empty in live runs
	providerConfig string
}

// newTestEnv starts an emulator on a loopback port picked at run time, with instant endpoint
// lifecycle transitions and fast jobs unless tune changes the options.
func newTestEnv(t *testing.T, tune ...func(*emulator.Options)) *testEnv {
	t.Helper()
	if accLive() {
		return &testEnv{}
	}
	opts := emulator.Options{Speed: 100}
	for _, f := range tune {
		f(&opts)
	}
	emu, err := emulator.New(opts)
	if err != nil {
		t.Fatalf("starting emulator: %v", err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(func() {
		srv.Close()
		_ = emu.Close()
	})
	return &testEnv{
		Emu:     emu,
		baseURL: srv.URL,
		providerConfig: fmt.Sprintf(`provider "novita" {
  api_key        = %q
  base_url       = %q
  async_base_url = %q
}
`, emulator.DefaultAPIKey, srv.URL, srv.URL+"/v1"),
	}
}

// config prefixes a test configuration with the provider block for this environment.
func (e *testEnv) config(hcl string) string { return e.providerConfig + hcl }

// requireEmulator skips tests that reach behind the API (drift, fault injection) in live runs.
func (e *testEnv) requireEmulator(t *testing.T) {
	t.Helper()
	if e.Emu == nil {
		t.Skip("needs the emulator: changes objects behind the API's back")
	}
}

// testClock runs with real time plus an offset that a test can move forward, so the emulator
// keeps working during an apply while a test can still jump hours ahead.
type testClock struct{ offset atomic.Int64 }

func (c *testClock) Now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *testClock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

// withClock makes the emulator use clock.
func withClock(clock *testClock) func(*emulator.Options) {
	return func(o *emulator.Options) { o.Now = clock.Now }
}

// apiClient builds a client for the test's target, to arrange objects that the test does not
// manage through Terraform (endpoints, jobs submitted from outside).
func (e *testEnv) apiClient(t *testing.T) *client.Client {
	t.Helper()
	cfg := client.Config{
		APIKey: os.Getenv(envAPIKey), BaseURL: os.Getenv(envBaseURL), AsyncBaseURL: os.Getenv(envAsyncBaseURL),
		PollFloor: 50 * time.Millisecond, PollCeiling: time.Second,
	}
	if e.baseURL != "" {
		cfg.APIKey, cfg.BaseURL, cfg.AsyncBaseURL = emulator.DefaultAPIKey, e.baseURL, e.baseURL+"/v1"
	}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatalf("client.New: %v", err)
	}
	return c
}

// storageClusters picks, from the account's clusters, two that support network storage and
// one that does not (empty if none).
func (e *testEnv) storageClusters(t *testing.T) (a, b, unsupported string) {
	t.Helper()
	clusters, err := e.apiClient(t).ListClusters(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var ok []string
	for _, c := range clusters {
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

// Images with a behaviour in the emulator's job gateway.
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
	cluster                string // default: the API picks
	storageID              string // a cloud storage to mount at /data, if set
	credentialID           string // a registry credential to pull with, if set
}

// spec is the API request creating the endpoint.
func (te testEndpoint) spec() client.EndpointSpec {
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
		Name: "acc-arranged",
		Type: "async",
		WorkerConfig: client.WorkerConfig{
			MinNum: client.Int(te.minWorkers), MaxNum: client.Int(te.maxWorkers), FreeTimeout: client.Int(te.idleTimeout),
			MaxConcurrent: 1, GPUNum: 1, RequestTimeout: 3600,
		},
		Ports:        []client.Port{{Port: 8188}},
		Policy:       client.Policy{Type: "concurrency", Value: 1},
		Image:        client.Image{Image: te.image, AuthID: te.credentialID},
		Products:     []client.ProductRef{{ID: "SL-serverless-1"}},
		ClusterID:    te.cluster,
		VolumeMounts: []client.VolumeMount{},
		Envs:         envs,
	}
	if te.storageID != "" {
		spec.VolumeMounts = append(spec.VolumeMounts, client.VolumeMount{Type: "network", ID: te.storageID, MountPath: "/data"})
	}
	return spec
}

// createTestEndpoint creates a serving async endpoint through the client, deletes it when the
// test ends, and returns its job name.
func (e *testEnv) createTestEndpoint(t *testing.T, te testEndpoint) string {
	t.Helper()
	ctx := context.Background()
	c := e.apiClient(t)
	id, err := c.CreateEndpoint(ctx, te.spec())
	if err != nil {
		t.Fatalf("creating endpoint: %v", err)
	}
	t.Cleanup(func() { _ = c.DeleteEndpoint(context.Background(), id) })
	ep, err := c.WaitForEndpointServing(ctx, id)
	if err != nil {
		t.Fatalf("waiting for endpoint %s: %v", id, err)
	}
	return client.JobName(ep.ID, ep.AppName)
}

// captureID stores a resource's id into *id when the step's checks run.
func captureID(addr string, id *string) resource.TestCheckFunc {
	return resource.TestCheckResourceAttrWith(addr, "id", func(v string) error { *id = v; return nil })
}

// checkDestroyed is a CheckDestroy: no resource of type typ in the final state is left in the
// emulator, as exists tells. Live runs check nothing.
func checkDestroyed(env *testEnv, typ string, exists func(emu *emulator.Emulator, id string) bool) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		if env.Emu == nil {
			return nil
		}
		for _, rs := range s.RootModule().Resources {
			if rs.Type == typ && exists(env.Emu, rs.Primary.ID) {
				return fmt.Errorf("%s %s still exists", typ, rs.Primary.ID)
			}
		}
		return nil
	}
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
