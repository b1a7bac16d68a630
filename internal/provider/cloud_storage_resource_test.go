package provider

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
)

func TestCloudStorageResource_schemaIsValid(t *testing.T) {
	ctx := t.Context()
	var resp fwresource.SchemaResponse
	NewCloudStorageResource().Schema(ctx, fwresource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("schema: %v", resp.Diagnostics)
	}
	if diags := resp.Schema.ValidateImplementation(ctx); diags.HasError() {
		t.Fatalf("schema implementation: %v", diags)
	}
}

func TestCloudStorageModel_setFromAPI(t *testing.T) {
	m := cloudStorageModel{CreatedAt: types.StringUnknown(), DeletionProtection: types.BoolValue(true)}
	m.setFromAPI(&client.CloudStorage{
		ID: "st-1", Name: "models", SizeGB: 20, ClusterID: "c1", ClusterName: "Cluster-1", Price: "0.70", CreatedAt: 1700000000,
	})
	want := cloudStorageModel{
		ID: types.StringValue("st-1"), Name: types.StringValue("models"), SizeGB: types.Int64Value(20),
		ClusterID: types.StringValue("c1"), ClusterName: types.StringValue("Cluster-1"), Price: types.StringValue("0.70"),
		CreatedAt: types.StringValue("2023-11-14T22:13:20Z"), DeletionProtection: types.BoolValue(true),
	}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("got %+v\nwant %+v", m, want)
	}

	// An API answer without createdAt keeps the known value and turns an unknown one into null.
	m.setFromAPI(&client.CloudStorage{ID: "st-1", Name: "models", SizeGB: 30})
	if m.CreatedAt.ValueString() != "2023-11-14T22:13:20Z" {
		t.Errorf("created_at lost on a read without it: %v", m.CreatedAt)
	}
	fresh := cloudStorageModel{CreatedAt: types.StringUnknown()}
	fresh.setFromAPI(&client.CloudStorage{ID: "st-2"})
	if !fresh.CreatedAt.IsNull() {
		t.Errorf("created_at = %v, want null when the API omits it", fresh.CreatedAt)
	}
}

func TestCloudStorageModel_requests(t *testing.T) {
	m := cloudStorageModel{
		ID: types.StringValue("st-1"), Name: types.StringValue("models"), SizeGB: types.Int64Value(40), ClusterID: types.StringValue("c1"),
	}
	if got, want := m.createRequest(), (client.CreateCloudStorageRequest{ClusterID: "c1", Name: "models", SizeGB: 40}); got != want {
		t.Errorf("createRequest = %+v, want %+v", got, want)
	}
	if got, want := m.updateRequest(), (client.UpdateCloudStorageRequest{ID: "st-1", Name: "models", SizeGB: 40}); got != want {
		t.Errorf("updateRequest = %+v, want %+v", got, want)
	}
}

func TestCloudStorageNamePattern(t *testing.T) {
	for name, ok := range map[string]bool{
		"models": true, "Model-Store-2": true, "a": true, "1-2-3": true,
		"": false, "with space": false, "under_score": false, "dot.ted": false, "ünï": false, "slash/x": false,
	} {
		if got := cloudStorageNamePattern.MatchString(name); got != ok {
			t.Errorf("%q: match = %v, want %v", name, got, ok)
		}
	}
}

func TestShrinkError(t *testing.T) {
	for _, tc := range []struct {
		name        string
		state, plan types.Int64
		refused     bool
	}{
		{"grow", types.Int64Value(10), types.Int64Value(20), false},
		{"same", types.Int64Value(20), types.Int64Value(20), false},
		{"shrink", types.Int64Value(20), types.Int64Value(10), true},
		{"unknown plan", types.Int64Value(20), types.Int64Unknown(), false},
		{"no state", types.Int64Null(), types.Int64Value(10), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := shrinkError(tc.state, tc.plan)
			if (msg != "") != tc.refused {
				t.Fatalf("shrinkError = %q, refused want %v", msg, tc.refused)
			}
			if tc.refused && !strings.Contains(msg, "would lose data and is not supported") {
				t.Errorf("message does not say why: %q", msg)
			}
		})
	}
}

func TestStorageClusterError(t *testing.T) {
	clusters := []client.Cluster{
		{ID: "a", Name: "A", SupportNetworkStorage: true},
		{ID: "b", Name: "B", SupportNetworkStorage: false},
		{ID: "c", Name: "C", SupportNetworkStorage: true},
	}
	if summary, detail := clusterNetworkStorageError(clusters, "c"); summary != "" || detail != "" {
		t.Errorf("supported cluster refused: %q %q", summary, detail)
	}
	summary, detail := clusterNetworkStorageError(clusters, "b")
	if summary != "Cluster Does Not Support Network Storage" || !strings.Contains(detail, `"b" does not support network storage`) || !strings.Contains(detail, "a (A), c (C)") {
		t.Errorf("unsupported cluster: %q %q", summary, detail)
	}
	summary, detail = clusterNetworkStorageError(clusters, "zz")
	if summary != "Unknown Cluster" || !strings.Contains(detail, `"zz" does not exist`) || !strings.Contains(detail, "a (A), c (C)") {
		t.Errorf("unknown cluster: %q %q", summary, detail)
	}
	if _, detail := clusterNetworkStorageError(nil, "a"); !strings.Contains(detail, "none") {
		t.Errorf("no clusters: %q", detail)
	}
}

// ---- acceptance tests ----

const storageAddr = "novita_cloud_storage.test"

func storageConfig(env *testEnv, name string, size int, cluster, extra string) string {
	return env.config(fmt.Sprintf(`
resource "novita_cloud_storage" "test" {
  name       = %q
  size_gb    = %d
  cluster_id = %q
  %s
}
`, name, size, cluster, extra))
}

func TestAccCloudStorageResource_lifecycle(t *testing.T) {
	env := newTestEnv(t)
	renamed, name := accName("acc-models-2"), accName("acc-models") // unique per run: runs may share an account
	clusterA, clusterB, _ := env.storageClusters(t)
	sameID := statecheck.CompareValue(compare.ValuesSame())
	newID := statecheck.CompareValue(compare.ValuesDiffer())
	var id string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkStoragesDestroyed(env),
		Steps: []resource.TestStep{
			{
				Config: storageConfig(env, name, 10, clusterA, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(storageAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(storageAddr, tfjsonpath.New("id")),
					newID.AddStateValue(storageAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(storageAddr, tfjsonpath.New("name"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(storageAddr, tfjsonpath.New("size_gb"), knownvalue.Int64Exact(10)),
					statecheck.ExpectKnownValue(storageAddr, tfjsonpath.New("cluster_id"), knownvalue.StringExact(clusterA)),
					statecheck.ExpectKnownValue(storageAddr, tfjsonpath.New("cluster_name"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(storageAddr, tfjsonpath.New("price"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(storageAddr, tfjsonpath.New("created_at"), knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT`))),
					statecheck.ExpectKnownValue(storageAddr, tfjsonpath.New("deletion_protection"), knownvalue.Bool(false)),
				},
				Check: captureID(storageAddr, &id),
			},
			{
				ResourceName:      storageAddr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// Rename and grow in place.
				Config: storageConfig(env, renamed, 25, clusterA, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(storageAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(storageAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(storageAddr, tfjsonpath.New("name"), knownvalue.StringExact(renamed)),
					statecheck.ExpectKnownValue(storageAddr, tfjsonpath.New("size_gb"), knownvalue.Int64Exact(25)),
				},
				Check: func(*terraform.State) error {
					st, err := env.api.GetCloudStorage(t.Context(), id)
					if err != nil || st.Name != renamed || st.SizeGB != 25 {
						return fmt.Errorf("the API has %+v (%v), want %s at 25 GB", st, err, renamed)
					}
					return nil
				},
			},
			{
				// Another cluster is another storage.
				Config: storageConfig(env, renamed, 25, clusterB, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(storageAddr, plancheck.ResourceActionReplace)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					newID.AddStateValue(storageAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(storageAddr, tfjsonpath.New("cluster_id"), knownvalue.StringExact(clusterB)),
				},
				Check: func(*terraform.State) error {
					if _, err := env.api.GetCloudStorage(t.Context(), id); !client.IsNotFound(err) {
						return fmt.Errorf("replaced storage %s: want not found, got %v", id, err)
					}
					return nil
				},
			},
		},
	})
}

// TestAccCloudStorageResource_drift deletes and renames the storage through the API behind
// Terraform's back.
func TestAccCloudStorageResource_drift(t *testing.T) {
	env := newTestEnv(t)
	name := accName("acc-drift") // unique per run: runs may share an account
	clusterA, _, _ := env.storageClusters(t)
	var id string
	cfg := storageConfig(env, name, 10, clusterA, "")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkStoragesDestroyed(env),
		Steps: []resource.TestStep{
			{Config: cfg, Check: captureID(storageAddr, &id)},
			{
				// Deleted behind Terraform's back: planned again as a new storage.
				PreConfig: func() {
					if err := env.api.DeleteCloudStorage(t.Context(), id); err != nil {
						t.Fatalf("deleting storage %s: %v", id, err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(storageAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttrWith(storageAddr, "id", func(v string) error {
						if v == id {
							return fmt.Errorf("id %s was not replaced by a new storage", v)
						}
						return nil
					}),
					captureID(storageAddr, &id),
				),
			},
			{
				// Renamed behind Terraform's back: planned as an in-place update back to the config.
				PreConfig: func() {
					if err := env.api.UpdateCloudStorage(t.Context(), client.UpdateCloudStorageRequest{ID: id, Name: "renamed-out-of-band", SizeGB: 10}); err != nil {
						t.Fatalf("renaming storage %s: %v", id, err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(storageAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					if st, err := env.api.GetCloudStorage(t.Context(), id); err != nil || st.Name != name {
						return fmt.Errorf("the API has %+v (%v), want the name restored to %s", st, err, name)
					}
					return nil
				},
			},
		},
	})
}

func TestAccCloudStorageResource_planErrors(t *testing.T) {
	env := newTestEnv(t)
	clusterA, _, unsupported := env.storageClusters(t)
	steps := []resource.TestStep{
		{
			Config:      storageConfig(env, "acc-small", 9, clusterA, ""),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`size_gb value must be at least 10`),
		},
		{
			Config:      storageConfig(env, "bad_name", 10, clusterA, ""),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`must contain only letters, digits and hyphens`),
		},
		{
			Config:      storageConfig(env, "acc-nowhere", 10, "no-such-cluster", ""),
			PlanOnly:    true,
			ExpectError: wrappedMessage(`Unknown Cluster`, `"no-such-cluster" does not exist`, `Clusters that support network storage:`, clusterA),
		},
	}
	if unsupported != "" {
		steps = append(steps, resource.TestStep{
			Config:      storageConfig(env, "acc-unsupported", 10, unsupported, ""),
			PlanOnly:    true,
			ExpectError: wrappedMessage(`Cluster Does Not Support Network Storage`, `"`+unsupported+`" does not support network storage`, `Clusters that do:`, clusterA),
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
}

func TestAccCloudStorageResource_shrinkFailsPlan(t *testing.T) {
	env := newTestEnv(t)
	name := accName("acc-shrink") // unique per run: runs may share an account
	clusterA, clusterB, _ := env.storageClusters(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkStoragesDestroyed(env),
		Steps: []resource.TestStep{
			{Config: storageConfig(env, name, 20, clusterA, "")},
			{
				Config:      storageConfig(env, name, 15, clusterA, ""),
				ExpectError: wrappedMessage(`Cloud Storage Cannot Shrink`, `from 20 to 15 GB`, `Shrinking cloud storage would lose data and is not supported`),
			},
			{
				// Shrinking together with a move to another cluster makes a new storage: allowed.
				Config: storageConfig(env, name, 15, clusterB, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(storageAddr, plancheck.ResourceActionReplace)},
				},
			},
		},
	})
}

func TestAccCloudStorageResource_deletionProtection(t *testing.T) {
	env := newTestEnv(t)
	name := accName("acc-protected") // unique per run: runs may share an account
	clusterA, _, _ := env.storageClusters(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkStoragesDestroyed(env),
		Steps: []resource.TestStep{
			{
				Config: storageConfig(env, name, 10, clusterA, "deletion_protection = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				Config:      storageConfig(env, name, 10, clusterA, "deletion_protection = true"),
				Destroy:     true,
				ExpectError: wrappedMessage(`Cloud Storage Is Protected from Deletion`, `has deletion_protection = true, so it was not deleted`),
			},
			{
				// Lifting the protection is an in-place change; then the final destroy succeeds.
				Config: storageConfig(env, name, 10, clusterA, "deletion_protection = false"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(storageAddr, plancheck.ResourceActionUpdate)},
				},
			},
		},
	})
}

// TestAccCloudStorageResource_deleteWaitsWhileInUse mounts the storage on an endpoint made with
// the client: destroy fails with NETWORK_STORAGE_IN_USE once its timeout passes, and succeeds
// once the endpoint (which takes a moment to delete) has gone.
func TestAccCloudStorageResource_deleteWaitsWhileInUse(t *testing.T) {
	env := newTestEnv(t, func(o *emulator.Options) { o.DeleteDelay = 2 * time.Second })
	name := accName("acc-in-use") // unique per run: runs may share an account
	product := env.product(t)
	clusterA := env.storageClustersOffering(t, product, 1)[0]
	c := env.api
	ctx := t.Context()
	var storageID, endpointID string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkStoragesDestroyed(env),
		Steps: []resource.TestStep{
			{
				Config: storageConfig(env, name, 10, clusterA, `timeouts = { delete = "1s" }`),
				Check: resource.ComposeTestCheckFunc(captureID(storageAddr, &storageID), func(*terraform.State) error {
					endpointID = env.createEndpoint(t, env.endpointSpec(t, testEndpoint{maxWorkers: 1, product: product.ID, cluster: clusterA, storageID: storageID}))
					return nil
				}),
			},
			{
				Config:      env.config(""),
				ExpectError: wrappedMessage(`Unable to Delete Cloud Storage`, `still mounted by endpoint`, `(NETWORK_STORAGE_IN_USE) after waiting 1s`),
			},
			{
				// A longer timeout covers the endpoint's deletion (2s in the in-process emulator).
				Config: storageConfig(env, name, 10, clusterA, `timeouts = { delete = "1m" }`),
			},
			{
				PreConfig: func() {
					if err := c.DeleteEndpoint(ctx, endpointID); err != nil {
						t.Fatal(err)
					}
				},
				Config: env.config(""),
				Check: func(*terraform.State) error {
					if _, err := c.GetEndpoint(ctx, endpointID); !client.IsNotFound(err) {
						return fmt.Errorf("the storage was deleted while endpoint %s still existed (%v)", endpointID, err)
					}
					return nil
				},
			},
		},
	})
}

// TestCloudStorageResource_readNotFound calls Read directly, without Terraform: a storage that is
// gone leaves a null state; one that exists is read in.
func TestCloudStorageResource_readNotFound(t *testing.T) {
	env := newTestEnv(t)
	name := accName("unit-read") // unique per run: runs may share an account
	clusterA, _, _ := env.storageClusters(t)
	c := env.api
	ctx := t.Context()
	r := &cloudStorageResource{data: &providerData{client: c}}
	var schemaResp fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &schemaResp)

	read := func(id string) tfsdk.State {
		state := tfsdk.State{Schema: schemaResp.Schema, Raw: tftypes.NewValue(schemaResp.Schema.Type().TerraformType(ctx), nil)}
		prior := cloudStorageModel{
			ID: types.StringValue(id), Name: types.StringValue("x"), SizeGB: types.Int64Value(10), ClusterID: types.StringValue(clusterA),
			ClusterName: types.StringNull(), Price: types.StringNull(), CreatedAt: types.StringNull(), DeletionProtection: types.BoolValue(false),
			Timeouts: timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{"delete": types.StringType})},
		}
		if diags := state.Set(ctx, &prior); diags.HasError() {
			t.Fatal(diags)
		}
		resp := fwresource.ReadResponse{State: state}
		r.Read(ctx, fwresource.ReadRequest{State: state}, &resp)
		if resp.Diagnostics.HasError() {
			t.Fatalf("Read: %v", resp.Diagnostics)
		}
		return resp.State
	}

	if got := read("00000000-0000-0000-0000-000000000000"); !got.Raw.IsNull() {
		t.Errorf("state after reading a missing storage = %v, want removed", got.Raw)
	}

	id, err := c.CreateCloudStorage(ctx, client.CreateCloudStorageRequest{ClusterID: clusterA, Name: name, SizeGB: 12})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := c.DeleteCloudStorage(context.Background(), id); err != nil {
			t.Errorf("deleting storage %s: %v", id, err)
		}
	})
	var got cloudStorageModel
	if diags := read(id).Get(ctx, &got); diags.HasError() {
		t.Fatal(diags)
	}
	if got.Name.ValueString() != name || got.SizeGB.ValueInt64() != 12 || got.ClusterName.IsNull() {
		t.Errorf("read an existing storage as %+v", got)
	}
}
