package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// timeoutsAttribute is the framework's timeouts attribute with a description of its own, so
// that the documentation says what the timeouts bound and their defaults (the framework's
// attribute has none).
func timeoutsAttribute(ctx context.Context, opts timeouts.Opts, description string) schema.Attribute {
	attr := timeouts.Attributes(ctx, opts)
	if nested, ok := attr.(schema.SingleNestedAttribute); ok {
		nested.MarkdownDescription = description
		for name, a := range nested.Attributes {
			if s, ok := a.(schema.StringAttribute); ok {
				s.Validators = []validator.String{timeoutValidator{}} // the framework's names no attribute
				nested.Attributes[name] = s
			}
		}
		return nested
	}
	return attr
}

// timeoutValidator accepts a positive Go duration and, otherwise, names the attribute and the
// form it takes.
type timeoutValidator struct{}

func (timeoutValidator) Description(context.Context) string {
	return `a positive Go duration such as "30m" or "1h30m"`
}

func (v timeoutValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v timeoutValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if !known(req.ConfigValue) {
		return
	}
	if d, err := time.ParseDuration(req.ConfigValue.ValueString()); err != nil || d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Timeout", fmt.Sprintf(
			"%s must be a positive Go duration such as \"30m\", \"90s\" or \"1h30m\" (units ns, us, ms, s, m, h), got %q.",
			req.Path, req.ConfigValue.ValueString()))
	}
}

// durationText renders a default timeout as users write it: `30m`, `1h`, `45s`.
func durationText(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	default:
		return d.String()
	}
}
