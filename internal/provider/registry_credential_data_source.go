package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

var (
	_ datasource.DataSource                     = &registryCredentialDataSource{}
	_ datasource.DataSourceWithConfigure        = &registryCredentialDataSource{}
	_ datasource.DataSourceWithConfigValidators = &registryCredentialDataSource{}
)

// NewRegistryCredentialDataSource returns the novita_registry_credential data source.
func NewRegistryCredentialDataSource() datasource.DataSource { return &registryCredentialDataSource{} }

type registryCredentialDataSource struct {
	data *providerData
}

// registryCredentialDataModel is the novita_registry_credential data source. It has no
// password: the API returns it, but the data source never exposes it.
type registryCredentialDataModel struct {
	ID       types.String `tfsdk:"id"`
	Name     types.String `tfsdk:"name"`
	Username types.String `tfsdk:"username"`
}

// registryCredentialDataFromAPI maps a credential to the data source model, leaving out the password.
func registryCredentialDataFromAPI(c *client.RegistryCredential) registryCredentialDataModel {
	return registryCredentialDataModel{
		ID:       types.StringValue(c.ID),
		Name:     types.StringValue(c.Name),
		Username: types.StringValue(c.Username),
	}
}

func (d *registryCredentialDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_registry_credential"
}

func (d *registryCredentialDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up one container registry credential by `id` or by exact `name` (set exactly one), for example to give its id " +
			"to `novita_endpoint.registry_credential_id`. Names need not be unique: a name shared by several credentials is an error that lists " +
			"their ids. The password is never exposed.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The credential id to look up.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "The exact credential name to look up; it must match exactly one credential.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"username": schema.StringAttribute{
				MarkdownDescription: "The registry user name.",
				Computed:            true,
			},
		},
	}
}

func (d *registryCredentialDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name")),
	}
}

func (d *registryCredentialDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, resp.Diagnostics.AddError)
}

func (d *registryCredentialDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg registryCredentialDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	found := byIDOrName[client.RegistryCredential]{
		kind: "registry credential",
		get:  d.data.client.GetRegistryCredential,
		list: func(ctx context.Context, _ string) ([]client.RegistryCredential, error) {
			return d.data.client.ListRegistryCredentials(ctx) // the API has no name filter
		},
		nameOf:   func(c client.RegistryCredential) string { return c.Name },
		describe: func(c client.RegistryCredential) string { return fmt.Sprintf("%s (username %q)", c.ID, c.Username) },
	}.find(ctx, cfg.ID, cfg.Name, &resp.Diagnostics)
	if found == nil {
		return
	}
	m := registryCredentialDataFromAPI(found)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
