package provider

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
)

// badInput is one invalid value of one argument: the resource gets args on top of its valid
// base arguments (an empty value removes the argument), and the plan must fail for it with a
// diagnostic containing every fragment (the attribute and the allowed values, in words).
type badInput struct {
	typ       string
	args      map[string]string // HCL expressions
	fragments []string
}

// badInputBase is a valid body of each resource type.
var badInputBase = map[string]map[string]string{
	"novita_endpoint": {
		"product_id": `"SL-serverless-1"`, "image": `"novitalabs/echo-worker:v1"`, "min_workers": "0", "max_workers": "1",
		"idle_timeout": "60", "scaling_policy": `{ type = "concurrency", value = 1 }`, "port": "8080",
	},
	"novita_cloud_storage":       {"name": `"data"`, "size_gb": "10", "cluster_id": `"us-dallas-1"`},
	"novita_registry_credential": {"name": `"hub"`, "username": `"robot"`, "password": `"pw"`},
	"novita_job":                 {"endpoint_name": `"ep-app"`, "input": `jsonencode({})`},
}

// validationCases fail Terraform's validation of the configuration (schema validators and
// ValidateConfig): no API is needed to find them.
var validationCases = []badInput{
	// novita_endpoint
	{"novita_endpoint", map[string]string{"name": `""`}, []string{"name", "between 1 and"}},
	{"novita_endpoint", map[string]string{"app_name": `"-app"`}, []string{"app_name", "letters, digits and hyphens"}},
	{"novita_endpoint", map[string]string{"app_name": `""`}, []string{"app_name", "between 1 and"}},
	{"novita_endpoint", map[string]string{"type": `"batch"`}, []string{"type", `"async"`, `"sync"`}},
	{"novita_endpoint", map[string]string{"product_id": `""`}, []string{"product_id", "between 1 and"}},
	{"novita_endpoint", map[string]string{"gpu_count": "0"}, []string{"gpu_count", "at least 1"}},
	{"novita_endpoint", map[string]string{"min_cuda_version": `""`}, []string{"min_cuda_version", "at least 1"}},
	{"novita_endpoint", map[string]string{"min_workers": "-1"}, []string{"min_workers", "at least 0"}},
	{"novita_endpoint", map[string]string{"max_workers": "-1"}, []string{"max_workers", "at least 0"}},
	{"novita_endpoint", map[string]string{"min_workers": "3", "max_workers": "2"}, []string{"max_workers", "Invalid Worker Range"}},
	{"novita_endpoint", map[string]string{"idle_timeout": "-5"}, []string{"idle_timeout", "at least 0"}},
	{"novita_endpoint", map[string]string{"max_concurrency": "0"}, []string{"max_concurrency", "at least 1"}},
	{"novita_endpoint", map[string]string{"request_timeout": "0"}, []string{"request_timeout", "at least 1"}},
	{"novita_endpoint", map[string]string{"scaling_policy": `{ type = "cpu", value = 1 }`}, []string{"scaling_policy.type", `"queue"`, `"concurrency"`}},
	{"novita_endpoint", map[string]string{"scaling_policy": `{ type = "queue", value = -1 }`}, []string{"scaling_policy.value", "at least 0"}},
	{"novita_endpoint", map[string]string{"image": `"https://docker.io/library/nginx"`}, []string{"image", "no scheme"}},
	{"novita_endpoint", map[string]string{"image": `"Novitalabs/Worker:v1"`}, []string{"image", "upper case in its repository path", "lower case"}},
	{"novita_endpoint", map[string]string{"image": `"novitalabs/my worker"`}, []string{"image", "no spaces"}},
	{"novita_endpoint", map[string]string{"registry_credential_id": `""`}, []string{"registry_credential_id", "at least 1"}},
	{"novita_endpoint", map[string]string{"command": `""`}, []string{"command", "between 1 and"}},
	{"novita_endpoint", map[string]string{"entrypoint": `""`}, []string{"entrypoint", "between 1 and"}},
	{"novita_endpoint", map[string]string{"port": "0"}, []string{"port", "between 1 and 65535"}},
	{"novita_endpoint", map[string]string{"port": "2222"}, []string{"port", "none of", "2222"}},
	{"novita_endpoint", map[string]string{"health_check_path": `"healthz"`}, []string{"health_check_path", "must start with /"}},
	{"novita_endpoint", map[string]string{"health_check_path": `"/h"`, "health_check_port": "70000"}, []string{"health_check_port", "between 1 and 65535"}},
	{"novita_endpoint", map[string]string{"health_check_port": "9000"}, []string{"health_check_port", "health_check_path"}},
	{"novita_endpoint", map[string]string{"system_disk_gb": "0"}, []string{"system_disk_gb", "at least 1"}},
	{"novita_endpoint", map[string]string{"cluster_id": `""`}, []string{"cluster_id", "at least 1"}},
	{"novita_endpoint", map[string]string{"env": `{ "1ST" = "x" }`}, []string{"env", "letters, digits and underscores"}},
	{"novita_endpoint", map[string]string{"secret_env": `{ "A-B" = "x" }`}, []string{"secret_env", "letters, digits and underscores"}},
	{"novita_endpoint", map[string]string{"secret_env_wo": `{ "A B" = "x" }`, "secret_env_wo_version": "1"}, []string{"secret_env_wo", "letters, digits and underscores"}},
	{"novita_endpoint", map[string]string{"env": `{ K = "a" }`, "secret_env": `{ K = "b" }`}, []string{"Duplicate Environment Variable", "K"}},
	{"novita_endpoint", map[string]string{"secret_env_wo_version": "1"}, []string{"secret_env_wo_version", "secret_env_wo"}},
	{"novita_endpoint", map[string]string{"volume_mounts": `[{ type = "nfs", mount_path = "/data", size_gb = 10 }]`}, []string{"volume_mounts[0].type", `"network"`, `"local"`}},
	{"novita_endpoint", map[string]string{"volume_mounts": `[{ type = "local", mount_path = "/data", size_gb = 0 }]`}, []string{"volume_mounts[0].size_gb", "at least 1"}},
	{"novita_endpoint", map[string]string{"volume_mounts": `[{ type = "local", mount_path = "data", size_gb = 10 }]`}, []string{"volume_mounts[0].mount_path", "absolute path"}},
	{"novita_endpoint", map[string]string{"volume_mounts": `[{ type = "local", mount_path = "/data" }]`}, []string{"Missing Volume Size", "size_gb"}},
	{"novita_endpoint", map[string]string{"cluster_id": `"us-dallas-1"`, "volume_mounts": `[{ type = "network", mount_path = "/data" }]`}, []string{"Missing Cloud Storage", "cloud_storage_id"}},
	{"novita_endpoint", map[string]string{"volume_mounts": `[{ type = "network", cloud_storage_id = "s1", mount_path = "/data" }]`}, []string{"Missing Cluster for Network Volume", "cluster_id"}},
	{"novita_endpoint", map[string]string{"volume_mounts": `[{ type = "local", mount_path = "/d", size_gb = 10 }, { type = "local", mount_path = "/d", size_gb = 10 }]`}, []string{"Duplicate Mount Path", "/d"}},
	{"novita_endpoint", map[string]string{"timeouts": `{ create = "soon" }`}, []string{"timeouts.create", "Go duration", `"30m"`}},
	// novita_cloud_storage
	{"novita_cloud_storage", map[string]string{"name": `"my data"`}, []string{"name", "letters, digits and hyphens"}},
	{"novita_cloud_storage", map[string]string{"size_gb": "5"}, []string{"size_gb", "at least 10"}},
	{"novita_cloud_storage", map[string]string{"cluster_id": `""`}, []string{"cluster_id", "at least 1"}},
	{"novita_cloud_storage", map[string]string{"timeouts": `{ delete = "later" }`}, []string{"timeouts.delete", "Go duration", `"30m"`}},
	// novita_registry_credential
	{"novita_registry_credential", map[string]string{"name": `""`}, []string{"name", "between 1 and 255"}},
	{"novita_registry_credential", map[string]string{"name": fmt.Sprintf("%q", strings.Repeat("n", 256))}, []string{"name", "between 1 and 255"}},
	{"novita_registry_credential", map[string]string{"username": `""`}, []string{"username", "between 1 and 511"}},
	{"novita_registry_credential", map[string]string{"password": `""`}, []string{"password", "between 1 and 1024"}},
	{"novita_registry_credential", map[string]string{"password_wo": `"pw2"`}, []string{"password_wo", "only one of password"}},
	{"novita_registry_credential", map[string]string{"password": ""}, []string{"Missing Registry Password", "exactly one of password", "password_wo"}},
	{"novita_registry_credential", map[string]string{"password_wo_version": "2"}, []string{"password_wo_version", "password_wo"}},
	{"novita_registry_credential", map[string]string{"timeouts": `{ delete = "later" }`}, []string{"timeouts.delete", "Go duration", `"30m"`}},
	// novita_job
	{"novita_job", map[string]string{"endpoint_name": `""`}, []string{"endpoint_name", "at least 1"}},
	{"novita_job", map[string]string{"input": `"{not json"`}, []string{"input", "JSON"}},
	{"novita_job", map[string]string{"input": `jsonencode({ blob = format("%04194304d", 0) })`}, []string{"input", "at most 4194304 bytes"}},
	{"novita_job", map[string]string{"expected_status": `"DONE"`}, []string{"expected_status", `"COMPLETED"`, `"FAILED"`, `"CANCELLED"`, `"TIMED_OUT"`}},
	{"novita_job", map[string]string{"timeouts": `{ create = "later" }`}, []string{"timeouts.create", "Go duration", `"30m"`}},
}

// planCases pass validation and fail the plan's checks against the account (ModifyPlan).
var planCases = []badInput{
	{"novita_endpoint", map[string]string{"product_id": `"SL-nope"`}, []string{"product_id", "Unknown GPU Product", "use one of", "SL-serverless-1"}},
	{"novita_endpoint", map[string]string{"max_workers": "1000"}, []string{"max_workers must be between 0 and 100", "minWorkerNum-maxWorkerNum"}},
	{"novita_endpoint", map[string]string{"idle_timeout": "99999"}, []string{"idle_timeout must be between 1 and 3600"}},
	{"novita_endpoint", map[string]string{"max_concurrency": "1000"}, []string{"max_concurrency must be between 1 and 100"}},
	{"novita_endpoint", map[string]string{"request_timeout": "99999"}, []string{"request_timeout must be between 1 and 3600"}},
	{"novita_endpoint", map[string]string{"gpu_count": "64"}, []string{"gpu_count must be between 1 and 8"}},
	{"novita_endpoint", map[string]string{"system_disk_gb": "100000"}, []string{"system_disk_gb must be between"}},
	{"novita_endpoint", map[string]string{"scaling_policy": `{ type = "queue", value = 99999 }`}, []string{"scaling_policy.value must be between 1 and 3600", "queue wait"}},
	{"novita_endpoint", map[string]string{"volume_mounts": `[{ type = "local", mount_path = "/d", size_gb = 99999 }]`}, []string{"volume_mounts[0].size_gb must be between 10 and 1000"}},
	{"novita_endpoint", map[string]string{"min_cuda_version": `"9.9"`}, []string{"min_cuda_version", "Unsupported CUDA Version", "use one of", "12.4"}},
	{"novita_endpoint", map[string]string{"cluster_id": `"mars-1"`}, []string{"cluster_id", "Unknown Cluster", "use one of", "us-dallas-1"}},
	{"novita_endpoint", map[string]string{"cluster_id": `"ap-singapore-1"`}, []string{"cluster_id", "not offered in cluster", "it is offered in", "us-dallas-1"}},
	{"novita_cloud_storage", map[string]string{"cluster_id": `"mars-1"`}, []string{"cluster_id", "Unknown Cluster", "mars-1", "Clusters that support network storage"}},
	{"novita_cloud_storage", map[string]string{"cluster_id": `"ap-singapore-1"`}, []string{"cluster_id", "does not support network storage", "Clusters that do", "us-dallas-1"}},
}

// hcl renders the resources of cases, named case_<n>, and returns each one's address.
func (bi badInput) hcl(name string) string {
	args := maps.Clone(badInputBase[bi.typ])
	for k, v := range bi.args {
		if v == "" {
			delete(args, k)
		} else {
			args[k] = v
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "resource %q %q {\n", bi.typ, name)
	for _, k := range slices.Sorted(maps.Keys(args)) {
		fmt.Fprintf(&b, "  %s = %s\n", k, args[k])
	}
	b.WriteString("}\n")
	return b.String()
}

// TestAccBadInput_everyArgumentFailsThePlanNamingItsAllowedValues applies one configuration
// holding every invalid value of every argument (and one holding every value the account
// refuses): each must fail with a diagnostic about its own resource that names the attribute and
// what is allowed, and nothing may be created. terraform reports every diagnostic of a run, so
// one run covers the whole table.
func TestAccBadInput_everyArgumentFailsThePlanNamingItsAllowedValues(t *testing.T) {
	env := newTestEnv(t)
	env.requireEmulator(t, "checks that nothing reached the API")
	for name, cases := range map[string][]badInput{"validation": validationCases, "plan": planCases} {
		t.Run(name, func(t *testing.T) {
			tf := newTFCLI(t)
			var config strings.Builder
			config.WriteString(env.providerConfig)
			for i, bi := range cases {
				config.WriteString(bi.hcl(fmt.Sprintf("case_%d", i)))
			}
			tf.write("main.tf", config.String())
			out, err := tf.run(nil, "apply", "-auto-approve")
			if err == nil {
				t.Fatalf("apply succeeded:\n%s", out)
			}
			blocks := diagnosticBlocks(out)
			for i, bi := range cases {
				addr := fmt.Sprintf("%s.case_%d", bi.typ, i)
				if !slices.ContainsFunc(blocks, func(b string) bool { return matchesAll(b, "with "+addr+",", bi.fragments) }) {
					t.Errorf("%s (%v): no error naming %q", addr, bi.args, bi.fragments)
				}
			}
			if t.Failed() {
				t.Logf("terraform's output:\n%s", out)
			}
		})
	}
	if n := env.Emu.Counts(); n != (emulator.Counts{}) {
		t.Errorf("the failed applies created %+v", n)
	}
}

// diagnosticBlocks splits terraform's output into its diagnostics, with line wrapping undone.
func diagnosticBlocks(out string) []string {
	var blocks []string
	for _, b := range regexp.MustCompile(`(?m)^(Error|Warning): `).Split(out, -1)[1:] {
		blocks = append(blocks, strings.Join(strings.Fields(b), " "))
	}
	return blocks
}

// matchesAll reports whether block contains every fragment (white space normalised).
func matchesAll(block, first string, rest []string) bool {
	for _, f := range append([]string{first}, rest...) {
		if !strings.Contains(block, strings.Join(strings.Fields(f), " ")) {
			return false
		}
	}
	return true
}
