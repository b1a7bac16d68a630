package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ list.ListResource              = &registryCredentialListResource{}
	_ list.ListResourceWithConfigure = &registryCredentialListResource{}
)

// NewRegistryCredentialListResource returns the novita_registry_credential list resource.
func NewRegistryCredentialListResource() list.ListResource {
	return &registryCredentialListResource{}
}

type registryCredentialListResource struct {
	data *providerData
}

type registryCredentialListModel struct {
	NameContains types.String `tfsdk:"name_contains"`
}

func (r *registryCredentialListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_registry_credential"
}

func (r *registryCredentialListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, resp.Diagnostics.AddError)
}

func (r *registryCredentialListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the account's registry credentials for `terraform query` (Terraform 1.14 or newer), with their identity (`id`). " +
			"The password is never part of a result (the API returns it, the provider drops it): generated configuration has " +
			"`password = null`, so set `password_wo` (or `password`) before planning; a matching password is then adopted without replacing the credential.",
		Attributes: map[string]schema.Attribute{
			"name_contains": nameContainsAttribute("name"),
		},
	}
}

func (r *registryCredentialListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg registryCredentialListModel
	if !listConfig(ctx, req, stream, r.data, &cfg) {
		return
	}
	creds, err := r.data.client.ListRegistryCredentials(ctx)
	if err != nil {
		stream.Results = listError("Unable to List Registry Credentials", err.Error())
		return
	}
	var items []listItem
	for _, c := range creds {
		if !matchesText(cfg.NameContains, c.Name) {
			continue
		}
		m := registryCredentialModel{
			ID:                types.StringValue(c.ID),
			Name:              types.StringValue(c.Name),
			Username:          types.StringValue(c.Username),
			Password:          types.StringNull(), // never from the API into Terraform
			PasswordWO:        types.StringNull(),
			PasswordWOVersion: types.Int64Null(),
		}
		items = append(items, listItem{
			id:      c.ID,
			display: fmt.Sprintf("%s (user %s)", c.Name, c.Username),
			read: func(ctx context.Context) (any, bool, diag.Diagnostics) {
				var diags diag.Diagnostics
				m.Timeouts, diags = nullTimeouts(ctx, req.ResourceSchema)
				return &m, true, diags
			},
		})
	}
	stream.Results = streamItems(ctx, req, items)
}
