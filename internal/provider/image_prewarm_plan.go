package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

// Plan-time checks of novita_image_prewarm: a new task's cluster and products exist in the
// catalogue, and the account's prewarm quota has room for it. Never on destroy.

// prewarmReplacements remembers the tasks that the current plan replaces. Terraform plans a
// replacement in two calls within one provider process: first with the prior state (where the
// provider sees the replacement), then the create half again with no prior state. The create
// half's quota check counts one remembered task as free, since the delete half removes it first
// (with create_before_destroy both exist for a while, and the API refuses the create if there is
// no room). One process serves one Terraform walk, so nothing outlives the plan.
type prewarmReplacements struct {
	mu  sync.Mutex
	ids map[string]bool
}

func (l *prewarmReplacements) add(id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ids == nil {
		l.ids = map[string]bool{}
	}
	l.ids[id] = true
}

// take removes one remembered task and reports how many it removed (0 or 1).
func (l *prewarmReplacements) take() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	for id := range l.ids {
		delete(l.ids, id)
		return 1
	}
	return 0
}

func (r *imagePrewarmResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy: nothing to check
	}
	var plan imagePrewarmModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !req.State.Raw.IsNull() {
		var prior imagePrewarmModel
		resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
		if resp.Diagnostics.HasError() {
			return
		}
		if !prewarmReplaced(ctx, prior, plan) {
			resp.Diagnostics.Append(failedPrewarmWarning(prior)...)
			return
		}
		if r.data != nil {
			r.data.prewarmReplacements.add(prior.ID.ValueString())
		}
		return // the create half of the replacement is planned next, and checked there
	}
	if r.data == nil {
		return // the provider is not configured (validation only)
	}
	resp.Diagnostics.Append(r.checkCatalogue(ctx, plan)...)
	resp.Diagnostics.Append(r.checkQuota(ctx, plan)...)
}

// prewarmReplaced reports whether the plan replaces the task: the same attributes that carry
// RequiresReplace, with an unknown value counting as a change.
func prewarmReplaced(ctx context.Context, prior, plan imagePrewarmModel) bool {
	if !plan.Image.Equal(prior.Image) || !plan.ClusterID.Equal(prior.ClusterID) || !plan.RegistryCredentialID.Equal(prior.RegistryCredentialID) {
		return true
	}
	if plan.ProductIDs.IsUnknown() {
		return true
	}
	var before, after []string
	prior.ProductIDs.ElementsAs(ctx, &before, false)
	plan.ProductIDs.ElementsAs(ctx, &after, false)
	return !sameStrings(before, after)
}

// failedPrewarmWarning warns when the task was Failed at the last refresh: Novita does not retry
// it, and a plan without changes would leave the image uncached.
func failedPrewarmWarning(prior imagePrewarmModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if prior.State.ValueString() != client.PrewarmFailed {
		return diags
	}
	var reasons []string
	prior.StateReasons.ElementsAs(context.Background(), &reasons, false)
	text := "Novita gave no reason"
	if len(reasons) > 0 {
		text = strings.Join(reasons, "; ")
	}
	diags.AddAttributeWarning(path.Root("state"), "Image Prewarm Task Failed",
		fmt.Sprintf("Task %s (%s) failed: %s\n\nThe image is not cached, and Novita does not retry the task. Fix the cause and replace it, for example with `terraform apply -replace=<address>`.",
			prior.ID.ValueString(), prior.Image.ValueString(), text))
	return diags
}

// checkCatalogue checks a new task's cluster and products against the catalogue. It warns when
// the catalogue cannot be read: the apply then reports what Novita refuses.
func (r *imagePrewarmResource) checkCatalogue(ctx context.Context, plan imagePrewarmModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if plan.ClusterID.IsUnknown() {
		return diags
	}
	cat, err := r.data.catalog(ctx)
	if err != nil {
		diags.AddWarning("Image Prewarm Not Checked Against the Catalogue",
			"The provider could not read the clusters and GPU products, so cluster_id and product_ids were not checked; the apply will report what Novita refuses. Error: "+err.Error())
		return diags
	}
	clusterID := plan.ClusterID.ValueString()
	if !cat.hasCluster(clusterID) {
		var names []string
		for _, c := range cat.Clusters {
			names = append(names, fmt.Sprintf("%s (%s)", c.ID, c.Name))
		}
		diags.AddAttributeError(path.Root("cluster_id"), "Unknown Cluster",
			fmt.Sprintf("Cluster %q does not exist in this account. Clusters: %s.", clusterID, listOrNone(names)))
		return diags
	}
	var offered []string
	for _, p := range cat.Products {
		if slices.Contains(p.RegionIDs, clusterID) {
			offered = append(offered, fmt.Sprintf("%s (%s)", p.ID, p.Name))
		}
	}
	if plan.ProductIDs.IsUnknown() {
		return diags
	}
	for i, v := range plan.ProductIDs.Elements() {
		id, ok := v.(types.String)
		if !ok || id.IsUnknown() || id.IsNull() {
			continue
		}
		at := path.Root("product_ids").AtListIndex(i)
		p, found := cat.product(id.ValueString())
		switch {
		case !found:
			diags.AddAttributeError(at, "Unknown GPU Product",
				fmt.Sprintf("Product %q does not exist. Products offered in cluster %q: %s.", id.ValueString(), clusterID, listOrNone(offered)))
		case !slices.Contains(p.RegionIDs, clusterID):
			diags.AddAttributeError(at, "GPU Product Not Offered in the Cluster",
				fmt.Sprintf("Product %q (%s) is not offered in cluster %q, so the image cannot be cached for it there. Products offered in %q: %s.",
					p.ID, p.Name, clusterID, clusterID, listOrNone(offered)))
		}
	}
	return diags
}

// checkQuota fails the plan when the account's prewarm quota has no room for one more task,
// counting a task this plan replaces as free. It warns instead when it cannot tell: the quota
// cannot be read, or a task with the same image already exists in the cluster (the plan may be
// replacing it: a tainted task, or `-replace`, which the create half cannot see).
func (r *imagePrewarmResource) checkQuota(ctx context.Context, plan imagePrewarmModel) diag.Diagnostics {
	var diags diag.Diagnostics
	freed := r.data.prewarmReplacements.take()
	q, err := r.data.client.GetImagePrewarmQuota(ctx)
	if err != nil {
		diags.AddWarning("Image Prewarm Quota Not Checked",
			"The provider could not read the account's image prewarm quota, so this plan was not checked against it; the apply will fail if Novita refuses the task. Error: "+err.Error())
		return diags
	}
	total, limit := int(q.Total), int(q.Limit)
	if limit <= 0 || total-freed < limit {
		return diags
	}
	detail := fmt.Sprintf("The account's image prewarm quota allows %d tasks and %d exist", limit, total)
	if freed > 0 {
		detail += fmt.Sprintf(" (%d of them replaced by this plan)", freed)
	}
	detail += ", so Novita would refuse a new one."
	if r.sameTaskExists(ctx, plan) {
		diags.AddWarning("Image Prewarm Quota May Be Full", detail+
			" A task for the same image already exists in this cluster; if this plan replaces it (a tainted task, or -replace), the apply deletes it first and there is room.")
		return diags
	}
	diags.AddError("Image Prewarm Quota Exhausted", detail+
		" Delete tasks that are no longer needed (other novita_image_prewarm resources, or in the Novita console), or ask Novita for a higher quota. "+
		"The novita_image_prewarm_quota data source shows the quota.")
	return diags
}

// sameTaskExists reports whether a task for the planned image exists in the planned cluster.
func (r *imagePrewarmResource) sameTaskExists(ctx context.Context, plan imagePrewarmModel) bool {
	if plan.Image.IsUnknown() || plan.ClusterID.IsUnknown() {
		return true // cannot tell: do not fail the plan on a guess
	}
	tasks, err := r.data.client.ListImagePrewarms(ctx, plan.near())
	if err != nil {
		return true
	}
	for _, t := range tasks {
		if t.ImageURL == plan.Image.ValueString() && t.ClusterID == plan.ClusterID.ValueString() {
			return true
		}
	}
	return false
}

// listOrNone joins items with commas, or says "none".
func listOrNone(items []string) string {
	if len(items) == 0 {
		return "none"
	}
	return strings.Join(items, ", ")
}
