// Command noop is a Terraform provider that does nothing: one resource, noop_object, with one
// name attribute, kept in state without any API. make bench measures the Novita provider against it,
// so that the cost of the plugin protocol and the framework is measured, not just Terraform's.
// It is served like the real provider: same framework, same protocol, same SDK logging rule.
package main

import (
	"context"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func main() {
	quietSDKLogs()
	err := providerserver.Serve(context.Background(), func() provider.Provider { return noopProvider{} }, providerserver.ServeOpts{
		Address: "registry.terraform.io/novitalabs/noop",
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}

// quietSDKLogs applies the Novita provider's rule (see the repository's logging.go), so that the
// comparison is fair: without any TF_LOG* variable, the SDK's loggers are off.
func quietSDKLogs() {
	for _, name := range []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_PROVIDER_NOOP", "TF_LOG_SDK", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_SDK_PROTO"} {
		if os.Getenv(name) != "" {
			return
		}
	}
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"} {
		_ = os.Setenv(name, "off")
	}
}

type noopProvider struct{}

func (noopProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "noop"
}

func (noopProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (noopProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (noopProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return object{} }}
}

func (noopProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

// object is noop_object: its name is kept in state and nothing else happens.
type object struct{}

type objectModel struct {
	Name types.String `tfsdk:"name"`
}

func (object) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_object"
}

func (object) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{Required: true},
		},
	}
}

func (object) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m objectModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

// Read keeps the state as it is (the framework has copied it into resp.State already).
func (object) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (object) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m objectModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func (object) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
