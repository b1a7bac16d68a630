package provider

import (
	"context"
	"iter"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// List resources (Terraform 1.14+, `terraform query`): each lists the account's objects of one
// resource type, filtered, with their identity and, when Terraform asks for it (include_resource,
// or -generate-config-out), the object as `terraform import` would read it. Secrets are never
// part of a result: the API cannot tell secret variables apart, and passwords are write-only.

// nameContainsAttribute is the name filter every list resource offers; what says what it matches.
func nameContainsAttribute(what string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "Only objects whose " + what + " contains this text (case-sensitive). Omit to list all.",
		Optional:            true,
	}
}

// clusterIDAttribute is the cluster filter.
func clusterIDAttribute(what string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "Only " + what + " in this cluster (a `novita_clusters` id). Omit for every cluster.",
		Optional:            true,
	}
}

// matchesText reports whether a filter value (null or unset matches everything) is in any of texts.
func matchesText(filter types.String, texts ...string) bool {
	f := filter.ValueString()
	if f == "" {
		return true
	}
	for _, t := range texts {
		if strings.Contains(t, f) {
			return true
		}
	}
	return false
}

// matchesExactly reports whether a filter value (null matches everything) equals value.
func matchesExactly(filter types.String, value string) bool {
	return filter.ValueString() == "" || filter.ValueString() == value
}

// listItem is one object a list resource found: its id, its display name, and how to read it in
// full when Terraform asks for the resource (found is false when it vanished in between).
type listItem struct {
	id, display string
	read        func(ctx context.Context) (model any, found bool, diags diag.Diagnostics)
}

// streamItems turns the items into list results, stopping at Terraform's limit.
func streamItems(ctx context.Context, req list.ListRequest, items []listItem) iter.Seq[list.ListResult] {
	return func(push func(list.ListResult) bool) {
		var sent int64
		for _, it := range items {
			if req.Limit > 0 && sent >= req.Limit {
				return
			}
			result := req.NewListResult(ctx)
			result.DisplayName = it.display
			result.Diagnostics.Append(result.Identity.Set(ctx, idIdentityModel{ID: types.StringValue(it.id)})...)
			if req.IncludeResource && !result.Diagnostics.HasError() {
				model, found, diags := it.read(ctx)
				result.Diagnostics.Append(diags...)
				if !found && !diags.HasError() {
					continue // deleted since the listing
				}
				if !result.Diagnostics.HasError() {
					result.Diagnostics.Append(result.Resource.Set(ctx, model)...)
				}
			}
			sent++
			if !push(result) {
				return
			}
		}
	}
}

// listError is a stream holding one error.
func listError(summary, detail string) iter.Seq[list.ListResult] {
	var diags diag.Diagnostics
	diags.AddError(summary, detail)
	return list.ListResultsStreamDiagnostics(diags)
}

// listConfig reads a list block's config into target; ok is false (with the stream set to the
// errors) when that fails or the provider is not configured.
func listConfig(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream, data *providerData, target any) bool {
	diags := req.Config.Get(ctx, target)
	if data == nil || data.client == nil {
		diags.AddError("Provider Not Configured", "The novita provider was not configured before this list was queried. This is a bug in the provider; please report it.")
	}
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return false
	}
	return true
}

// nullTimeouts is a null timeouts value of the type the resource schema gives it, for results
// that no configuration has set timeouts on.
func nullTimeouts(ctx context.Context, s interface {
	TypeAtPath(context.Context, path.Path) (attr.Type, diag.Diagnostics)
}) (timeouts.Value, diag.Diagnostics) {
	t, diags := s.TypeAtPath(ctx, path.Root("timeouts"))
	if diags.HasError() {
		return timeouts.Value{}, diags
	}
	v, err := t.ValueFromTerraform(ctx, tftypes.NewValue(t.TerraformType(ctx), nil))
	tv, ok := v.(timeouts.Value)
	if err != nil || !ok {
		diags.AddError("Unexpected Timeouts Type", "The resource's timeouts attribute is not of the timeouts type. This is a bug in the provider; please report it.")
	}
	return tv, diags
}
