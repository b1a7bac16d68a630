package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
)

// Canary secrets of TestAccSecretsNeverLogged: distinctive, so that any appearance is a leak.
const (
	canaryAPIKey      = "sk_canary_api_key_7f3a9c"
	canaryPassword    = "canary-registry-password-51d2"
	canaryPasswordWO  = "canary-registry-password-wo-88e1"
	canarySecretEnv   = "canary-secret-env-value-0b4c"
	canarySecretEnvWO = "canary-secret-env-wo-value-c9d7"
)

// secretsConfig uses every secret the provider handles: the API key, a registry password in
// state and a write-only one, secret and write-only secret variables of an endpoint, and a job.
func secretsConfig(env *testEnv, t *testing.T, endpoint bool) string {
	cluster, _, _ := env.storageClusters(t)
	// The environment's provider block, with the canary key instead of the emulator's default.
	hcl := strings.Replace(env.providerConfig, strconv.Quote(emulator.DefaultAPIKey), strconv.Quote(canaryAPIKey), 1)
	hcl += fmt.Sprintf(`
resource "novita_cloud_storage" "s" {
  name       = "secrets"
  size_gb    = 10
  cluster_id = %q
}

resource "novita_registry_credential" "plain" {
  name     = "secrets"
  username = "robot"
  password = %q
}

resource "novita_registry_credential" "wo" {
  name                = "secrets-wo"
  username            = "robot"
  password_wo         = %q
  password_wo_version = 1
}
`, cluster, canaryPassword, canaryPasswordWO)
	if endpoint {
		hcl += fmt.Sprintf(`
resource "novita_endpoint" "e" {
  product_id             = %q
  image                  = %q
  registry_credential_id = novita_registry_credential.plain.id
  min_workers            = 0
  max_workers            = 1
  idle_timeout           = 60
  max_concurrency        = 1
  scaling_policy         = { type = "concurrency", value = 1 }
  port                   = 8080
  env                    = { PLAIN = "visible" }
  secret_env             = { TOKEN = %q }
  secret_env_wo          = { WO_TOKEN = %q }
  secret_env_wo_version  = 1
}

resource "novita_job" "j" {
  endpoint_name = novita_endpoint.e.endpoint_name
  input         = jsonencode({ hello = "world" })
}
`, env.productID(t), echoWorkerImage, canarySecretEnv, canarySecretEnvWO)
	}
	return hcl
}

// TestAccSecretsNeverLogged greps everything a TF_LOG=trace apply and destroy write (terraform's
// output and its log, which carries the provider's) for the API key, registry passwords and
// secret variable values: none may appear. The apply runs under faults so that retries, error
// answers and reconciling lists are logged too.
func TestAccSecretsNeverLogged(t *testing.T) {
	testSecretsNeverLogged(t, true)
}

func testSecretsNeverLogged(t *testing.T, endpoint bool) {
	env := newTestEnv(t, func(o *emulator.Options) {
		o.Keys = map[string]string{canaryAPIKey: "default", emulator.DefaultAPIKey: "default"}
		o.ColdStart = -1
	})
	env.requireEmulator(t, "uses canary secrets and injects faults")
	tf := newTFCLI(t)
	tf.write("main.tf", secretsConfig(env, t, endpoint))
	logPath := filepath.Join(t.TempDir(), "trace.log")
	traceEnv := []string{"TF_LOG=trace", "TF_LOG_PATH=" + logPath}

	env.Emu.SetFaultPlan(emulator.FaultPlan{Seed: 5, Rules: []emulator.FaultRule{{Error: 0.15, RateLimit: 0.05, ActedThenFail: 0.1}}})
	var output strings.Builder
	for _, args := range [][]string{{"apply", "-auto-approve"}, {"destroy", "-auto-approve"}} {
		out, err := tf.run(traceEnv, args...)
		output.WriteString(out)
		if err != nil {
			t.Fatalf("terraform %v: %v\n%s", args, err, out)
		}
	}
	log, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(log), "novita http") {
		t.Fatal("the trace log holds no provider request lines: the test would prove nothing")
	}
	for name, secret := range map[string]string{
		"API key": canaryAPIKey, "registry password": canaryPassword, "write-only registry password": canaryPasswordWO,
		"secret variable": canarySecretEnv, "write-only secret variable": canarySecretEnvWO,
	} {
		if strings.Contains(output.String(), secret) {
			t.Errorf("terraform's output shows the %s", name)
		}
		if n := strings.Count(string(log), secret); n > 0 {
			t.Errorf("the trace log shows the %s %d times", name, n)
		}
	}
	t.Logf("checked %d bytes of trace log and %d bytes of output; faults: %s", len(log), output.Len(), env.Emu.FaultStats())
}
