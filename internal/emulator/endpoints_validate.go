package emulator

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Rules of an endpoint body beyond the limits API.
const (
	maxNameChars      = 255  // name, app_name, product_id, registry_auth_id (v2)
	maxImageChars     = 500  // image (v2)
	maxCommandChars   = 2047 // entrypoint and command (v1's command limit) [decided]
	maxReplicasDoc    = 1000 // worker_config.max_replicas upper bound documented for v2
	defaultReqTimeout = 3600 // worker_config.request_timeout when left out
)

var (
	// DefaultPolicy is the policy of an endpoint whose body leaves policy out.
	DefaultPolicy  = Policy{Type: "queue", Value: 60}
	reservedPorts  = []int{2222, 2223, 2224}
	appNamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]*$`)
)

// draft is an endpoint being built from a request body by endpointChecks.
type draft struct {
	e       *Emulator
	in      *endpointBody
	ep      Endpoint // the caller presets the fixed fields; the checks fill in the rest
	current string   // the endpoint's region on update, kept when region_id is left out; "" on create
	product Product  // set by checkProduct
}

// endpointCheck validates one part of the body and fills in the matching part of the endpoint.
type endpointCheck func(d *draft) *apiError

// endpointChecks run in this order on create and update: the product before what it bounds,
// worker_config's presence before its fields, ports before the health check that defaults to
// them, region_id before the volumes that need it and the default that fills it.
var endpointChecks = []endpointCheck{
	checkName, checkProduct, checkImage, checkRegistryAuth, checkCommandLines,
	requireWorkerConfig, checkReplicas, checkWorkerTimings, checkWorkerSizes, checkCUDAVersion,
	checkPolicy, checkPorts, checkHealthCheck, checkEnvs,
	checkRegion, checkVolumes, defaultRegion,
}

// buildEndpoint validates a create or update body against the limits, the catalog and the
// team's objects, and returns the endpoint it describes on top of base's fixed fields.
func (e *Emulator) buildEndpoint(base Endpoint, in *endpointBody, currentRegion string) (Endpoint, *apiError) {
	d := &draft{e: e, in: in, ep: base, current: currentRegion}
	for _, check := range endpointChecks {
		if err := check(d); err != nil {
			return Endpoint{}, err
		}
	}
	return d.ep, nil
}

// checkType and checkAppName validate the two fields only a create body has.
func checkType(typ string) *apiError {
	if typ != "async" && typ != "sync" {
		return invalid("type is required: async or sync, got %q", typ)
	}
	return nil
}

func checkAppName(name string) *apiError {
	if n := utf8.RuneCountInString(name); n > maxNameChars || !appNamePattern.MatchString(name) {
		return invalid("app_name must be 1-%d letters, digits and hyphens, not starting with a hyphen (it is part of the job URL), got %q", maxNameChars, name)
	}
	return nil
}

func checkName(d *draft) *apiError {
	if err := charsBetween("name", d.in.Name, 1, maxNameChars); err != nil {
		return err
	}
	d.ep.Name = d.in.Name
	return nil
}

func checkProduct(d *draft) *apiError {
	if err := charsBetween("product_id", d.in.ProductID, 1, maxNameChars); err != nil {
		return err
	}
	p, ok := findProduct(d.in.ProductID)
	if !ok {
		return badRequest("SERVERLESS_PRODUCT_NOT_FOUND", "product_id: serverless product %q not found; products: %s", d.in.ProductID, productIDs())
	}
	if !p.Deployable {
		return badRequest("INSUFFICIENT_RESOURCE", "product %q (%s) has no capacity for new deployments", p.ID, p.Name)
	}
	d.product, d.ep.ProductID = p, p.ID
	return nil
}

func checkImage(d *draft) *apiError {
	if err := charsBetween("image", d.in.Image, 1, maxImageChars); err != nil {
		return err
	}
	d.ep.Image = d.in.Image
	return nil
}

func checkRegistryAuth(d *draft) *apiError {
	id := d.in.RegistryAuthID
	if err := charsBetween("registry_auth_id", id, 0, maxNameChars); err != nil {
		return err
	}
	if id != "" {
		if cred, ok := d.e.credentials[id]; !ok || cred.Team != d.ep.Team {
			return badRequest("RESOURCE_NOT_FOUND", "registry_auth_id: registry credential %q not found", id)
		}
	}
	d.ep.RegistryAuthID = id
	return nil
}

func checkCommandLines(d *draft) *apiError {
	if err := charsBetween("entrypoint", d.in.Entrypoint, 0, maxCommandChars); err != nil {
		return err
	}
	if err := charsBetween("command", d.in.Command, 0, maxCommandChars); err != nil {
		return err
	}
	d.ep.Entrypoint, d.ep.Command = d.in.Entrypoint, d.in.Command
	return nil
}

func requireWorkerConfig(d *draft) *apiError {
	if d.in.WorkerConfig == nil {
		return invalid("worker_config is required")
	}
	if d.in.WorkerConfig.MaxReplicas == nil {
		return invalid("worker_config.max_replicas is required")
	}
	return nil
}

func checkReplicas(d *draft) *apiError {
	wc, lim := d.in.WorkerConfig, DefaultLimits
	hi := min(lim.MaxWorkerNum, maxReplicasDoc)
	if err := inRange("worker_config.min_replicas", wc.MinReplicas, lim.MinWorkerNum, hi); err != nil {
		return err
	}
	if err := inRange("worker_config.max_replicas", *wc.MaxReplicas, lim.MinWorkerNum, hi); err != nil {
		return err
	}
	if *wc.MaxReplicas < wc.MinReplicas {
		return invalid("worker_config.max_replicas (%d) must be at least worker_config.min_replicas (%d)", *wc.MaxReplicas, wc.MinReplicas)
	}
	d.ep.WorkerConfig.MinReplicas, d.ep.WorkerConfig.MaxReplicas = wc.MinReplicas, *wc.MaxReplicas
	return nil
}

func checkWorkerTimings(d *draft) *apiError {
	wc, lim := d.in.WorkerConfig, DefaultLimits
	timeout := wc.RequestTimeout
	if timeout == 0 {
		timeout = defaultReqTimeout
	}
	for _, c := range []struct {
		field     string
		v, lo, hi int
	}{
		{"worker_config.idle_timeout", wc.IdleTimeout, lim.MinFreeTimeout, lim.MaxFreeTimeout},
		{"worker_config.max_concurrent_per_worker", wc.MaxConcurrentPerWorker, lim.MinConcurrencyNum, lim.MaxConcurrencyNum},
		{"worker_config.request_timeout", timeout, lim.MinRequestTimeout, lim.MaxRequestTimeout},
	} {
		if err := inRange(c.field, c.v, c.lo, c.hi); err != nil {
			return err
		}
	}
	d.ep.WorkerConfig.IdleTimeout, d.ep.WorkerConfig.MaxConcurrentPerWorker = wc.IdleTimeout, wc.MaxConcurrentPerWorker
	d.ep.WorkerConfig.RequestTimeout = timeout
	return nil
}

// checkWorkerSizes bounds gpu_num and rootfs_size_gb by the product's resource_spec.
func checkWorkerSizes(d *draft) *apiError {
	wc, p := d.in.WorkerConfig, d.product
	gpu, fs := p.ResourceSpec.GPU, p.ResourceSpec.Rootfs
	if wc.GPUNum < gpu.Min || wc.GPUNum > gpu.Max {
		return invalid("worker_config.gpu_num must be between %d and %d for product %q (%s), got %d", gpu.Min, gpu.Max, p.ID, p.Name, wc.GPUNum)
	}
	rootfs := wc.RootfsSizeGB
	if rootfs == 0 {
		rootfs = fs.FreeGB
	}
	if rootfs < fs.MinGB || rootfs > fs.MaxGB {
		return invalid("worker_config.rootfs_size_gb must be between %d and %d for product %q (%s), got %d", fs.MinGB, fs.MaxGB, p.ID, p.Name, rootfs)
	}
	d.ep.WorkerConfig.GPUNum, d.ep.WorkerConfig.RootfsSizeGB = wc.GPUNum, rootfs
	return nil
}

func checkCUDAVersion(d *draft) *apiError {
	v, list := d.in.WorkerConfig.MinCUDAVersion, DefaultLimits.CudaVersionList
	if v != "" && !slices.Contains(list, v) {
		return invalid("worker_config.min_cuda_version must be one of %s, got %q", strings.Join(list, ", "), v)
	}
	d.ep.WorkerConfig.MinCUDAVersion = v
	return nil
}

func checkPolicy(d *draft) *apiError {
	lim := DefaultLimits
	p := DefaultPolicy
	if d.in.Policy != nil {
		p = Policy(*d.in.Policy)
	}
	var err *apiError
	switch p.Type {
	case "queue":
		err = inRange("policy.value (queue wait seconds)", p.Value, lim.MinQueueWaitTime, lim.MaxQueueWaitTime)
	case "concurrency":
		err = inRange("policy.value (requests per worker)", p.Value, lim.MinRequestNum, lim.MaxRequestNum)
	default:
		err = invalid("policy.type must be queue or concurrency, got %q", p.Type)
	}
	d.ep.Policy = p
	return err
}

func checkPorts(d *draft) *apiError {
	if len(d.in.Ports) != 1 {
		return invalid("ports must contain exactly one port, got %d", len(d.in.Ports))
	}
	port := d.in.Ports[0]
	if err := checkPort("ports[0]", port); err != nil {
		return err
	}
	d.ep.Port = port
	return nil
}

func checkPort(field string, port int) *apiError {
	if err := inRange(field, port, 1, 65535); err != nil {
		return err
	}
	if slices.Contains(reservedPorts, port) {
		return invalid("%s: port %d is reserved (2222, 2223 and 2224 cannot be used)", field, port)
	}
	return nil
}

// checkHealthCheck takes path (empty, or starting with /) and port (left out: the endpoint's port).
func checkHealthCheck(d *draft) *apiError {
	hc := HealthCheck{Port: d.ep.Port}
	if in := d.in.HealthCheck; in != nil {
		hc.Path = in.Path
		if in.Port != 0 {
			hc.Port = in.Port
		}
	}
	if hc.Path != "" && !strings.HasPrefix(hc.Path, "/") {
		return invalid("health_check.path must start with /, got %q", hc.Path)
	}
	if err := checkPort("health_check.port", hc.Port); err != nil {
		return err
	}
	d.ep.HealthCheck = hc
	return nil
}

func checkEnvs(d *draft) *apiError {
	seen := map[string]bool{}
	for i, env := range d.in.Envs {
		if env.Key == "" {
			return invalid("envs[%d].key is required", i)
		}
		if seen[env.Key] {
			return invalid("envs[%d].key %q is repeated", i, env.Key)
		}
		seen[env.Key] = true
		d.ep.Envs = append(d.ep.Envs, Env(env))
	}
	return nil
}

// checkRegion validates an explicit region_id (a v1 cluster id) against the clusters and the
// product's region_ids.
func checkRegion(d *draft) *apiError {
	id, p := d.in.RegionID, d.product
	if id == "" {
		return nil
	}
	if _, ok := findCluster(id); !ok {
		return invalid("region_id %q is not a known region; regions: %s", id, clusterIDs())
	}
	if !slices.Contains(p.RegionIDs, id) {
		return invalid("region_id: product %q (%s) is not offered in region %q; it is offered in %s",
			p.ID, p.Name, id, strings.Join(p.RegionIDs, ", "))
	}
	d.ep.RegionID = id
	return nil
}

// checkVolumes validates each mount: a local volume's size against the limits, a network volume's
// storage (the team's, in the endpoint's explicit region_id).
func checkVolumes(d *draft) *apiError {
	lim := DefaultLimits
	mounted := map[string]bool{}
	for i, v := range d.in.Volumes {
		at := fmt.Sprintf("volumes[%d]", i)
		if !strings.HasPrefix(v.MountPoint, "/") || mounted[v.MountPoint] {
			return invalid("%s.mount_point must be an absolute path mounted once, got %q", at, v.MountPoint)
		}
		mounted[v.MountPoint] = true
		switch v.Type {
		case "local":
			if err := inRange(at+".size", v.Size, lim.MinLocalVolumeSize, lim.MaxLocalVolumeSize); err != nil {
				return err
			}
			d.ep.Volumes = append(d.ep.Volumes, Volume{Type: "local", SizeGB: v.Size, MountPoint: v.MountPoint})
		case "network":
			size, err := d.networkStorage(at, v.ID)
			if err != nil {
				return err
			}
			d.ep.Volumes = append(d.ep.Volumes, Volume{ID: v.ID, Type: "network", SizeGB: size, MountPoint: v.MountPoint})
		default:
			return invalid("%s.type must be local or network, got %q", at, v.Type)
		}
	}
	return nil
}

// networkStorage checks a network volume's storage and returns its size (a size in the body is
// ignored: the storage has one).
func (d *draft) networkStorage(at, id string) (int, *apiError) {
	if id == "" {
		return 0, invalid("%s.id (the cloud storage id) is required for a network volume", at)
	}
	st, ok := d.e.storages[id]
	if !ok || st.Team != d.ep.Team {
		return 0, badRequest("NETWORK_STORAGE_NOT_FOUND", "%s: network storage %q not found", at, id)
	}
	if d.in.RegionID == "" {
		return 0, invalid("region_id is required when a network volume is mounted (storage %q is in region %q)", id, st.ClusterID)
	}
	if d.in.RegionID != st.ClusterID {
		return 0, invalid("region_id %q must equal the region of network storage %q (%q)", d.in.RegionID, id, st.ClusterID)
	}
	return st.SizeGB, nil
}

// defaultRegion fills a left-out region_id: the current region on update, which must offer the
// (perhaps new) product, or the product's first region on create.
func defaultRegion(d *draft) *apiError {
	if d.ep.RegionID != "" {
		return nil
	}
	p := d.product
	if d.current == "" {
		d.ep.RegionID = p.RegionIDs[0]
		return nil
	}
	if !slices.Contains(p.RegionIDs, d.current) {
		return invalid("region_id: product %q (%s) is not offered in the endpoint's region %q; set region_id to one of %s",
			p.ID, p.Name, d.current, strings.Join(p.RegionIDs, ", "))
	}
	d.ep.RegionID = d.current
	return nil
}

func inRange(field string, v, lo, hi int) *apiError {
	if v < lo || v > hi {
		return invalid("%s must be between %d and %d, got %d", field, lo, hi, v)
	}
	return nil
}

// charsBetween checks a string's length in characters (not bytes), as Novita counts.
func charsBetween(field, s string, lo, hi int) *apiError {
	n := utf8.RuneCountInString(s)
	switch {
	case n < lo && lo == 1:
		return invalid("%s is required (1-%d characters)", field, hi)
	case n < lo || n > hi:
		return invalid("%s must be %d-%d characters, got %d", field, lo, hi, n)
	}
	return nil
}
