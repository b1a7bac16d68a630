package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// timeoutsAttribute is the framework's timeouts attribute with a description of its own, so
// that the documentation says what the timeouts bound and their defaults (the framework's
// attribute has none).
func timeoutsAttribute(ctx context.Context, opts timeouts.Opts, description string) schema.Attribute {
	attr := timeouts.Attributes(ctx, opts)
	if nested, ok := attr.(schema.SingleNestedAttribute); ok {
		nested.MarkdownDescription = description
		return nested
	}
	return attr
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
