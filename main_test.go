package main

import (
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
)

// envServeProvider makes the test binary serve the provider (main) instead of running tests, so
// that Terraform can start it as a plugin. Its value is a serveMode.
const envServeProvider = "NOVITA_TEST_SERVE_PROVIDER"

const (
	serveInherited = "inherited" // with the environment Terraform passes on
	serveNoLogVars = "no-log-vars"
)

func TestMain(m *testing.M) {
	switch os.Getenv(envServeProvider) {
	case serveNoLogVars:
		for _, name := range logVariables {
			_ = os.Unsetenv(name)
		}
		main()
		os.Exit(0)
	case serveInherited:
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestQuietSDKLogs_noLogVariableTurnsTheSDKLoggersOff(t *testing.T) {
	set := map[string]string{}
	quieted, err := quietSDKLogs(func(string) string { return "" }, func(k, v string) error { set[k] = v; return nil })
	if err != nil || !quieted {
		t.Fatalf("quietSDKLogs() = %v, %v; want true, nil", quieted, err)
	}
	want := map[string]string{"TF_LOG_SDK": "off", "TF_LOG_SDK_PROTO": "off", "TF_LOG_SDK_FRAMEWORK": "off"}
	if len(set) != len(want) {
		t.Fatalf("set %v, want %v", set, want)
	}
	for k, v := range want {
		if set[k] != v {
			t.Errorf("%s = %q, want %q", k, set[k], v)
		}
	}
}

func TestQuietSDKLogs_anyLogVariableChangesNothing(t *testing.T) {
	for _, name := range logVariables {
		t.Run(name, func(t *testing.T) {
			getenv := func(k string) string {
				if k == name {
					return "debug"
				}
				return ""
			}
			quieted, err := quietSDKLogs(getenv, func(k, v string) error {
				t.Errorf("set %s=%s although %s is set", k, v, name)
				return nil
			})
			if err != nil || quieted {
				t.Fatalf("quietSDKLogs() = %v, %v; want false, nil", quieted, err)
			}
		})
	}
}

// TestProviderProcess_noLogVariables_sendsOnlyItsOwnLogLines runs the provider binary under
// Terraform, Terraform logging at TRACE everything the provider writes. The provider itself is
// started without any log variable: it must write its own lines but none of the SDK's.
func TestProviderProcess_noLogVariables_sendsOnlyItsOwnLogLines(t *testing.T) {
	log := applyWithProviderLog(t, serveNoLogVars, "trace")
	requireLine(t, log, "created cloud storage")
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, "@module=sdk.") {
			t.Fatalf("the SDK logged although no log was asked for:\n%s", line)
		}
	}
}

// TestProviderProcess_logVariableSet_logsAsBefore proves that with TF_LOG set the provider logs as
// the plugin libraries do by default: its own lines (at debug) and the SDK's.
func TestProviderProcess_logVariableSet_logsAsBefore(t *testing.T) {
	for _, tc := range []struct {
		level string
		want  []string
	}{
		{"debug", []string{"created cloud storage", "@module=sdk.framework"}},
		{"trace", []string{"created cloud storage", "@module=sdk.framework", "@module=sdk.proto"}},
	} {
		t.Run("TF_LOG="+tc.level, func(t *testing.T) {
			log := applyWithProviderLog(t, serveInherited, tc.level)
			for _, want := range tc.want {
				requireLine(t, log, want)
			}
		})
	}
}

func requireLine(t *testing.T, log, want string) {
	t.Helper()
	if !strings.Contains(log, want) {
		t.Fatalf("Terraform's log has no line with %q; it has %d lines", want, strings.Count(log, "\n"))
	}
}

// applyWithProviderLog applies one cloud storage against an in-process emulator, with this test
// binary as the provider (serving in mode) and Terraform logging at level; it returns the log.
func applyWithProviderLog(t *testing.T, mode, level string) string {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("runs Terraform: set TF_ACC=1")
	}
	terraform, err := exec.LookPath("terraform")
	if err != nil {
		t.Skip("terraform is not on PATH")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	emu, err := emulator.New(emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(func() { srv.Close(); _ = emu.Close() })

	dir := t.TempDir()
	plugins := filepath.Join(dir, "plugins")
	writeFile(t, filepath.Join(dir, "main.tf"), `
terraform {
  required_providers {
    novita = { source = "novitalabs/novita" }
  }
}

resource "novita_cloud_storage" "s" {
  name       = "log-test"
  size_gb    = 10
  cluster_id = "us-dallas-1"
}
`)
	writeFile(t, filepath.Join(dir, "dev.tfrc"), `provider_installation {
  dev_overrides { "novitalabs/novita" = "`+plugins+`" }
  direct {}
}
`)
	if err := os.Mkdir(plugins, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(self, filepath.Join(plugins, "terraform-provider-novita")); err != nil {
		t.Fatal(err)
	}

	logFile := filepath.Join(dir, "terraform.log")
	cmd := exec.Command(terraform, "apply", "-auto-approve", "-input=false", "-no-color")
	cmd.Dir = dir
	cmd.Env = append(withoutLogVariables(os.Environ()),
		"TF_CLI_CONFIG_FILE="+filepath.Join(dir, "dev.tfrc"), "CHECKPOINT_DISABLE=1",
		"TF_LOG="+level, "TF_LOG_PATH="+logFile, envServeProvider+"="+mode,
		"NOVITA_BASE_URL="+srv.URL, "NOVITA_ASYNC_BASE_URL="+srv.URL+"/v1", "NOVITA_API_KEY="+emulator.DefaultAPIKey)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("terraform apply: %v\n%s", err, out)
	}
	log, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	return string(log)
}

func withoutLogVariables(env []string) []string {
	return slices.DeleteFunc(env, func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		return strings.HasPrefix(name, "TF_LOG") || name == "TF_CLI_CONFIG_FILE"
	})
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
