package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
)

// Tests that run the terraform binary themselves, against a build of this provider through
// dev_overrides, as a user does: they need what terraform-plugin-testing does not give (the
// whole output and log, -parallelism, -generate-config-out) and a provider in its own process.

// providerBuild is the provider binary built once per test run (removed by TestMain).
var providerBuild struct {
	once sync.Once
	dir  string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if providerBuild.dir != "" {
		_ = os.RemoveAll(providerBuild.dir)
	}
	os.Exit(code)
}

// providerDir builds the provider into a temporary directory (once) and returns the directory.
func providerDir(t *testing.T) string {
	t.Helper()
	providerBuild.once.Do(func() {
		dir, err := os.MkdirTemp("", "novita-provider-build-") //nolint:usetesting // shared by the run's tests; TestMain removes it
		if err != nil {
			providerBuild.err = err
			return
		}
		providerBuild.dir = dir
		root, _ := filepath.Abs("../..")
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-novita"), ".")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			providerBuild.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if providerBuild.err != nil {
		t.Fatalf("building the provider: %v", providerBuild.err)
	}
	return providerBuild.dir
}

// tfCLI is a working directory and the environment terraform runs in there.
type tfCLI struct {
	t   *testing.T
	bin string // terraform, or the binary of TF_ACC_TERRAFORM_PATH (the OpenTofu and 1.15 lanes)
	dir string
	env []string
}

// newTFCLI prepares a working directory whose terraform uses the freshly built provider. Like
// every acceptance test it needs TF_ACC, and runs the binary terraform-plugin-testing would:
// TF_ACC_TERRAFORM_PATH, else terraform on PATH.
func newTFCLI(t *testing.T) *tfCLI {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test does)")
	}
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("terraform"); err != nil {
			t.Skip("needs terraform on PATH")
		}
	}
	dir := t.TempDir()
	rc := filepath.Join(dir, "dev.tfrc")
	if err := os.WriteFile(rc, fmt.Appendf(nil, "provider_installation {\n  dev_overrides {\n    \"novitalabs/novita\" = %q\n  }\n  direct {}\n}\n", providerDir(t)), 0o600); err != nil {
		t.Fatal(err)
	}
	work := filepath.Join(dir, "work")
	if err := os.Mkdir(work, 0o700); err != nil {
		t.Fatal(err)
	}
	env := []string{"TF_CLI_CONFIG_FILE=" + rc, "TF_IN_AUTOMATION=1", "TF_INPUT=0", "CHECKPOINT_DISABLE=1"}
	for _, kv := range os.Environ() {
		switch k, _, _ := strings.Cut(kv, "="); k {
		case "PATH", "HOME", "TMPDIR":
			env = append(env, kv) // nothing else leaks in (no NOVITA_* or TF_* of the caller)
		}
	}
	c := &tfCLI{t: t, bin: bin, dir: work, env: env}
	c.write("terraform.tf", "terraform {\n  required_providers {\n    novita = { source = \"novitalabs/novita\" }\n  }\n}\n")
	return c
}

// write puts a file into the working directory.
func (c *tfCLI) write(name, content string) {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.dir, name), []byte(content), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// run runs terraform with args and extra environment, and returns its combined output.
func (c *tfCLI) run(extraEnv []string, args ...string) (string, error) {
	c.t.Helper()
	if len(args) > 0 { // every subcommand used here takes -no-color
		args = append([]string{args[0], "-no-color"}, args[1:]...)
	}
	cmd := exec.Command(c.bin, args...)
	cmd.Dir = c.dir
	cmd.Env = append(append([]string{}, c.env...), extraEnv...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// mustRun is run that fails the test when terraform fails.
func (c *tfCLI) mustRun(args ...string) string {
	c.t.Helper()
	out, err := c.run(nil, args...)
	if err != nil {
		c.t.Fatalf("terraform %v: %v\n%s", args, err, out)
	}
	return out
}

// stateIDs returns the ids in state of each resource type, sorted.
func (c *tfCLI) stateIDs() map[string][]string {
	c.t.Helper()
	var st tfjson.State
	if err := json.Unmarshal([]byte(c.mustRun("show", "-json")), &st); err != nil {
		c.t.Fatalf("terraform show -json: %v", err)
	}
	ids := map[string][]string{}
	if st.Values == nil || st.Values.RootModule == nil {
		return ids
	}
	for _, r := range st.Values.RootModule.Resources {
		if id, ok := r.AttributeValues["id"].(string); ok {
			ids[r.Type] = append(ids[r.Type], id)
		}
	}
	for _, list := range ids {
		sort.Strings(list)
	}
	return ids
}
