package provider

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

// Import, drift and state removal: what reaches state from an endpoint Terraform did not make.
func TestAccEndpointResource_drift(t *testing.T) {
	env := newTestEnv(t)
	ctx := context.Background()
	const addr = "novita_endpoint.test"
	cfg := env.config(env.endpointHCL(t, "test", map[string]string{"env": `{ MODE = "a" }`}))
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkEndpointsDestroyed(env),
		Steps: []resource.TestStep{
			{Config: cfg, Check: captureID(addr, &id)},
			{
				// Deleted behind Terraform's back: the next apply creates it again.
				PreConfig: func() {
					if err := env.api.DeleteEndpoint(ctx, id); err != nil {
						t.Fatalf("deleting endpoint %s: %v", id, err)
					}
					if err := env.api.WaitForEndpointDeleted(ctx, id); err != nil {
						t.Fatalf("waiting for endpoint %s to go: %v", id, err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
				Check: resource.ComposeTestCheckFunc(
					captureID(addr, &id),
					checkAPIEndpoint(env, addr, func(*client.Endpoint) error { return nil }),
				),
			},
			{
				// Changed behind its back: the plan updates it in place and the apply corrects it.
				PreConfig: func() {
					ep, err := env.api.GetEndpoint(ctx, id)
					if err != nil {
						t.Fatalf("reading endpoint %s: %v", id, err)
					}
					spec := ep.EndpointConfig
					spec.WorkerConfig.MaxReplicas = 7
					spec.Policy.Value = 99
					spec.Envs = append(spec.Envs, client.Env{Key: "INJECTED", Value: "x"})
					if err := env.api.UpdateEndpoint(ctx, id, spec); err != nil {
						t.Fatalf("changing endpoint %s: %v", id, err)
					}
					if _, err := env.api.WaitForEndpointServing(ctx, id); err != nil {
						t.Fatalf("waiting for endpoint %s: %v", id, err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("max_workers"), knownvalue.Int64Exact(2)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkAPIEndpoint(env, addr, func(ep *client.Endpoint) error {
					if ep.ID != id {
						return fmt.Errorf("endpoint was replaced (%s -> %s), want an in-place update", id, ep.ID)
					}
					if _, injected := envMap(ep.Envs)["INJECTED"]; ep.WorkerConfig.MaxReplicas != 2 || ep.Policy.Value != 30 || injected {
						return fmt.Errorf("drift not corrected: max %d, policy %d, envs %v", ep.WorkerConfig.MaxReplicas, ep.Policy.Value, ep.Envs)
					}
					return nil
				}),
			},
		},
	})
}

func TestEndpointResourceRead_notFoundRemovesFromState(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	r := &endpointResource{data: &providerData{client: env.api}}

	var schemaResp fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &schemaResp)
	state := tfsdk.State{Schema: schemaResp.Schema, Raw: tftypes.NewValue(schemaResp.Schema.Type().TerraformType(ctx), nil)}
	if d := state.SetAttribute(ctx, path.Root("id"), "0123456789abcdef"); d.HasError() {
		t.Fatal(d)
	}

	resp := fwresource.ReadResponse{State: state}
	r.Read(ctx, fwresource.ReadRequest{State: state}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("Read of a missing endpoint failed instead of removing it: %v", resp.Diagnostics)
	}
	if !resp.State.Raw.IsNull() {
		t.Fatalf("state = %v, want null (removed)", resp.State.Raw)
	}
}

func TestAccEndpointResource_importThenAdopt(t *testing.T) {
	for _, tc := range []struct {
		name       string
		configWO   string // the configured secret_env_wo value; the live one is "live-wo-value"
		wantUpdate bool   // whether the apply calls the API's update
	}{
		{name: "matching", configWO: "live-wo-value", wantUpdate: false},
		{name: "differing", configWO: "new-wo-value", wantUpdate: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv(t)
			if !tc.wantUpdate {
				env.requireEmulator(t, "only the emulator counts update calls; on the live API an adoption and an update leave the same endpoint")
			}
			const addr = "novita_endpoint.adopted"
			id := env.createEndpoint(t, client.EndpointSpec{Type: client.EndpointAsync, EndpointConfig: client.EndpointConfig{
				Name: "made-by-hand",
				WorkerConfig: client.WorkerConfig{
					MinReplicas: 0, MaxReplicas: 2, IdleTimeout: 60, MaxConcurrentPerWorker: 1, GPUNum: 1,
				},
				Ports:     []client.Int{8080},
				Policy:    client.Policy{Type: "queue", Value: 30},
				Image:     "novitalabs/sleep-worker:latest",
				ProductID: env.productID(t),
				Envs: []client.Env{
					{Key: "PLAIN", Value: "plain-value"}, {Key: "SECRET", Value: "secret-value"}, {Key: "WO", Value: "live-wo-value"},
				},
			}})
			if _, err := env.api.WaitForEndpointServing(t.Context(), id); err != nil {
				t.Fatalf("waiting for endpoint %s: %v", id, err)
			}
			updates := func() int {
				if env.Emu == nil {
					return 0
				}
				return env.Emu.Requests("PUT /gpus/v2/endpoints/{endpoint_id}")
			}
			updatesBefore := updates()
			cfg := env.config(fmt.Sprintf(`
import {
  to = novita_endpoint.adopted
  id = %q
}
`, id) + env.endpointHCL(t, "adopted", map[string]string{
				"name":                  `"made-by-hand"`,
				"env":                   `{ PLAIN = "plain-value" }`,
				"secret_env":            `{ SECRET = "secret-value" }`,
				"secret_env_wo":         fmt.Sprintf(`{ WO = %q }`, tc.configWO),
				"secret_env_wo_version": "1",
			}))
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             checkEndpointsDestroyed(env),
				Steps: []resource.TestStep{{
					Config: cfg,
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
							plancheck.ExpectSensitiveValue(addr, tfjsonpath.New("secret_env")),
							plancheck.ExpectKnownValue(addr, tfjsonpath.New("env_keys"), knownvalue.ListExact([]knownvalue.Check{
								knownvalue.StringExact("PLAIN"), knownvalue.StringExact("SECRET"), knownvalue.StringExact("WO"),
							})),
						},
						PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
						statecheck.ExpectKnownValue(addr, tfjsonpath.New("env"), knownvalue.MapExact(map[string]knownvalue.Check{"PLAIN": knownvalue.StringExact("plain-value")})),
						statecheck.ExpectKnownValue(addr, tfjsonpath.New("secret_env"), knownvalue.MapExact(map[string]knownvalue.Check{"SECRET": knownvalue.StringExact("secret-value")})),
					},
					Check: resource.ComposeTestCheckFunc(
						notInStateAnywhere("live-wo-value", "new-wo-value"),
						resource.TestCheckNoResourceAttr(addr, "env.WO"),
						resource.TestCheckNoResourceAttr(addr, "secret_env.WO"),
						checkAPIEndpoint(env, addr, func(ep *client.Endpoint) error {
							if got := envMap(ep.Envs)["WO"]; got != tc.configWO {
								return fmt.Errorf("the endpoint's WO = %q, want the configured value", got)
							}
							return nil
						}),
						func(*terraform.State) error {
							if env.Emu == nil {
								return nil // live: only the result is checked (the matching case skips live)
							}
							if n := updates() - updatesBefore; (n > 0) != tc.wantUpdate {
								return fmt.Errorf("the apply made %d update calls; want an update: %v", n, tc.wantUpdate)
							}
							return nil
						},
					),
				}},
			})
		})
	}
}

func notInStateAnywhere(values ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for addr, rs := range s.RootModule().Resources {
			for k, v := range rs.Primary.Attributes {
				for _, secret := range values {
					if strings.Contains(v, secret) || strings.Contains(k, secret) {
						return fmt.Errorf("a write-only value is in state at %s.%s", addr, k)
					}
				}
			}
		}
		return nil
	}
}

func TestAccEndpointResource_importWithoutEnvNamesWhatGoes(t *testing.T) {
	env := newTestEnv(t)
	const addr = "novita_endpoint.imported"
	spec := env.endpointSpec(t, testEndpoint{maxWorkers: 1, env: map[string]string{"BUCKET_NAME": "images", "HF_TOKEN": "hf_secret"}})
	id := env.createEndpoint(t, spec)
	if _, err := env.api.WaitForEndpointServing(t.Context(), id); err != nil {
		t.Fatalf("waiting for endpoint %s: %v", id, err)
	}
	cfg := env.config(fmt.Sprintf(`
import {
  to = novita_endpoint.imported
  id = %q
}
`, id) + env.endpointHCL(t, "imported", map[string]string{
		"name": `"acc-arranged"`, "port": "8188", "scaling_policy": `{ type = "concurrency", value = 1 }`,
		"image": strconv.Quote(spec.Image), "max_workers": "1",
	}))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkEndpointsDestroyed(env),
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("env_keys"), knownvalue.ListExact([]knownvalue.Check{})),
				},
			},
			Check: checkAPIEndpoint(env, addr, func(ep *client.Endpoint) error {
				if len(ep.Envs) != 0 {
					return fmt.Errorf("the endpoint still has %v; the plan said it removes them", ep.Envs)
				}
				return nil
			}),
		}},
	})
}
