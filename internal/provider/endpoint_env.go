package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

// The endpoint's environment: three maps in Terraform (env, secret_env, secret_env_wo), one list
// in Novita's API. The API does not say which variables are secret, and write-only values must
// never reach state, so the provider remembers, in private state, which keys came from
// secret_env_wo and whether the endpoint was imported before any configuration said which map
// each live variable belongs to.

// privateEndpointKey is the one private-state entry of an endpoint (endpointPrivate as JSON).
const privateEndpointKey = "endpoint"

// Private-state keys of earlier versions, read once and then cleared.
const (
	legacyPrivateWOKeys   = "secret_env_wo_keys"
	legacyPrivateImported = "imported"
	legacyPrivateAdopted  = "imported_env_adopted"
)

// endpointPrivate is everything an endpoint keeps in private state.
type endpointPrivate struct {
	// WOKeys are the names (never the values) of the variables that came from secret_env_wo.
	WOKeys []string `json:"wo_keys,omitempty"`
	// Imported: no configuration has yet said which map each live variable belongs to, so env
	// and secret_env stay null in state.
	Imported bool `json:"imported,omitempty"`
	// Adopt, in a planned private state only: the configured variables equal the live ones, so
	// the apply records them without calling the API.
	Adopt bool `json:"adopt,omitempty"`
}

type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// loadEndpointPrivate reads the endpoint's private state, falling back to the keys of earlier
// versions.
func loadEndpointPrivate(ctx context.Context, p privateState) (endpointPrivate, diag.Diagnostics) {
	var priv endpointPrivate
	b, diags := p.GetKey(ctx, privateEndpointKey)
	if len(b) > 0 {
		if err := json.Unmarshal(b, &priv); err != nil {
			diags.AddError("Unable to Read Private State", "The endpoint's private state is not valid JSON: "+err.Error())
		}
		return priv, diags
	}
	woKeys, d := p.GetKey(ctx, legacyPrivateWOKeys)
	diags.Append(d...)
	if len(woKeys) > 0 {
		_ = json.Unmarshal(woKeys, &priv.WOKeys) // names only; an unreadable list means none
	}
	imported, d := p.GetKey(ctx, legacyPrivateImported)
	diags.Append(d...)
	adopted, d := p.GetKey(ctx, legacyPrivateAdopted)
	diags.Append(d...)
	priv.Imported, priv.Adopt = len(imported) > 0, len(adopted) > 0
	return priv, diags
}

// save writes the private state under its one key and clears the keys of earlier versions.
func (priv endpointPrivate) save(ctx context.Context, p privateState) diag.Diagnostics {
	slices.Sort(priv.WOKeys)
	b, err := json.Marshal(priv)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Unable to Save Private State", err.Error())
		return diags
	}
	diags := p.SetKey(ctx, privateEndpointKey, b)
	for _, k := range []string{legacyPrivateWOKeys, legacyPrivateImported, legacyPrivateAdopted} {
		diags.Append(p.SetKey(ctx, k, nil)...)
	}
	return diags
}

// settled is the private state after an apply that sent (or adopted) the configured variables.
func settled(wo map[string]string) endpointPrivate {
	return endpointPrivate{WOKeys: slices.Sorted(maps.Keys(wo))}
}

// woKeySet is the set Read uses to leave write-only variables out of state; nil while the
// endpoint is imported and not yet settled (env and secret_env then stay null).
func (priv endpointPrivate) woKeySet() map[string]bool {
	if priv.Imported {
		return nil
	}
	set := map[string]bool{}
	for _, k := range priv.WOKeys {
		set[k] = true
	}
	return set
}

// importedEnvDecision is what the first plan after an import does with the live variables.
type importedEnvDecision struct {
	Adopt   bool     // the configuration says exactly what is live: record it, no API call
	Removed []string // live variables the configuration leaves out: the apply deletes them
	Changed []string // variables whose configured value differs from the live one
}

// decideImportedEnv compares the configured variables (all three maps merged) with the live
// ones. It is pure, so every case has a table test.
func decideImportedEnv(configured, live map[string]string) importedEnvDecision {
	var d importedEnvDecision
	for k, v := range live {
		cv, ok := configured[k]
		switch {
		case !ok:
			d.Removed = append(d.Removed, k)
		case cv != v:
			d.Changed = append(d.Changed, k)
		}
	}
	slices.Sort(d.Removed)
	slices.Sort(d.Changed)
	d.Adopt = len(d.Removed) == 0 && len(d.Changed) == 0 && len(configured) == len(live)
	return d
}

// configuredEnv merges env, secret_env and secret_env_wo from the configuration; ok is false while
// any of them is unknown.
func configuredEnv(ctx context.Context, cfg configGetter) (env map[string]string, ok bool, diags diag.Diagnostics) {
	env = map[string]string{}
	for _, name := range []string{"env", "secret_env", "secret_env_wo"} {
		var m types.Map
		diags.Append(cfg.GetAttribute(ctx, path.Root(name), &m)...)
		if diags.HasError() || m.IsUnknown() {
			return nil, false, diags
		}
		values, d := stringMap(ctx, m)
		diags.Append(d...)
		maps.Copy(env, values)
	}
	return env, true, diags
}

// planEnv plans env_keys from the configuration, so that a plan shows by name every variable an
// apply adds or removes, and settles an imported endpoint's variables on its first plan: adopt
// them when the configuration matches (the apply then only records them), otherwise plan an
// update and warn about every live variable the configuration would delete.
// readLive reads the endpoint's live variables; nil when the provider is not configured.
func planEnv(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, prior *endpointResourceModel,
	readLive func(ctx context.Context, id string) (map[string]string, error)) {
	configured, ok, d := configuredEnv(ctx, req.Config)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	keys := types.ListUnknown(types.StringType)
	if ok {
		keys, d = envKeysValue(configured)
		resp.Diagnostics.Append(d...)
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("env_keys"), keys)...)
	if prior == nil || !ok || readLive == nil {
		return
	}
	priv, d := loadEndpointPrivate(ctx, req.Private)
	resp.Diagnostics.Append(d...)
	if !priv.Imported || resp.Diagnostics.HasError() {
		return
	}
	// The live variables are not in state (only their names are): compare values through a read.
	live, err := readLive(ctx, prior.ID.ValueString())
	if err != nil {
		return // Read has dealt with a missing endpoint; a normal update is the safe answer
	}
	decision := decideImportedEnv(configured, live)
	if decision.Adopt {
		priv.Adopt = true
		resp.Diagnostics.Append(priv.save(ctx, resp.Private)...)
		return
	}
	// Make sure an update is planned even when env and secret_env are not configured (null, as
	// in state), so that the live variables are replaced by the configured ones.
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("state"), types.StringUnknown())...)
	if len(decision.Removed) > 0 {
		resp.Diagnostics.AddAttributeWarning(path.Root("env_keys"), "Environment Variables Would Be Removed",
			fmt.Sprintf("Endpoint %s was imported with the environment variables %s, which this configuration does not set. "+
				"Applying this plan deletes them from the endpoint. To keep them, add them to env, secret_env or secret_env_wo "+
				"(a configuration generated by terraform plan -generate-config-out cannot know them: the API does not tell secret values apart).",
				prior.ID.ValueString(), strings.Join(decision.Removed, ", ")))
	}
}

// envFromAPI sorts the API's single list of variables into the resource's maps: keys that came
// from secret_env_wo (woKeys) are dropped, keys the prior secret_env held stay secret, and
// every other key is a plain variable. Empty maps stay null when the prior map was null.
// woKeys is nil while the endpoint is imported and not settled: env and secret_env then stay
// null (a write-only value must never reach state).
func (m *endpointResourceModel) envFromAPI(ctx context.Context, envs []client.Env, woKeys map[string]bool) diag.Diagnostics {
	m.SecretEnvWO = types.MapNull(types.StringType)
	if woKeys == nil {
		m.Env, m.SecretEnv = types.MapNull(types.StringType), types.MapNull(types.StringType)
		return nil
	}
	var diags diag.Diagnostics
	priorSecret, d := stringMap(ctx, m.SecretEnv)
	diags.Append(d...)
	plain, secret := map[string]string{}, map[string]string{}
	for _, e := range envs {
		_, isSecret := priorSecret[e.Key]
		switch {
		case woKeys[e.Key]:
		case isSecret:
			secret[e.Key] = e.Value
		default:
			plain[e.Key] = e.Value
		}
	}
	var dd diag.Diagnostics
	m.Env, dd = optionalMap(plain, m.Env)
	diags.Append(dd...)
	m.SecretEnv, dd = optionalMap(secret, m.SecretEnv)
	diags.Append(dd...)
	return diags
}

// writeOnlyEnv reads secret_env_wo from the configuration (write-only values are only there).
func writeOnlyEnv(ctx context.Context, cfg configGetter) (map[string]string, diag.Diagnostics) {
	var m types.Map
	diags := cfg.GetAttribute(ctx, path.Root("secret_env_wo"), &m)
	if diags.HasError() {
		return nil, diags
	}
	out, d := stringMap(ctx, m)
	diags.Append(d...)
	return out, diags
}

type configGetter interface {
	GetAttribute(ctx context.Context, p path.Path, target any) diag.Diagnostics
}

// envMapOf turns the API's list of variables into a map.
func envMapOf(envs []client.Env) map[string]string {
	m := make(map[string]string, len(envs))
	for _, e := range envs {
		m[e.Key] = e.Value
	}
	return m
}

// envKeysValue is the sorted list of the variables' names.
func envKeysValue(env map[string]string) (types.List, diag.Diagnostics) {
	names := slices.Sorted(maps.Keys(env))
	elems := make([]attr.Value, 0, len(names))
	for _, k := range names {
		elems = append(elems, types.StringValue(k))
	}
	return types.ListValue(types.StringType, elems)
}
