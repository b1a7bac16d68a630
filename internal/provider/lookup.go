package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

// byIDOrName is how a data source with `id` and `name` arguments (exactly one set) finds its object.
type byIDOrName[T any] struct {
	kind     string                                              // the object in messages: "cloud storage"
	get      func(ctx context.Context, id string) (*T, error)    // by id; not found is an API error
	list     func(ctx context.Context, name string) ([]T, error) // candidates for name, possibly matched loosely
	nameOf   func(T) string
	describe func(T) string // identifies one of several objects sharing a name
}

// find returns the object that id (when set) or name designates, or nil after adding an error
// that names what was looked for.
func (l byIDOrName[T]) find(ctx context.Context, id, name types.String, diags *diag.Diagnostics) *T {
	if id := id.ValueString(); id != "" {
		found, err := l.get(ctx, id)
		if client.IsNotFound(err) {
			diags.AddAttributeError(path.Root("id"), "No Matching "+titleCase(l.kind),
				fmt.Sprintf("No %s with id %q exists in this account.", l.kind, id))
			return nil
		}
		if err != nil {
			diags.AddError("Unable to Read "+titleCase(l.kind), err.Error())
			return nil
		}
		return found
	}
	list, err := l.list(ctx, name.ValueString())
	if err != nil {
		diags.AddError("Unable to List "+titleCase(l.kind)+"s", err.Error())
		return nil
	}
	found, summary, detail := pickByName(list, name.ValueString(), l.kind, l.nameOf, l.describe)
	if found == nil {
		diags.AddAttributeError(path.Root("name"), summary, detail)
	}
	return found
}

// pickByName returns the one item named exactly name (the API's name filter may match more
// loosely), or a diagnostic summary and detail explaining why there is not exactly one. kind
// names the object ("cloud storage"); describe identifies one match in the ambiguous case.
func pickByName[T any](items []T, name, kind string, nameOf, describe func(T) string) (*T, string, string) {
	var matches []T
	for _, it := range items {
		if nameOf(it) == name {
			matches = append(matches, it)
		}
	}
	switch len(matches) {
	case 1:
		return &matches[0], "", ""
	case 0:
		return nil, "No Matching " + titleCase(kind), fmt.Sprintf("No %s named %q exists in this account.", kind, name)
	}
	found := make([]string, len(matches))
	for i, it := range matches {
		found[i] = describe(it)
	}
	return nil, "Ambiguous " + titleCase(kind) + " Name",
		fmt.Sprintf("%d %ss are named %q: %s. Look one up by id instead.", len(matches), kind, name, strings.Join(found, ", "))
}

// titleCase capitalizes each word, for diagnostic summaries.
func titleCase(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(words, " ")
}
