package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

// Helpers between Terraform values and API values, shared by the resources.

// known reports whether v is neither null nor unknown.
func known(v attr.Value) bool { return !v.IsNull() && !v.IsUnknown() }

// stringMap decodes a map(string); nil when it is null or unknown.
func stringMap(ctx context.Context, m types.Map) (map[string]string, diag.Diagnostics) {
	if !known(m) {
		return nil, nil
	}
	out := map[string]string{}
	diags := m.ElementsAs(ctx, &out, false)
	return out, diags
}

// optionalString maps an API string to an optional attribute: "" is null unless the user
// had set "" explicitly.
func optionalString(v string, prior types.String) types.String {
	if v == "" && !known(prior) {
		return types.StringNull()
	}
	return types.StringValue(v)
}

// optionalInt maps an API integer to an optional attribute: 0 (absent) is null unless the user
// had set 0 explicitly.
func optionalInt(v client.Int, prior types.Int64) types.Int64 {
	if v == 0 && !known(prior) {
		return types.Int64Null()
	}
	return types.Int64Value(int64(v))
}

// optionalMap maps API variables to an optional map: empty is null unless the prior map was empty.
func optionalMap(v map[string]string, prior types.Map) (types.Map, diag.Diagnostics) {
	if len(v) == 0 && !known(prior) {
		return types.MapNull(types.StringType), nil
	}
	elems := make(map[string]attr.Value, len(v))
	for k, val := range v {
		elems[k] = types.StringValue(val)
	}
	return types.MapValue(types.StringType, elems)
}
