package provider

import (
	"fmt"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

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
