// Package provider implements the Novita Terraform provider on terraform-plugin-framework.
package provider

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

var (
	_ provider.Provider                  = &novitaProvider{}
	_ provider.ProviderWithListResources = &novitaProvider{}
	_ provider.ProviderWithActions       = &novitaProvider{}
)

// Environment variables the provider reads when an argument is not set.
const (
	envAPIKey       = "NOVITA_API_KEY"
	envBaseURL      = "NOVITA_BASE_URL"
	envAsyncBaseURL = "NOVITA_ASYNC_BASE_URL"
)

type novitaProvider struct {
	version string
}

type providerModel struct {
	APIKey         types.String `tfsdk:"api_key"`
	BaseURL        types.String `tfsdk:"base_url"`
	AsyncBaseURL   types.String `tfsdk:"async_base_url"`
	MaxRetries     types.Int64  `tfsdk:"max_retries"`
	RequestTimeout types.String `tfsdk:"request_timeout"`
}

// providerData is what resources and data sources receive from Configure.
type providerData struct {
	client       *client.Client
	catalogCache catalogCache
	// baseURL and its source ("base_url", "NOVITA_BASE_URL" or "the default") for messages about
	// an API that refuses the key or cannot be reached.
	baseURL, baseURLSource string
	// prewarmReplacements: novita_image_prewarm tasks the current plan replaces (image_prewarm_plan.go).
	prewarmReplacements prewarmReplacements
}

// New returns a constructor for the provider at the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &novitaProvider{version: version} }
}

func (p *novitaProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "novita"
	resp.Version = p.version
}

func (p *novitaProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages Novita AI serverless GPU endpoints, their cloud storage and registry credentials, and submits jobs to async endpoints.",
		Attributes: map[string]schema.Attribute{
			"api_key": schema.StringAttribute{
				MarkdownDescription: "Novita API key (`sk_...`). Defaults to the `" + envAPIKey + "` environment variable.",
				Optional:            true,
				Sensitive:           true,
			},
			"base_url": schema.StringAttribute{
				MarkdownDescription: "Management API base URL. Defaults to `" + envBaseURL + "`, else `" + client.DefaultBaseURL + "`. Plain `http://` is accepted only for loopback hosts (the local emulator).",
				Optional:            true,
			},
			"async_base_url": schema.StringAttribute{
				MarkdownDescription: "Async job gateway base URL. Defaults to `" + envAsyncBaseURL + "`, else `" + client.DefaultAsyncBaseURL + "`. Plain `http://` is accepted only for loopback hosts.",
				Optional:            true,
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: "How many times a request is retried after HTTP 429, 5xx or a transport error, with capped exponential backoff and jitter, honouring `Retry-After` (a 429 pauses every request of the same API key in this Terraform run). Default `8`; `0` disables retries. Whatever the number, a Novita that refuses connections or does not resolve for 30 s fails the run, naming the URL.",
				Optional:            true,
				Validators:          []validator.Int64{int64validator.Between(0, 50)},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: "Timeout of one HTTP request, as a Go duration (`30s`, `2m`). Default `60s`.",
				Optional:            true,
			},
		},
	}
}

func (p *novitaProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	for _, a := range []struct {
		name string
		val  interface{ IsUnknown() bool }
		env  string
	}{
		{"api_key", cfg.APIKey, envAPIKey},
		{"base_url", cfg.BaseURL, envBaseURL},
		{"async_base_url", cfg.AsyncBaseURL, envAsyncBaseURL},
		{"max_retries", cfg.MaxRetries, ""},
		{"request_timeout", cfg.RequestTimeout, ""},
	} {
		if a.val.IsUnknown() {
			detail := "The provider cannot create the Novita client while " + a.name + " is unknown. Set it to a value known at plan time"
			if a.env != "" {
				detail += ", or remove it and use the " + a.env + " environment variable"
			}
			resp.Diagnostics.AddAttributeError(path.Root(a.name), "Unknown Novita "+a.name, detail+".")
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	apiKey := stringOrEnv(cfg.APIKey, envAPIKey)
	if apiKey == "" {
		resp.Diagnostics.AddAttributeError(path.Root("api_key"), "Missing Novita API key",
			"Set api_key in the provider block or the "+envAPIKey+" environment variable to a Novita API key (sk_...).")
	}
	timeout := client.DefaultRequestTimeout
	if s := cfg.RequestTimeout.ValueString(); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			resp.Diagnostics.AddAttributeError(path.Root("request_timeout"), "Invalid request_timeout",
				fmt.Sprintf("request_timeout must be a positive Go duration such as \"30s\" or \"2m\", got %q.", s))
		}
		timeout = d
	}
	maxRetries := client.DefaultMaxRetries
	if !cfg.MaxRetries.IsNull() {
		maxRetries = int(cfg.MaxRetries.ValueInt64())
		if maxRetries == 0 {
			maxRetries = -1 // the client treats 0 as "default"; the user asked for none
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	data := &providerData{}
	data.baseURL, data.baseURLSource = urlSource(cfg.BaseURL, "base_url", envBaseURL, client.DefaultBaseURL)
	asyncURL, asyncSource := urlSource(cfg.AsyncBaseURL, "async_base_url", envAsyncBaseURL, client.DefaultAsyncBaseURL)
	c, err := client.New(client.Config{
		APIKey:             apiKey,
		BaseURL:            data.baseURL,
		AsyncBaseURL:       asyncURL,
		BaseURLSource:      data.baseURLSource,
		AsyncBaseURLSource: asyncSource,
		MaxRetries:         maxRetries,
		RequestTimeout:     timeout,
		UserAgent:          fmt.Sprintf("terraform-provider-novita/%s (+https://registry.terraform.io/providers/novitalabs/novita) Terraform/%s", p.version, req.TerraformVersion),
		Logf:               logHTTP,
	})
	if err != nil {
		resp.Diagnostics.AddError("Unable to Configure the Novita Client", err.Error())
		return
	}
	data.client = c
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.ListResourceData = data
	resp.ActionData = data
}

// logHTTP writes the client's per-request lines through tflog (the client never passes secrets).
func logHTTP(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(ctx, "novita http: "+msg, fields)
}

// urlSource returns a URL setting (the attribute, else the environment variable, else def) and
// what set it, for errors about an API that refuses the key or cannot be reached.
func urlSource(v types.String, attr, env, def string) (string, string) {
	switch {
	case v.ValueString() != "":
		return v.ValueString(), attr + " in the provider block"
	case os.Getenv(env) != "":
		return os.Getenv(env), "the " + env + " environment variable"
	}
	return def, "the default"
}

// stringOrEnv returns the configured value, else the environment variable.
func stringOrEnv(v types.String, env string) string {
	if s := v.ValueString(); s != "" {
		return s
	}
	return os.Getenv(env)
}

func (p *novitaProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewEndpointResource,
		NewCloudStorageResource,
		NewRegistryCredentialResource,
		NewJobResource,
		NewImagePrewarmResource,
	}
}

// ListResources are for `terraform query` (Terraform 1.14+).
func (p *novitaProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		NewEndpointListResource,
		NewCloudStorageListResource,
		NewRegistryCredentialListResource,
	}
}

// Actions are for action_trigger and `terraform apply -invoke` (Terraform 1.14+).
func (p *novitaProvider) Actions(_ context.Context) []func() action.Action {
	return []func() action.Action{
		NewEndpointInvokeAction,
	}
}

func (p *novitaProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewEndpointDataSource,
		NewCloudStorageDataSource,
		NewRegistryCredentialDataSource,
		NewJobDataSource,
		NewEndpointHealthDataSource,
		NewGPUProductsDataSource,
		NewClustersDataSource,
		NewEndpointLimitsDataSource,
		NewImagePrewarmQuotaDataSource,
	}
}

// configuredData extracts providerData in a resource's or data source's Configure. It returns nil
// (and no error) before the provider is configured, which happens during validation.
func configuredData(raw any, add func(summary, detail string)) *providerData {
	if raw == nil {
		return nil
	}
	d, ok := raw.(*providerData)
	if !ok {
		add("Unexpected Provider Data", fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", raw))
		return nil
	}
	return d
}

// requireClient reports whether the provider was configured; every resource calls it before
// using the API (Terraform configures the provider first, so false is a provider bug).
func requireClient(data *providerData, diags *diag.Diagnostics) bool {
	if data == nil || data.client == nil {
		diags.AddError("Provider Not Configured", "The novita provider was not configured before this resource was used. This is a bug in the provider; please report it.")
		return false
	}
	return true
}
