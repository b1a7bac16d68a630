package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/list"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

func TestListResourceSchemasAreValid(t *testing.T) {
	ctx := t.Context()
	for _, newList := range (&novitaProvider{}).ListResources(ctx) {
		lr := newList()
		var meta fwresource.MetadataResponse
		lr.Metadata(ctx, fwresource.MetadataRequest{ProviderTypeName: "novita"}, &meta)
		var resp list.ListResourceSchemaResponse
		lr.ListResourceConfigSchema(ctx, list.ListResourceSchemaRequest{}, &resp)
		if resp.Diagnostics.HasError() {
			t.Fatalf("%s: %v", meta.TypeName, resp.Diagnostics)
		}
		if diags := resp.Schema.ValidateImplementation(ctx); diags.HasError() {
			t.Errorf("%s: %v", meta.TypeName, diags)
		}
	}
}

func TestMatchesText(t *testing.T) {
	for _, tc := range []struct {
		filter types.String
		texts  []string
		want   bool
	}{
		{types.StringNull(), []string{"anything"}, true},
		{types.StringValue(""), []string{"anything"}, true},
		{types.StringValue("flux"), []string{"my-flux-dev", "app"}, true},
		{types.StringValue("flux"), []string{"name", "flux-app"}, true}, // the app name matches
		{types.StringValue("Flux"), []string{"my-flux-dev"}, false},     // case-sensitive, as the API's storage filter
		{types.StringValue("flux"), []string{"sdxl", "sdxl-app"}, false},
	} {
		if got := matchesText(tc.filter, tc.texts...); got != tc.want {
			t.Errorf("matchesText(%s, %q) = %v, want %v", tc.filter, tc.texts, got, tc.want)
		}
	}
}

// A query over hundreds of storages and credentials made outside Terraform (as in the console):
// every page is read, filters and Terraform's limit apply, and a full result carries what an
// import would read, never a password.
func TestAccListResources_queryHundreds(t *testing.T) {
	env := newTestEnv(t)
	env.requireEmulator(t, "creates hundreds of objects and counts every one of them")
	ctx := context.Background()
	clusterA, clusterB, _ := env.storageClusters(t)
	const storages, credentials = 250, 120
	var special client.CloudStorage
	for i := range storages {
		colour, cluster := "gray", clusterA
		if i%5 == 0 {
			colour = "blue"
		}
		if i%2 == 1 {
			cluster = clusterB
		}
		req := client.CreateCloudStorageRequest{ClusterID: cluster, Name: fmt.Sprintf("console-%s-%03d", colour, i), SizeGB: 10 + i}
		id, err := env.api.CreateCloudStorage(ctx, req)
		if err != nil {
			t.Fatalf("creating storage %d: %v", i, err)
		}
		if i == 42 {
			special = client.CloudStorage{ID: id, Name: req.Name, SizeGB: client.Int(req.SizeGB), ClusterID: cluster}
		}
	}
	for i := range credentials {
		req := client.CreateRegistryCredentialRequest{Name: fmt.Sprintf("console-cred-%03d", i), Username: "robot", Password: "console-secret-password"}
		if i == 7 {
			req.Name = "console-special"
		}
		if _, err := env.api.CreateRegistryCredential(ctx, req); err != nil {
			t.Fatalf("creating credential %d: %v", i, err)
		}
	}

	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   needsQuery,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: env.config("")},
			{
				Query: true,
				Config: fmt.Sprintf(`
list "novita_cloud_storage" "all" {
  provider = novita
  limit    = 1000
}
list "novita_cloud_storage" "default_limit" {
  provider = novita
}
list "novita_cloud_storage" "in_b" {
  provider = novita
  limit    = 1000
  config { cluster_id = %q }
}
list "novita_cloud_storage" "blue" {
  provider = novita
  limit    = 1000
  config { name_contains = "blue" }
}
list "novita_cloud_storage" "special" {
  provider         = novita
  include_resource = true
  config { name_contains = %q }
}
list "novita_registry_credential" "all" {
  provider = novita
  limit    = 1000
}
list "novita_registry_credential" "special" {
  provider         = novita
  include_resource = true
  config { name_contains = "special" }
}
`, clusterB, special.Name),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("novita_cloud_storage.all", storages),
					querycheck.ExpectLength("novita_cloud_storage.default_limit", 100), // Terraform's default limit
					querycheck.ExpectLength("novita_cloud_storage.in_b", storages/2),
					querycheck.ExpectLength("novita_cloud_storage.blue", storages/5),
					querycheck.ExpectLength("novita_cloud_storage.special", 1),
					querycheck.ExpectIdentity("novita_cloud_storage.special", map[string]knownvalue.Check{"id": knownvalue.StringExact(special.ID)}),
					querycheck.ExpectResourceKnownValues("novita_cloud_storage.special",
						queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"id": knownvalue.StringExact(special.ID)}),
						[]querycheck.KnownValueCheck{
							{Path: tfjsonpath.New("name"), KnownValue: knownvalue.StringExact(special.Name)},
							{Path: tfjsonpath.New("size_gb"), KnownValue: knownvalue.Int64Exact(int64(special.SizeGB))},
							{Path: tfjsonpath.New("cluster_id"), KnownValue: knownvalue.StringExact(special.ClusterID)},
							{Path: tfjsonpath.New("deletion_protection"), KnownValue: knownvalue.Bool(false)},
						}),
					querycheck.ExpectLength("novita_registry_credential.all", credentials),
					querycheck.ExpectResourceDisplayName("novita_registry_credential.special",
						queryfilter.ByDisplayName(knownvalue.StringRegexp(regexp.MustCompile(`^console-special`))),
						knownvalue.StringExact("console-special (user robot)")),
					querycheck.ExpectResourceKnownValues("novita_registry_credential.special",
						queryfilter.ByDisplayName(knownvalue.StringExact("console-special (user robot)")),
						[]querycheck.KnownValueCheck{
							{Path: tfjsonpath.New("username"), KnownValue: knownvalue.StringExact("robot")},
							{Path: tfjsonpath.New("password"), KnownValue: knownvalue.Null()},
							{Path: tfjsonpath.New("password_wo"), KnownValue: knownvalue.Null()},
						}),
				},
			},
		},
	})
}

// A query over more endpoints than one API page holds: the cursor is followed, filters and limit
// apply, and a full result is what an import reads: the type from a get, no variable values.
func TestAccListResources_queryEndpoints(t *testing.T) {
	env := newTestEnv(t)
	env.requireEmulator(t, "creates a hundred and fifty endpoints and counts every one of them")
	product := env.product(t)
	if len(product.RegionIDs) < 2 {
		t.Skipf("needs a product offered in two clusters, %s is in %v", product.ID, product.RegionIDs)
	}
	const endpoints, inSecond = 150, 30
	for i := range endpoints {
		te := testEndpoint{maxWorkers: 1, cluster: product.RegionIDs[0]}
		app := fmt.Sprintf("console-%03d", i)
		if i < inSecond {
			te.cluster = product.RegionIDs[1]
		}
		if i == 99 {
			app, te.env = "console-special", map[string]string{"MODE": "fast", "HF_TOKEN": "hf_never_in_results"}
		}
		spec := env.endpointSpec(t, te)
		spec.AppName, spec.Name = app, app
		env.createEndpoint(t, spec)
	}
	special := queryfilter.ByDisplayName(knownvalue.StringRegexp(regexp.MustCompile(`^console-special `)))

	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   needsQuery,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: env.config("")},
			{
				Query: true,
				Config: fmt.Sprintf(`
list "novita_endpoint" "all" {
  provider = novita
  limit    = 1000
}
list "novita_endpoint" "second_cluster" {
  provider = novita
  limit    = 1000
  config { cluster_id = %q }
}
list "novita_endpoint" "special" {
  provider         = novita
  include_resource = true
  config { name_contains = "special" }
}
`, product.RegionIDs[1]),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("novita_endpoint.all", endpoints),
					querycheck.ExpectLength("novita_endpoint.second_cluster", inSecond),
					querycheck.ExpectLength("novita_endpoint.special", 1),
					querycheck.ExpectResourceKnownValues("novita_endpoint.special", special, []querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("app_name"), KnownValue: knownvalue.StringExact("console-special")},
						{Path: tfjsonpath.New("type"), KnownValue: knownvalue.StringExact("async")},
						{Path: tfjsonpath.New("image"), KnownValue: knownvalue.StringExact(echoWorkerImage)},
						{Path: tfjsonpath.New("env"), KnownValue: knownvalue.Null()},
						{Path: tfjsonpath.New("secret_env"), KnownValue: knownvalue.Null()},
						{Path: tfjsonpath.New("env_keys"), KnownValue: knownvalue.ListExact([]knownvalue.Check{
							knownvalue.StringExact("HF_TOKEN"), knownvalue.StringExact("MODE"),
						})},
						{Path: tfjsonpath.New("deletion_protection"), KnownValue: knownvalue.Bool(false)},
						// Defaults to port: left out, so generated configuration validates.
						{Path: tfjsonpath.New("health_check_port"), KnownValue: knownvalue.Null()},
					}),
				},
			},
		},
	})
}

// runList calls a list resource's List the way the framework does, with the given filters (the
// other attributes null), and collects the results. It needs no Terraform CLI.
func runList(t *testing.T, env *testEnv, lr list.ListResource, res fwresource.Resource, filters map[string]string, include bool, limit int64) []list.ListResult {
	t.Helper()
	ctx := t.Context()
	var ls list.ListResourceSchemaResponse
	lr.ListResourceConfigSchema(ctx, list.ListResourceSchemaRequest{}, &ls)
	var rs fwresource.SchemaResponse
	res.Schema(ctx, fwresource.SchemaRequest{}, &rs)
	var is fwresource.IdentitySchemaResponse
	res.(fwresource.ResourceWithIdentity).IdentitySchema(ctx, fwresource.IdentitySchemaRequest{}, &is)

	values := map[string]tftypes.Value{}
	for name := range ls.Schema.Attributes {
		values[name] = tftypes.NewValue(tftypes.String, nil)
		if v, ok := filters[name]; ok {
			values[name] = tftypes.NewValue(tftypes.String, v)
		}
	}
	configType := ls.Schema.Type().TerraformType(ctx)
	lr.(list.ListResourceWithConfigure).Configure(ctx, fwresource.ConfigureRequest{ProviderData: &providerData{client: env.api}}, &fwresource.ConfigureResponse{})
	req := list.ListRequest{
		Config:                 tfsdk.Config{Raw: tftypes.NewValue(configType, values), Schema: ls.Schema},
		IncludeResource:        include,
		Limit:                  limit,
		ResourceSchema:         rs.Schema,
		ResourceIdentitySchema: is.IdentitySchema,
	}
	var stream list.ListResultsStream
	lr.List(ctx, req, &stream)
	var out []list.ListResult
	for r := range stream.Results {
		if r.Diagnostics.HasError() {
			t.Fatalf("list result: %v", r.Diagnostics)
		}
		out = append(out, r)
	}
	return out
}

// Without a Terraform CLI: a full credential result never carries the password the API returned,
// filters and the limit apply, and each result names the object by its identity.
func TestRegistryCredentialList_resultsWithoutPassword(t *testing.T) {
	env := newTestEnv(t)
	env.requireEmulator(t, "counts every credential of the account")
	ctx := t.Context()
	for i := range 5 {
		req := client.CreateRegistryCredentialRequest{Name: fmt.Sprintf("hub-%d", i), Username: "robot", Password: "list-secret-password"}
		if _, err := env.api.CreateRegistryCredential(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	results := runList(t, env, NewRegistryCredentialListResource(), NewRegistryCredentialResource(), nil, true, 0)
	if len(results) != 5 {
		t.Fatalf("%d results, want 5", len(results))
	}
	for _, r := range results {
		var m registryCredentialModel
		if d := r.Resource.Get(ctx, &m); d.HasError() {
			t.Fatal(d)
		}
		var ident idIdentityModel
		if d := r.Identity.Get(ctx, &ident); d.HasError() {
			t.Fatal(d)
		}
		if !m.Password.IsNull() || !m.PasswordWO.IsNull() || ident.ID != m.ID || r.DisplayName != m.Name.ValueString()+" (user robot)" {
			t.Errorf("result %q: model %+v, identity %v", r.DisplayName, m, ident)
		}
		if strings.Contains(r.Resource.Raw.String(), "list-secret-password") {
			t.Errorf("result %q carries the password", r.DisplayName)
		}
	}
	if got := runList(t, env, NewRegistryCredentialListResource(), NewRegistryCredentialResource(), map[string]string{"name_contains": "hub-3"}, false, 0); len(got) != 1 || got[0].DisplayName != "hub-3 (user robot)" {
		t.Errorf("name_contains hub-3: %+v", got)
	}
	if got := runList(t, env, NewRegistryCredentialListResource(), NewRegistryCredentialResource(), nil, false, 2); len(got) != 2 {
		t.Errorf("limit 2 gave %d results", len(got))
	}
}

func TestCloudStorageList_filtersAndFullResults(t *testing.T) {
	env := newTestEnv(t)
	env.requireEmulator(t, "counts every storage of the account")
	ctx := t.Context()
	a, b, _ := env.storageClusters(t)
	for i, cluster := range []string{a, a, b} {
		if _, err := env.api.CreateCloudStorage(ctx, client.CreateCloudStorageRequest{ClusterID: cluster, Name: fmt.Sprintf("vol-%d", i), SizeGB: 20 + i}); err != nil {
			t.Fatal(err)
		}
	}
	inB := runList(t, env, NewCloudStorageListResource(), NewCloudStorageResource(), map[string]string{"cluster_id": b}, true, 0)
	if len(inB) != 1 {
		t.Fatalf("cluster %s: %d results, want 1", b, len(inB))
	}
	var m cloudStorageModel
	if d := inB[0].Resource.Get(ctx, &m); d.HasError() {
		t.Fatal(d)
	}
	if m.Name.ValueString() != "vol-2" || m.SizeGB.ValueInt64() != 22 || m.ClusterID.ValueString() != b || !m.DeletionProtection.Equal(types.BoolValue(false)) || !m.Timeouts.IsNull() {
		t.Errorf("full result = %+v", m)
	}
	if got := runList(t, env, NewCloudStorageListResource(), NewCloudStorageResource(), map[string]string{"name_contains": "vol-1"}, false, 0); len(got) != 1 || !got[0].Resource.Raw.IsNull() {
		t.Errorf("name_contains vol-1 without include_resource: %+v", got)
	}
}
