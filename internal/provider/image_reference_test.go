package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestImageReferenceValidator(t *testing.T) {
	for _, tc := range []struct {
		value types.String
		want  string // "" for valid, else a fragment of the error
	}{
		{types.StringNull(), ""},
		{types.StringUnknown(), ""},
		{types.StringValue("novitalabs/comfyui-worker:v0.0.1"), ""},
		{types.StringValue("ubuntu"), ""},
		{types.StringValue("Registry.Example.com:5000/team/app:V1.2"), ""}, // host and tag may have upper case
		{types.StringValue("localhost/app@sha256:0123abcd"), ""},
		{types.StringValue("https://docker.io/library/ubuntu"), "scheme"},
		{types.StringValue("novitalabs/comfyui worker:1"), "white space"},
		{types.StringValue("NovitaLabs/worker:1"), "upper case"},
		{types.StringValue("registry.example.com/Team/app"), "upper case"},
		{types.StringValue("team//app"), "empty path"},
	} {
		var resp validator.StringResponse
		imageReferenceValidator{}.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("image"), ConfigValue: tc.value}, &resp)
		switch {
		case tc.want == "" && resp.Diagnostics.HasError():
			t.Errorf("%s: unexpected error %v", tc.value, resp.Diagnostics)
		case tc.want != "" && (!resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics[0].Detail(), tc.want) ||
			!strings.Contains(resp.Diagnostics[0].Detail(), "image ")):
			t.Errorf("%s: diagnostics %v, want an error on image mentioning %q", tc.value, resp.Diagnostics, tc.want)
		}
	}
}
