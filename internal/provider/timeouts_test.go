package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// TestTimeoutsDescriptions: every resource documents its timeouts attribute and each of its
// operations with the default, so the generated docs show them.
func TestTimeoutsDescriptions(t *testing.T) {
	ctx := context.Background()
	want := map[string]map[string]time.Duration{
		"novita_endpoint":            {"create": defaultEndpointCreateTimeout, "update": defaultEndpointUpdateTimeout, "delete": defaultEndpointDeleteTimeout},
		"novita_job":                 {"create": defaultJobCreateTimeout},
		"novita_cloud_storage":       {"delete": defaultCloudStorageDeleteTimeout},
		"novita_registry_credential": {"delete": defaultCredentialDeleteTimeout},
		"novita_image_prewarm":       {"create": defaultImagePrewarmCreateTimeout},
	}
	for _, newResource := range New("test")().Resources(ctx) {
		r := newResource()
		var meta fwresource.MetadataResponse
		r.Metadata(ctx, fwresource.MetadataRequest{ProviderTypeName: "novita"}, &meta)
		var resp fwresource.SchemaResponse
		r.Schema(ctx, fwresource.SchemaRequest{}, &resp)
		ops, ok := want[meta.TypeName]
		if !ok {
			t.Errorf("%s: no expected timeouts listed in this test", meta.TypeName)
			continue
		}
		attr, ok := resp.Schema.Attributes["timeouts"].(schema.SingleNestedAttribute)
		if !ok {
			t.Errorf("%s: timeouts is %T, want a single nested attribute", meta.TypeName, resp.Schema.Attributes["timeouts"])
			continue
		}
		if len(attr.Attributes) != len(ops) {
			t.Errorf("%s: timeouts has %d operations, want %d", meta.TypeName, len(attr.Attributes), len(ops))
		}
		for op, d := range ops {
			def := "`" + durationText(d) + "`"
			if !strings.Contains(attr.MarkdownDescription, def) {
				t.Errorf("%s: timeouts description %q does not give the %s default %s", meta.TypeName, attr.MarkdownDescription, op, def)
			}
			sub, ok := attr.Attributes[op]
			if !ok {
				t.Errorf("%s: timeouts.%s missing", meta.TypeName, op)
				continue
			}
			if got := sub.GetDescription(); !strings.Contains(got, "Default "+def) {
				t.Errorf("%s: timeouts.%s description %q does not say Default %s", meta.TypeName, op, got, def)
			}
		}
	}
}

func TestDurationText(t *testing.T) {
	for d, want := range map[time.Duration]string{30 * time.Minute: "30m", 2 * time.Hour: "2h", 45 * time.Second: "45s", 90 * time.Second: "1m30s"} {
		if got := durationText(d); got != want {
			t.Errorf("durationText(%s) = %q, want %q", d, got, want)
		}
	}
}
