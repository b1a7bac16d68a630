package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Resource identity (Terraform 1.12+): how an object is named across state, import blocks and
// `terraform query`. Endpoints, cloud storages and registry credentials are named by their id
// alone; a job by its endpoint's job name and its id. Older Terraform and OpenTofu ignore it.

// idIdentityModel is the identity of an object named by its id alone.
type idIdentityModel struct {
	ID types.String `tfsdk:"id"`
}

// idIdentitySchema is the identity schema of an object named by its id; what describes the id.
func idIdentitySchema(what string) identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"id": identityschema.StringAttribute{
				Description:       what,
				RequiredForImport: true,
			},
		},
	}
}

// jobIdentityModel is a job's identity: a job id is only unique within its endpoint.
type jobIdentityModel struct {
	EndpointName types.String `tfsdk:"endpoint_name"`
	ID           types.String `tfsdk:"id"`
}

func jobIdentitySchema() identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"endpoint_name": identityschema.StringAttribute{
				Description:       "Job name of the endpoint the job ran on, `<endpoint id>-<app name>`.",
				RequiredForImport: true,
			},
			"id": identityschema.StringAttribute{
				Description:       "Job id assigned by the gateway.",
				RequiredForImport: true,
			},
		},
	}
}

// setIdentity writes an object's identity; identity is nil where the framework has no identity
// to fill (never for these resources, but a nil check costs nothing).
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, model any) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	return identity.Set(ctx, model)
}

// setIDIdentity writes the identity of an object named by its id.
func setIDIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, id types.String) diag.Diagnostics {
	return setIdentity(ctx, identity, idIdentityModel{ID: id})
}
