package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

var (
	_ list.ListResource              = &cloudStorageListResource{}
	_ list.ListResourceWithConfigure = &cloudStorageListResource{}
)

// NewCloudStorageListResource returns the novita_cloud_storage list resource.
func NewCloudStorageListResource() list.ListResource { return &cloudStorageListResource{} }

type cloudStorageListResource struct {
	data *providerData
}

type cloudStorageListModel struct {
	NameContains types.String `tfsdk:"name_contains"`
	ClusterID    types.String `tfsdk:"cluster_id"`
}

func (r *cloudStorageListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cloud_storage"
}

func (r *cloudStorageListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, resp.Diagnostics.AddError)
}

func (r *cloudStorageListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the account's cloud storages for `terraform query` (Terraform 1.14 or newer), with their identity (`id`). " +
			"Generated configuration plans with no changes.",
		Attributes: map[string]schema.Attribute{
			"name_contains": nameContainsAttribute("name"),
			"cluster_id":    clusterIDAttribute("storages"),
		},
	}
}

func (r *cloudStorageListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg cloudStorageListModel
	if !listConfig(ctx, req, stream, r.data, &cfg) {
		return
	}
	storages, err := r.data.client.ListCloudStorages(ctx, cfg.NameContains.ValueString())
	if err != nil {
		stream.Results = listError("Unable to List Cloud Storages", err.Error())
		return
	}
	var items []listItem
	for _, s := range storages {
		if !matchesText(cfg.NameContains, s.Name) || !matchesExactly(cfg.ClusterID, s.ClusterID) {
			continue
		}
		// The listing is the API's only read of a storage: the item is already complete.
		item := s
		items = append(items, listItem{
			id:      s.ID,
			display: fmt.Sprintf("%s (%d GB, %s)", s.Name, s.SizeGB, s.ClusterName),
			read: func(ctx context.Context) (any, bool, diag.Diagnostics) {
				m, diags := cloudStorageFromList(ctx, req, &item)
				return m, true, diags
			},
		})
	}
	stream.Results = streamItems(ctx, req, items)
}

// cloudStorageFromList is the resource state of a listed storage, as an import reads it.
func cloudStorageFromList(ctx context.Context, req list.ListRequest, s *client.CloudStorage) (*cloudStorageModel, diag.Diagnostics) {
	var m cloudStorageModel
	var diags diag.Diagnostics
	m.Timeouts, diags = nullTimeouts(ctx, req.ResourceSchema)
	m.setFromAPI(s)
	m.DeletionProtection = types.BoolValue(false)
	return &m, diags
}
