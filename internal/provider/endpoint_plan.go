package provider

import (
	"context"
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

// Plan time: configuration rules (ValidateConfig) and the checks of ModifyPlan.

// validateEndpointConfig checks the rules that span attributes. Unknown values pass.
func validateEndpointConfig(ctx context.Context, cfg endpointResourceModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if known(cfg.MinWorkers) && known(cfg.MaxWorkers) && cfg.MaxWorkers.ValueInt64() < cfg.MinWorkers.ValueInt64() {
		diags.AddAttributeError(path.Root("max_workers"), "Invalid Worker Range",
			fmt.Sprintf("max_workers (%d) must be at least min_workers (%d).", cfg.MaxWorkers.ValueInt64(), cfg.MinWorkers.ValueInt64()))
	}
	// A port equal to port is the default that an import reads back, so the configuration that
	// terraform plan -generate-config-out writes for an endpoint without a health check has it.
	if !cfg.HealthCheckPort.IsNull() && cfg.HealthCheckPath.IsNull() && !cfg.HealthCheckPort.Equal(cfg.Port) {
		diags.AddAttributeError(path.Root("health_check_port"), "health_check_port Without health_check_path",
			"health_check_port is the port of the health check at health_check_path: set health_check_path (for example \"/health\") or remove health_check_port.")
	}
	diags.Append(validateVolumeMounts(ctx, cfg)...)
	diags.Append(validateEnvMaps(cfg)...)
	return diags
}

// validateVolumeMounts checks each mount's shape for its type, unique paths, and a cluster for
// network storage.
func validateVolumeMounts(ctx context.Context, cfg endpointResourceModel) diag.Diagnostics {
	var diags diag.Diagnostics
	mounts, d := cfg.volumeMounts(ctx)
	diags.Append(d...)
	paths := map[string]int{}
	for i, vm := range mounts {
		at := path.Root("volume_mounts").AtListIndex(i)
		switch vm.Type.ValueString() {
		case mountNetwork:
			if vm.CloudStorageID.IsNull() {
				diags.AddAttributeError(at.AtName("cloud_storage_id"), "Missing Cloud Storage",
					"A network volume mounts a novita_cloud_storage: set cloud_storage_id.")
			}
			if !vm.SizeGB.IsNull() {
				diags.AddAttributeError(at.AtName("size_gb"), "Size Not Allowed on a Network Volume",
					"A network volume has the size of its cloud storage; remove size_gb (resize the novita_cloud_storage instead).")
			}
		case mountLocal:
			if vm.SizeGB.IsNull() {
				diags.AddAttributeError(at.AtName("size_gb"), "Missing Volume Size", "A local volume needs size_gb.")
			}
			if !vm.CloudStorageID.IsNull() {
				diags.AddAttributeError(at.AtName("cloud_storage_id"), "Cloud Storage Not Allowed on a Local Volume",
					"cloud_storage_id applies to network volumes only: use type = \"network\" or remove it.")
			}
		}
		if known(vm.MountPath) {
			p := vm.MountPath.ValueString()
			if first, dup := paths[p]; dup {
				diags.AddAttributeError(at.AtName("mount_path"), "Duplicate Mount Path",
					fmt.Sprintf("mount_path %q is already used by volume_mounts[%d]; each volume needs its own path.", p, first))
			} else {
				paths[p] = i
			}
		}
	}
	if hasNetworkMount(ctx, cfg) && cfg.ClusterID.IsNull() {
		diags.AddAttributeError(path.Root("cluster_id"), "Missing Cluster for Network Volume",
			"An endpoint that mounts a network volume must set cluster_id to that cloud storage's cluster (for example novita_cloud_storage.x.cluster_id).")
	}
	return diags
}

// validateEnvMaps checks that each variable comes from one map only, and that secret_env_wo and
// its version come together.
func validateEnvMaps(cfg endpointResourceModel) diag.Diagnostics {
	var diags diag.Diagnostics
	envMaps := []struct {
		name string
		m    types.Map
	}{{"env", cfg.Env}, {"secret_env", cfg.SecretEnv}, {"secret_env_wo", cfg.SecretEnvWO}}
	seen := map[string]string{}
	for _, em := range envMaps {
		if !known(em.m) {
			continue
		}
		for _, k := range slices.Sorted(maps.Keys(em.m.Elements())) {
			if other, dup := seen[k]; dup {
				diags.AddAttributeError(path.Root(em.name).AtMapKey(k), "Duplicate Environment Variable",
					fmt.Sprintf("%s is set in both %s and %s; set each variable in one map only.", k, other, em.name))
				continue
			}
			seen[k] = em.name
		}
	}
	if !cfg.SecretEnvWO.IsNull() && cfg.SecretEnvWOVersion.IsNull() {
		diags.AddAttributeError(path.Root("secret_env_wo_version"), "Missing secret_env_wo_version",
			"secret_env_wo is never stored, so Terraform cannot see its changes: set secret_env_wo_version (for example 1) and change it whenever the values change.")
	}
	if cfg.SecretEnvWO.IsNull() && !cfg.SecretEnvWOVersion.IsNull() {
		diags.AddAttributeError(path.Root("secret_env_wo_version"), "secret_env_wo_version Without secret_env_wo",
			"secret_env_wo_version versions the values of secret_env_wo; set secret_env_wo or remove secret_env_wo_version.")
	}
	return diags
}

// ModifyPlan adds warnings, plans env_keys (and settles an imported endpoint's variables), and
// checks create and update plans against the account's live limits, products, clusters and
// mounted storage.
func (r *endpointResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var plan endpointResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var prior *endpointResourceModel
	if !req.State.Raw.IsNull() {
		prior = &endpointResourceModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, prior)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	resp.Diagnostics.Append(idleWorkersWarning(plan)...)
	if prior != nil {
		resp.Diagnostics.Append(failedStateWarning(*prior)...)
	}
	var readLive func(ctx context.Context, id string) (map[string]string, error)
	if r.data != nil {
		readLive = func(ctx context.Context, id string) (map[string]string, error) {
			e, err := r.data.client.GetEndpoint(ctx, id)
			if err != nil {
				return nil, err
			}
			return envMapOf(e.Envs), nil
		}
	}
	planEnv(ctx, req, resp, prior, readLive)
	if r.data == nil || resp.Diagnostics.HasError() {
		return // the provider is not configured (validation only)
	}
	cat := r.data.planCatalog(ctx, "Endpoint", &resp.Diagnostics)
	if cat == nil {
		return
	}
	if cat.Limits == nil && r.data.catalogCache.warnLimitsOnce() {
		resp.Diagnostics.AddWarning("Account Limits Not Available",
			"Novita answered GET /endpoint/limit with not found, so endpoint plans are not checked against the account's limits "+
				"(worker counts, timeouts, policy values, disk sizes, CUDA versions); the GPU products and clusters are still checked. "+
				"The apply reports any value Novita refuses. This warning is shown once per run.")
	}
	live := checkEndpointPlan(ctx, plan, prior, cat)
	if prior == nil || !plan.ClusterID.Equal(prior.ClusterID) || !plan.VolumeMounts.Equal(prior.VolumeMounts) {
		live.Append(checkMountedStorage(ctx, plan, func(id string) (*client.CloudStorage, error) {
			return r.data.client.GetCloudStorage(ctx, id)
		})...)
	}
	resp.Diagnostics.Append(liveCheckSeverity(live, prior != nil)...)
}

// failedStateWarning warns when the endpoint was failed at the last refresh: a failed in-place
// update leaves it failed with the configuration already in state, so the plan may show no
// changes although the endpoint does not serve.
func failedStateWarning(prior endpointResourceModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if prior.State.ValueString() != "failed" {
		return diags
	}
	msg := prior.StateMessage.ValueString()
	if msg == "" {
		msg = "(Novita gave no message)"
	}
	diags.AddAttributeWarning(path.Root("state"), "Endpoint Is Failed",
		fmt.Sprintf("Endpoint %s is failed: %s\n\nIt does not serve requests, even if this plan shows no changes to it. "+
			"Fix the cause (for example the image, the registry credential or the command) and apply again, "+
			"or replace the endpoint with terraform apply -replace=<address> (or terraform taint <address>).",
			prior.ID.ValueString(), msg))
	return diags
}

// checkMountedStorage checks that every network volume's cloud storage exists and lives in the
// endpoint's cluster. Unknown ids or cluster are skipped; storage that cannot be read for other
// reasons is left to the apply.
func checkMountedStorage(ctx context.Context, plan endpointResourceModel, lookup func(id string) (*client.CloudStorage, error)) diag.Diagnostics {
	var diags diag.Diagnostics
	mounts, _ := plan.volumeMounts(ctx)
	for i, vm := range mounts {
		if vm.Type.ValueString() != mountNetwork || !known(vm.CloudStorageID) {
			continue
		}
		id := vm.CloudStorageID.ValueString()
		st, err := lookup(id)
		switch {
		case client.IsNotFound(err):
			diags.AddAttributeError(path.Root("volume_mounts").AtListIndex(i).AtName("cloud_storage_id"), "Cloud Storage Not Found",
				fmt.Sprintf("No cloud storage with id %q exists in this account.", id))
		case err != nil:
		case known(plan.ClusterID) && st.ClusterID != plan.ClusterID.ValueString():
			diags.AddAttributeError(path.Root("cluster_id"), "Cluster Does Not Match Mounted Storage",
				fmt.Sprintf("cloud storage %s is in cluster %q, but cluster_id is %q; an endpoint runs in the cluster of the network storage it mounts: set cluster_id = %q (for example novita_cloud_storage.<name>.cluster_id).",
					id, st.ClusterID, plan.ClusterID.ValueString(), st.ClusterID))
		}
	}
	return diags
}

// idleWorkersWarning warns that min_workers > 0 keeps GPUs billing with no traffic.
func idleWorkersWarning(plan endpointResourceModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if known(plan.MinWorkers) && plan.MinWorkers.ValueInt64() > 0 {
		diags.AddAttributeWarning(path.Root("min_workers"), "Idle Workers Are Billed",
			fmt.Sprintf("min_workers = %d keeps %d worker(s) running, and billed, even when no requests arrive. Set min_workers = 0 to scale to zero (at the cost of cold starts).",
				plan.MinWorkers.ValueInt64(), plan.MinWorkers.ValueInt64()))
	}
	return diags
}

// checkEndpointPlan compares the plan with the account's limits, products and clusters. On
// update (prior != nil) only values that change are checked, so that a limit lowered since the
// last apply does not block unrelated changes. Unknown values are skipped.
func checkEndpointPlan(ctx context.Context, plan endpointResourceModel, prior *endpointResourceModel, cat *accountCatalog) diag.Diagnostics {
	c := planCheck{ctx: ctx, plan: plan, isCreate: prior == nil}
	if prior != nil {
		c.was = *prior
	}
	if cat.Limits != nil {
		c.checkLimits(cat.Limits)
	}
	product, productKnown := c.checkProduct(cat)
	c.checkPlacement(cat, product, productKnown)
	return c.diags
}

// planCheck holds one plan check's inputs and findings.
type planCheck struct {
	ctx       context.Context
	plan, was endpointResourceModel // was is all null on create
	isCreate  bool
	diags     diag.Diagnostics
}

// changed reports whether v is known and new (always on create).
func (c *planCheck) changed(v, old attr.Value) bool { return known(v) && (c.isCreate || !v.Equal(old)) }

// inRange fails the plan when a changed value is outside [lo, hi]; hi == 0 means unpublished.
func (c *planCheck) inRange(at path.Path, v, old types.Int64, lo, hi client.Int, source string) {
	if hi == 0 || !c.changed(v, old) {
		return
	}
	if n := v.ValueInt64(); n < int64(lo) || n > int64(hi) {
		c.diags.AddAttributeError(at, "Value Outside the Account's Limits",
			fmt.Sprintf("%s must be between %d and %d for this account (%s), got %d.", at, lo, hi, source, n))
	}
}

// checkLimits compares the plan with /endpoint/limit.
func (c *planCheck) checkLimits(lim *client.EndpointLimits) {
	p, was := c.plan, c.was
	const src = " of /endpoint/limit"
	c.inRange(path.Root("min_workers"), p.MinWorkers, was.MinWorkers, lim.MinWorkerNum, lim.MaxWorkerNum, "minWorkerNum-maxWorkerNum"+src)
	c.inRange(path.Root("max_workers"), p.MaxWorkers, was.MaxWorkers, lim.MinWorkerNum, lim.MaxWorkerNum, "minWorkerNum-maxWorkerNum"+src)
	c.inRange(path.Root("idle_timeout"), p.IdleTimeout, was.IdleTimeout, lim.MinFreeTimeout, lim.MaxFreeTimeout, "minFreeTimeout-maxFreeTimeout"+src)
	c.inRange(path.Root("max_concurrency"), p.MaxConcurrency, was.MaxConcurrency, lim.MinConcurrencyNum, lim.MaxConcurrencyNum, "minConcurrencyNum-maxConcurrencyNum"+src)
	c.inRange(path.Root("gpu_count"), p.GPUCount, was.GPUCount, lim.MinGPUNum, lim.MaxGPUNum, "minGPUNum-maxGPUNum"+src)
	c.inRange(path.Root("system_disk_gb"), p.SystemDiskGB, was.SystemDiskGB, lim.MinRootfsSize, lim.MaxRootfsSize, "minRootfsSize-maxRootfsSize"+src)
	c.inRange(path.Root("request_timeout"), p.RequestTimeout, was.RequestTimeout, lim.MinRequestTimeout, lim.MaxRequestTimeout, "minRequestTimeout-maxRequestTimeout"+src)

	policy, d := p.scalingPolicy(c.ctx)
	c.diags.Append(d...)
	oldPolicy, _ := was.scalingPolicy(c.ctx)
	if policy != nil && known(policy.Type) {
		oldValue := types.Int64Null()
		if oldPolicy != nil && oldPolicy.Type.Equal(policy.Type) {
			oldValue = oldPolicy.Value // same type: only a new value needs checking
		}
		at := path.Root("scaling_policy").AtName("value")
		switch policy.Type.ValueString() {
		case "queue":
			c.inRange(at, policy.Value, oldValue, lim.MinQueueWaitTime, lim.MaxQueueWaitTime, "minQueueWaitTime-maxQueueWaitTime"+src+", seconds of queue wait for policy queue")
		case "concurrency":
			c.inRange(at, policy.Value, oldValue, lim.MinRequestNum, lim.MaxRequestNum, "minRequestNum-maxRequestNum"+src+", queued requests per worker for policy concurrency")
		}
	}

	mounts, d := p.volumeMounts(c.ctx)
	c.diags.Append(d...)
	for i, vm := range mounts {
		if vm.Type.ValueString() == mountLocal {
			c.inRange(path.Root("volume_mounts").AtListIndex(i).AtName("size_gb"), vm.SizeGB, types.Int64Null(),
				lim.MinLocalVolumeSize, lim.MaxLocalVolumeSize, "minLocalVolumeSize-maxLocalVolumeSize"+src)
		}
	}

	if c.changed(p.MinCudaVersion, was.MinCudaVersion) && len(lim.CudaVersionList) > 0 && !slices.Contains(lim.CudaVersionList, p.MinCudaVersion.ValueString()) {
		c.diags.AddAttributeError(path.Root("min_cuda_version"), "Unsupported CUDA Version",
			fmt.Sprintf("min_cuda_version %q is not offered to this account; use one of: %s.", p.MinCudaVersion.ValueString(), strings.Join(lim.CudaVersionList, ", ")))
	}
}

// checkProduct checks that the product exists and that the GPUs per worker and the system disk
// fit it. It returns the product when it is known.
func (c *planCheck) checkProduct(cat *accountCatalog) (client.Product, bool) {
	p, was := c.plan, c.was
	if !known(p.ProductID) {
		return client.Product{}, false
	}
	product, ok := cat.product(p.ProductID.ValueString())
	if !ok {
		if c.changed(p.ProductID, was.ProductID) && len(cat.Products) > 0 {
			ids := make([]string, 0, len(cat.Products))
			for _, pr := range cat.Products {
				ids = append(ids, fmt.Sprintf("%s (%s)", pr.ID, pr.Name))
			}
			c.diags.AddAttributeError(path.Root("product_id"), "Unknown GPU Product",
				fmt.Sprintf("product_id %q is not a serverless GPU product of this account; use one of: %s.", p.ProductID.ValueString(), strings.Join(ids, ", ")))
		}
		return client.Product{}, false
	}
	// A new product re-checks values that did not change: they must fit it too.
	productChanged := c.changed(p.ProductID, was.ProductID)
	oldGPU, oldDisk := was.GPUCount, was.SystemDiskGB
	if productChanged {
		oldGPU, oldDisk = types.Int64Null(), types.Int64Null()
	}
	spec := product.ResourceSpec
	source := fmt.Sprintf("product %s (%s)", product.ID, product.Name)
	c.inRange(path.Root("gpu_count"), p.GPUCount, oldGPU, spec.GPU.Min, spec.GPU.Max, source+", GPUs per worker")
	c.inRange(path.Root("system_disk_gb"), p.SystemDiskGB, oldDisk, spec.Rootfs.MinGB, spec.Rootfs.MaxGB, source+", system disk GB")
	return product, true
}

// checkPlacement checks that the cluster exists, offers the product, and supports network
// storage when a network volume is mounted. Checked when any of the three changes.
func (c *planCheck) checkPlacement(cat *accountCatalog, product client.Product, productKnown bool) {
	p, was := c.plan, c.was
	placementChanged := c.isCreate || !p.ClusterID.Equal(was.ClusterID) || !p.ProductID.Equal(was.ProductID) || !p.VolumeMounts.Equal(was.VolumeMounts)
	if !known(p.ClusterID) || !placementChanged || len(cat.Clusters) == 0 {
		return
	}
	id := p.ClusterID.ValueString()
	if !cat.hasCluster(id) {
		ids := make([]string, 0, len(cat.Clusters))
		for _, cl := range cat.Clusters {
			ids = append(ids, cl.ID)
		}
		c.diags.AddAttributeError(path.Root("cluster_id"), "Unknown Cluster",
			fmt.Sprintf("cluster_id %q is not a Novita cluster; use one of: %s.", id, strings.Join(ids, ", ")))
		return
	}
	if productKnown && len(product.RegionIDs) > 0 && !slices.Contains(product.RegionIDs, id) {
		c.diags.AddAttributeError(path.Root("cluster_id"), "GPU Product Not Offered in Cluster",
			fmt.Sprintf("product %s (%s) is not offered in cluster %q; it is offered in: %s.", product.ID, product.Name, id, strings.Join(product.RegionIDs, ", ")))
		return
	}
	if hasNetworkMount(c.ctx, p) {
		if summary, detail := clusterNetworkStorageError(cat.Clusters, id); summary != "" {
			c.diags.AddAttributeError(path.Root("cluster_id"), summary, detail+" An endpoint that mounts a network volume must run in such a cluster.")
		}
	}
}

func hasNetworkMount(ctx context.Context, m endpointResourceModel) bool {
	mounts, _ := m.volumeMounts(ctx)
	for _, vm := range mounts {
		if vm.Type.ValueString() == mountNetwork {
			return true
		}
	}
	return false
}
