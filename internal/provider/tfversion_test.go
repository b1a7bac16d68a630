package provider

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// Features of newer CLIs: tests that need them skip, with the reason, on Terraform 1.11.4 and on
// OpenTofu (make test-tf115 runs them with Terraform 1.15.9).
var (
	needsIdentity = needsTerraform(tfversion.Version1_12_0, "resource identity")
	needsQuery    = needsTerraform(tfversion.Version1_14_0, "list resources and terraform query")
	needsActions  = needsTerraform(tfversion.Version1_14_0, "actions")
)

// needsTerraform skips a test below Terraform minimum and on OpenTofu, naming the feature.
func needsTerraform(minimum *version.Version, feature string) []tfversion.TerraformVersionCheck {
	return []tfversion.TerraformVersionCheck{tfversion.SkipBelow(minimum), skipOpenTofu{feature}}
}

// skipOpenTofu skips on OpenTofu, which has none of these features; make test-tofu sets
// TF_ACC_PROVIDER_HOST to its registry and TF_ACC_TERRAFORM_PATH to a tofu binary.
type skipOpenTofu struct{ feature string }

func (s skipOpenTofu) CheckTerraformVersion(_ context.Context, _ tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	if os.Getenv("TF_ACC_PROVIDER_HOST") == "registry.opentofu.org" ||
		strings.HasPrefix(filepath.Base(os.Getenv("TF_ACC_TERRAFORM_PATH")), "tofu") {
		resp.Skip = "OpenTofu does not support " + s.feature + ": run make test-tf115 (Terraform 1.15.9)"
	}
}
