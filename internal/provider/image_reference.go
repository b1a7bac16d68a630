package provider

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// imageReferenceValidator accepts container image references as registries take them:
// [host[:port]/]path[:tag][@digest], with no scheme, no white space and a lower-case path (Docker
// refuses upper case there; a host name is case-insensitive, so it may have any case).
type imageReferenceValidator struct{}

var _ validator.String = imageReferenceValidator{}

func (imageReferenceValidator) Description(context.Context) string {
	return "must be an image reference such as `novitalabs/comfyui-worker:v0.0.1`: no scheme, no spaces, a lower-case repository path"
}

func (v imageReferenceValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (imageReferenceValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if !known(req.ConfigValue) {
		return
	}
	ref := req.ConfigValue.ValueString()
	if problem := imageReferenceProblem(ref); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Image Reference", fmt.Sprintf(
			"%s %q %s. Write an image reference as [registry-host[:port]/]repository[:tag][@digest], for example "+
				"novitalabs/comfyui-worker:v0.0.1 or registry.example.com/team/app:1.2, with no scheme, no spaces and a lower-case repository.",
			req.Path, ref, problem))
	}
}

// imageReferenceProblem says what is wrong with ref, or "" when nothing is.
func imageReferenceProblem(ref string) string {
	switch {
	case strings.Contains(ref, "://"):
		return "has a scheme (such as https://); registries take the reference without it"
	case strings.IndexFunc(ref, unicode.IsSpace) >= 0:
		return "contains white space"
	case ref == "" || strings.HasPrefix(ref, "/") || strings.HasSuffix(ref, "/") || strings.Contains(ref, "//"):
		return "has an empty path component"
	}
	name, _, _ := strings.Cut(ref, "@") // drop a digest
	if i := strings.LastIndex(name, ":"); i > strings.LastIndex(name, "/") {
		name = name[:i] // drop a tag
	}
	path := name
	if host, rest, found := strings.Cut(name, "/"); found && (strings.ContainsAny(host, ".:") || host == "localhost") {
		path = rest // the first component is a registry host
	}
	if path != strings.ToLower(path) {
		return fmt.Sprintf("has upper case in its repository path %q; registries require it in lower case", path)
	}
	return ""
}
