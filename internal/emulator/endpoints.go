package emulator

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Endpoint is a serverless endpoint as the emulator stores it.
type Endpoint struct {
	ID, Team, Name, AppName, Type string
	WorkerConfig                  WorkerConfig
	Port                          int
	Policy                        Policy
	Image                         Image
	ProductID                     string
	RootfsSize                    int
	VolumeMounts                  []VolumeMount
	ClusterID                     string
	Envs                          []Env
	HealthPath                    string
	State, StateError             string
	StateMessage                  string
	CreatedAt, UpdatedAt          time.Time
}

// WorkerConfig is an endpoint's worker settings.
type WorkerConfig struct {
	MinNum, MaxNum, FreeTimeout, MaxConcurrent, GPUNum, RequestTimeout int
	CudaVersion                                                        string
}

// Policy is an endpoint's scaling policy: Type "queue" (Value: seconds of queue wait) or
// "concurrency" (Value: queued requests per worker).
type Policy struct {
	Type  string
	Value int
}

// Image is an endpoint's container image.
type Image struct{ Image, AuthID, Command string }

// VolumeMount is a local volume (Size GB) or a network volume (ID of a cloud storage).
type VolumeMount struct {
	Type      string
	Size      int
	ID        string
	MountPath string
}

// Env is one environment variable.
type Env struct{ Key, Value string }

// Endpoint states.
const (
	stateCreating = "creating"
	stateUpdating = "updating"
	stateDeleting = "deleting"
	stateServing  = "serving"
	stateFailed   = "failed"
)

// endpointRecord is a stored endpoint plus its pending lifecycle transition, which settles lazily
// against the clock (no goroutines).
type endpointRecord struct {
	Endpoint
	Pending      string    // "", "create", "update" or "delete"
	PendingSince time.Time // when the pending transition started
	Seq          int64
}

func (rec *endpointRecord) copy() Endpoint {
	ep := rec.Endpoint
	ep.VolumeMounts = slices.Clone(ep.VolumeMounts)
	ep.Envs = slices.Clone(ep.Envs)
	return ep
}

// jobName is the endpoint's name on the job gateway.
func (ep *Endpoint) jobName() string { return ep.ID + "-" + ep.AppName }

// settleLocked completes every endpoint transition whose delay has passed.
func (e *Emulator) settleLocked() {
	now := e.now()
	for _, rec := range e.endpoints {
		e.settleRecordLocked(rec, now)
	}
}

// settleRecordLocked completes rec's transition if its delay has passed, removing it from the
// store when it was a delete.
func (e *Emulator) settleRecordLocked(rec *endpointRecord, now time.Time) {
	if e.settleEndpoint(rec, now) {
		delete(e.endpoints, rec.ID)
		e.forget = append(e.forget, rec.ID)
		e.dirty = true
		e.noteClusterEmptied(rec)
	}
}

// noteClusterEmptied starts the ClusterReactivation window when rec was its team's last endpoint
// in its cluster.
func (e *Emulator) noteClusterEmptied(rec *endpointRecord) {
	if e.opts.ClusterReactivation <= 0 {
		return
	}
	for _, other := range e.endpoints {
		if other.Team == rec.Team && other.ClusterID == rec.ClusterID {
			return
		}
	}
	goneAt := rec.PendingSince.Add(e.opts.DeleteDelay)
	e.inactive[rec.Team+"/"+rec.ClusterID] = goneAt.Add(e.opts.ClusterReactivation)
}

// refuseInactiveCluster fails the first create in a cluster that was just emptied, once.
func (e *Emulator) refuseInactiveCluster(team, cluster string) *apiError {
	key := team + "/" + cluster
	until, ok := e.inactive[key]
	if !ok {
		return nil
	}
	delete(e.inactive, key)
	if !e.now().Before(until) {
		return nil
	}
	return badRequest("REQUEST", "cluster is not active, please retry later")
}

// settleEndpoint moves rec along its lifecycle; it reports true when the endpoint is gone.
func (e *Emulator) settleEndpoint(rec *endpointRecord, now time.Time) (gone bool) {
	var delay time.Duration
	switch rec.Pending {
	case "":
		return false
	case "create":
		delay = e.opts.CreateDelay
	case "update":
		delay = e.opts.UpdateDelay
	case "delete":
		delay = e.opts.DeleteDelay
	}
	if now.Before(rec.PendingSince.Add(delay)) {
		return false
	}
	if rec.Pending == "delete" {
		return true
	}
	rec.Pending = ""
	e.dirty = true
	if strings.Contains(rec.Image.Image, "unpullable") {
		rec.State = stateFailed
		rec.StateError = "IMAGE_PULL_FAILED"
		rec.StateMessage = fmt.Sprintf("failed to pull image %q: manifest unknown", rec.Image.Image)
		return false
	}
	rec.State, rec.StateError, rec.StateMessage = stateServing, "", ""
	return false
}

// startTransition marks rec as being created, updated or deleted from now on.
func (e *Emulator) startTransition(rec *endpointRecord, pending, state string) {
	rec.Pending = pending
	rec.PendingSince = e.now()
	rec.State, rec.StateError, rec.StateMessage = state, "", ""
	e.dirty = true
}

// findEndpointLocked returns the team's endpoint; other teams' endpoints do not exist for it.
func (e *Emulator) findEndpointLocked(team, id string) (*endpointRecord, *apiError) {
	if id == "" {
		return nil, invalid("id is required")
	}
	rec, ok := e.endpoints[id]
	if !ok || rec.Team != team {
		return nil, badRequest("SERVERLESS_ENDPOINT_NOT_FOUND", "serverless endpoint %q not found", id)
	}
	return rec, nil
}

// ---- request bodies ----

// endpointInput is the create body's "endpoint" object and the flat update body. Pointer fields
// tell "absent" from "zero" for the fields update cannot change.
type endpointInput struct {
	ID           string          `json:"id"`
	Name         string          `json:"name"`
	AppName      *string         `json:"appName"`
	Type         *string         `json:"type"`
	WorkerConfig *workerConfigIn `json:"workerConfig"`
	Ports        []portIn        `json:"ports"`
	Policy       *policyIn       `json:"policy"`
	Image        *imageIn        `json:"image"`
	Products     []productRef    `json:"products"`
	RootfsSize   *int            `json:"rootfsSize"`
	VolumeMounts []volumeMountIO `json:"volumeMounts"`
	ClusterID    string          `json:"clusterID"`
	Envs         []envIO         `json:"envs"`
	Healthy      *struct {
		Path string `json:"path"`
	} `json:"healthy"`
}

type workerConfigIn struct {
	MinNum         int    `json:"minNum"`
	MaxNum         int    `json:"maxNum"`
	FreeTimeout    int    `json:"freeTimeout"`
	MaxConcurrent  int    `json:"maxConcurrent"`
	GPUNum         int    `json:"gpuNum"`
	RequestTimeout int    `json:"requestTimeout"`
	CudaVersion    string `json:"cudaVersion"`
}

type portIn struct {
	Port portValue `json:"port"`
}

type policyIn struct {
	Type  string `json:"type"`
	Value int    `json:"value"`
}

type imageIn struct {
	Image   string `json:"image"`
	AuthID  string `json:"authId"`
	Command string `json:"command"`
}

type productRef struct {
	ID string `json:"id"`
}

type volumeMountIO struct {
	Type      string `json:"type"`
	Size      int    `json:"size"`
	ID        string `json:"id"`
	MountPath string `json:"mountPath"`
}

type envIO struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Defaults for fields a request may leave out.
const (
	defaultType           = "async"
	defaultRequestTimeout = 3600
)

var (
	reservedPorts  = []int{2222, 2223, 2224}
	appNamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,62}$`)
)

// buildEndpoint validates in against the limits, the catalog and the team's objects, and returns
// the endpoint it describes. prev is nil on create; on update it supplies what cannot change.
func (e *Emulator) buildEndpoint(team, id string, in *endpointInput, prev *endpointRecord) (Endpoint, *apiError) {
	lim := DefaultLimits
	ep := Endpoint{ID: id, Team: team, Name: in.Name}
	if n := utf8.RuneCountInString(in.Name); n > 220 {
		return ep, invalid("name must be at most 220 characters, got %d", n)
	}

	// Fields fixed at create: update rejects a change and keeps them when absent.
	if prev == nil {
		ep.Type = strOr(in.Type, defaultType)
		if ep.Type != "async" && ep.Type != "sync" {
			return ep, invalid("type must be async or sync, got %q", ep.Type)
		}
		ep.AppName = strOr(in.AppName, id)
		if !appNamePattern.MatchString(ep.AppName) {
			return ep, invalid("appName must be 1-63 letters, digits and hyphens, not starting with a hyphen, got %q", ep.AppName)
		}
		if len(in.Products) != 1 {
			return ep, invalid("products must name exactly one product, got %d", len(in.Products))
		}
		ep.ProductID = in.Products[0].ID
		ep.RootfsSize = lim.FreeRootfsSize
		if in.RootfsSize != nil && *in.RootfsSize != 0 {
			ep.RootfsSize = *in.RootfsSize
		}
		if err := inRange("rootfsSize", ep.RootfsSize, lim.MinRootfsSize, lim.MaxRootfsSize); err != nil {
			return ep, err
		}
	} else {
		ep.Type, ep.AppName, ep.ProductID, ep.RootfsSize = prev.Type, prev.AppName, prev.ProductID, prev.RootfsSize
		if v := strOr(in.Type, ep.Type); v != ep.Type {
			return ep, invalid("type cannot be changed after create (is %q, got %q)", ep.Type, v)
		}
		if v := strOr(in.AppName, ep.AppName); v != ep.AppName {
			return ep, invalid("appName cannot be changed after create (is %q, got %q)", ep.AppName, v)
		}
		if len(in.Products) > 0 && (len(in.Products) != 1 || in.Products[0].ID != ep.ProductID) {
			return ep, invalid("products cannot be changed after create (is %q)", ep.ProductID)
		}
		if in.RootfsSize != nil && *in.RootfsSize != 0 && *in.RootfsSize != ep.RootfsSize {
			return ep, invalid("rootfsSize cannot be changed after create (is %d, got %d)", ep.RootfsSize, *in.RootfsSize)
		}
	}
	product, ok := findProduct(ep.ProductID)
	if !ok {
		return ep, badRequest("SERVERLESS_PRODUCT_NOT_FOUND", "serverless product %q not found", ep.ProductID)
	}
	if !product.AvailableDeploy {
		return ep, badRequest("INSUFFICIENT_RESOURCE", "product %q has no capacity for new deployments", product.ID)
	}

	if in.WorkerConfig == nil {
		return ep, invalid("workerConfig is required")
	}
	wc := *in.WorkerConfig
	if wc.RequestTimeout == 0 {
		wc.RequestTimeout = defaultRequestTimeout
	}
	for _, chk := range []struct {
		field     string
		v, lo, hi int
	}{
		{"workerConfig.minNum", wc.MinNum, lim.MinWorkerNum, lim.MaxWorkerNum},
		{"workerConfig.maxNum", wc.MaxNum, lim.MinWorkerNum, lim.MaxWorkerNum},
		{"workerConfig.freeTimeout", wc.FreeTimeout, lim.MinFreeTimeout, lim.MaxFreeTimeout},
		{"workerConfig.maxConcurrent", wc.MaxConcurrent, lim.MinConcurrencyNum, lim.MaxConcurrencyNum},
		{"workerConfig.gpuNum", wc.GPUNum, lim.MinGPUNum, lim.MaxGPUNum},
		{"workerConfig.requestTimeout", wc.RequestTimeout, lim.MinRequestTimeout, lim.MaxRequestTimeout},
	} {
		if err := inRange(chk.field, chk.v, chk.lo, chk.hi); err != nil {
			return ep, err
		}
	}
	if wc.MaxNum < wc.MinNum {
		return ep, invalid("workerConfig.maxNum (%d) must be at least workerConfig.minNum (%d)", wc.MaxNum, wc.MinNum)
	}
	if wc.CudaVersion != "" && !slices.Contains(lim.CudaVersionList, wc.CudaVersion) {
		return ep, invalid("workerConfig.cudaVersion must be one of %s, got %q", strings.Join(lim.CudaVersionList, ", "), wc.CudaVersion)
	}
	ep.WorkerConfig = WorkerConfig(wc)

	if len(in.Ports) != 1 {
		return ep, invalid("ports must contain exactly one port, got %d", len(in.Ports))
	}
	ep.Port = int(in.Ports[0].Port)
	if err := inRange("ports[0].port", ep.Port, 1, 65535); err != nil {
		return ep, err
	}
	if slices.Contains(reservedPorts, ep.Port) {
		return ep, invalid("ports[0].port %d is reserved (2222, 2223 and 2224 cannot be used)", ep.Port)
	}

	if in.Policy == nil {
		return ep, invalid("policy is required")
	}
	ep.Policy = Policy(*in.Policy)
	switch ep.Policy.Type {
	case "queue":
		if err := inRange("policy.value (queue wait seconds)", ep.Policy.Value, lim.MinQueueWaitTime, lim.MaxQueueWaitTime); err != nil {
			return ep, err
		}
	case "concurrency":
		if err := inRange("policy.value (requests per worker)", ep.Policy.Value, lim.MinRequestNum, lim.MaxRequestNum); err != nil {
			return ep, err
		}
	default:
		return ep, invalid("policy.type must be queue or concurrency, got %q", ep.Policy.Type)
	}

	if in.Image == nil || in.Image.Image == "" {
		return ep, invalid("image.image is required")
	}
	ep.Image = Image(*in.Image)
	if n := utf8.RuneCountInString(ep.Image.Image); n > 511 {
		return ep, invalid("image.image must be at most 511 characters, got %d", n)
	}
	if n := utf8.RuneCountInString(ep.Image.Command); n > 2047 {
		return ep, invalid("image.command must be at most 2047 characters, got %d", n)
	}
	if ep.Image.AuthID != "" {
		if cred, ok := e.credentials[ep.Image.AuthID]; !ok || cred.Team != team {
			return ep, badRequest("RESOURCE_NOT_FOUND", "image.authId: registry credential %q not found", ep.Image.AuthID)
		}
	}

	if err := e.placeEndpoint(&ep, in, prev, product); err != nil {
		return ep, err
	}

	seenKeys := map[string]bool{}
	for i, env := range in.Envs {
		if env.Key == "" {
			return ep, invalid("envs[%d].key is required", i)
		}
		if seenKeys[env.Key] {
			return ep, invalid("envs[%d].key %q is repeated", i, env.Key)
		}
		seenKeys[env.Key] = true
		ep.Envs = append(ep.Envs, Env(env))
	}
	if in.Healthy != nil {
		ep.HealthPath = in.Healthy.Path
		if ep.HealthPath != "" && !strings.HasPrefix(ep.HealthPath, "/") {
			return ep, invalid("healthy.path must start with /, got %q", ep.HealthPath)
		}
	}
	return ep, nil
}

// placeEndpoint validates the volume mounts and picks the cluster: a network volume needs
// clusterID equal to its storage's cluster; without one, an empty clusterID keeps the current
// cluster on update and takes the product's first region on create.
func (e *Emulator) placeEndpoint(ep *Endpoint, in *endpointInput, prev *endpointRecord, product Product) *apiError {
	lim := DefaultLimits
	ep.ClusterID = in.ClusterID
	if ep.ClusterID != "" {
		if _, ok := findCluster(ep.ClusterID); !ok {
			return invalid("clusterID %q is not a known cluster", ep.ClusterID)
		}
		if !slices.Contains(product.Regions, ep.ClusterID) {
			return invalid("product %q (%s) is not offered in cluster %q; it is offered in %s",
				product.ID, product.Name, ep.ClusterID, strings.Join(product.Regions, ", "))
		}
	}
	paths := map[string]bool{}
	for i, vm := range in.VolumeMounts {
		if vm.MountPath == "" || !strings.HasPrefix(vm.MountPath, "/") {
			return invalid("volumeMounts[%d].mountPath must be an absolute path, got %q", i, vm.MountPath)
		}
		if paths[vm.MountPath] {
			return invalid("volumeMounts[%d].mountPath %q is mounted twice", i, vm.MountPath)
		}
		paths[vm.MountPath] = true
		switch vm.Type {
		case "local":
			if err := inRange(fmt.Sprintf("volumeMounts[%d].size", i), vm.Size, lim.MinLocalVolumeSize, lim.MaxLocalVolumeSize); err != nil {
				return err
			}
			ep.VolumeMounts = append(ep.VolumeMounts, VolumeMount{Type: "local", Size: vm.Size, MountPath: vm.MountPath})
		case "network":
			if vm.ID == "" {
				return invalid("volumeMounts[%d].id (the cloud storage id) is required for a network volume", i)
			}
			st, ok := e.storages[vm.ID]
			if !ok || st.Team != ep.Team {
				return badRequest("NETWORK_STORAGE_NOT_FOUND", "volumeMounts[%d]: network storage %q not found", i, vm.ID)
			}
			if ep.ClusterID == "" {
				return invalid("clusterID is required when a network volume is mounted (storage %q is in cluster %q)", vm.ID, st.ClusterID)
			}
			if ep.ClusterID != st.ClusterID {
				return invalid("clusterID %q must equal the cluster of network storage %q (%q)", ep.ClusterID, vm.ID, st.ClusterID)
			}
			ep.VolumeMounts = append(ep.VolumeMounts, VolumeMount{Type: "network", Size: st.SizeGB, ID: vm.ID, MountPath: vm.MountPath})
		default:
			return invalid("volumeMounts[%d].type must be local or network, got %q", i, vm.Type)
		}
	}
	if ep.ClusterID == "" {
		if prev != nil {
			ep.ClusterID = prev.ClusterID
		} else {
			ep.ClusterID = product.Regions[0]
		}
	}
	return nil
}

func inRange(field string, v, lo, hi int) *apiError {
	if v < lo || v > hi {
		return invalid("%s must be between %d and %d, got %d", field, lo, hi, v)
	}
	return nil
}

func strOr(p *string, def string) string {
	if p == nil || *p == "" {
		return def
	}
	return *p
}

// ---- handlers ----

func (e *Emulator) createEndpoint(c *call) (any, *apiError) {
	var body struct {
		Endpoint *endpointInput `json:"endpoint"`
	}
	if err := decode(c.body, &body, "endpoint."); err != nil {
		return nil, err
	}
	if body.Endpoint == nil {
		return nil, invalid("endpoint is required: the create body is {\"endpoint\": {...}}")
	}
	id := newHexID(func(id string) bool { return e.endpoints[id] != nil })
	ep, err := e.buildEndpoint(c.team, id, body.Endpoint, nil)
	if err != nil {
		return nil, err
	}
	for _, other := range e.endpoints {
		if other.Team == c.team && other.AppName == ep.AppName {
			return nil, badRequest("SERVERLESS_APP_NAME_IS_EXIST", "appName %q is already used by endpoint %q", ep.AppName, other.ID)
		}
	}
	if err := e.refuseInactiveCluster(c.team, ep.ClusterID); err != nil {
		return nil, err
	}
	ep.CreatedAt = e.now()
	ep.UpdatedAt = ep.CreatedAt
	e.seq++
	rec := &endpointRecord{Endpoint: ep, Seq: e.seq}
	e.startTransition(rec, "create", stateCreating)
	e.endpoints[id] = rec
	return map[string]string{"id": id}, nil
}

func (e *Emulator) getEndpoint(c *call) (any, *apiError) {
	rec, err := e.findEndpointLocked(c.team, c.r.URL.Query().Get("id"))
	if err != nil {
		return nil, err
	}
	return &endpointResponse{Endpoint: endpointView(&rec.Endpoint, true)}, nil
}

// endpointResponse and endpointListResponse are the get and list bodies; their workers are filled
// from the job gateway after the store is unlocked (see attachWorkers).
type endpointResponse struct {
	Endpoint *endpointOut `json:"endpoint"`
}

type endpointListResponse struct {
	Endpoints []*endpointOut `json:"endpoints"`
	Total     int            `json:"total"`
}

func (e *Emulator) listEndpoints(c *call) (any, *apiError) {
	num, err := queryPositive(c, "pageNum", 1, 1<<30)
	if err != nil {
		return nil, err
	}
	size, err := queryPositive(c, "pageSize", defaultPageSize, maxPageSize)
	if err != nil {
		return nil, err
	}
	var mine []*endpointRecord
	for _, rec := range e.endpoints {
		if rec.Team == c.team {
			mine = append(mine, rec)
		}
	}
	slices.SortFunc(mine, func(a, b *endpointRecord) int { return int(a.Seq - b.Seq) })
	resp := &endpointListResponse{Endpoints: []*endpointOut{}, Total: len(mine)}
	for _, rec := range page(mine, num, size) {
		resp.Endpoints = append(resp.Endpoints, endpointView(&rec.Endpoint, false))
	}
	return resp, nil
}

// updateEndpoint replaces the whole configuration: fields left out are reset (to their defaults,
// or rejected when required), except appName, type, products and rootfsSize, which are fixed.
func (e *Emulator) updateEndpoint(c *call) (any, *apiError) {
	var in endpointInput
	if err := decode(c.body, &in, ""); err != nil {
		return nil, err
	}
	rec, err := e.findEndpointLocked(c.team, in.ID)
	if err != nil {
		return nil, err
	}
	if rec.State == stateDeleting {
		return nil, badRequest("OPERATION_LIMIT", "endpoint %q is being deleted", rec.ID)
	}
	ep, err := e.buildEndpoint(c.team, rec.ID, &in, rec)
	if err != nil {
		return nil, err
	}
	ep.CreatedAt = rec.CreatedAt
	ep.UpdatedAt = e.now()
	rec.Endpoint = ep
	e.startTransition(rec, "update", stateUpdating)
	return map[string]any{}, nil
}

func (e *Emulator) deleteEndpoint(c *call) (any, *apiError) {
	var in struct {
		ID   string `json:"id"`
		Name string `json:"name"` // the doc's name for the same id
	}
	if err := decode(c.body, &in, ""); err != nil {
		return nil, err
	}
	if in.ID == "" {
		in.ID = in.Name
	}
	rec, err := e.findEndpointLocked(c.team, in.ID)
	if err != nil {
		return nil, err
	}
	if rec.State != stateDeleting {
		e.startTransition(rec, "delete", stateDeleting)
		e.settleLocked() // a zero DeleteDelay removes it at once
	}
	return map[string]any{}, nil
}

// ---- response bodies ----

// endpointOut is an endpoint as get and list answer it. freeTimeout, maxConcurrent and
// policy.value are strings, as documented; the port is a string in get and a number in list.
type endpointOut struct {
	ID           string          `json:"id"`
	Name         string          `json:"name"`
	AppName      string          `json:"appName"`
	Type         string          `json:"type"`
	URL          string          `json:"url"`
	State        stateOut        `json:"state"`
	WorkerConfig workerConfigOut `json:"workerConfig"`
	Ports        []portOut       `json:"ports"`
	Policy       policyOut       `json:"policy"`
	Image        imageIn         `json:"image"`
	Products     []productRef    `json:"products"`
	RootfsSize   int             `json:"rootfsSize"`
	VolumeMounts []volumeMountIO `json:"volumeMounts"`
	ClusterID    string          `json:"clusterID"`
	Envs         []envIO         `json:"envs"`
	Healthy      healthyOut      `json:"healthy"`
	Workers      []workerOut     `json:"workers"`
	Log          string          `json:"log"`

	jobName string // for attachWorkers
}

type stateOut struct {
	State   string `json:"state"`
	Error   string `json:"error"`
	Message string `json:"message"`
}

type workerConfigOut struct {
	MinNum         int    `json:"minNum"`
	MaxNum         int    `json:"maxNum"`
	FreeTimeout    string `json:"freeTimeout"`
	MaxConcurrent  string `json:"maxConcurrent"`
	GPUNum         int    `json:"gpuNum"`
	RequestTimeout int    `json:"requestTimeout"`
	CudaVersion    string `json:"cudaVersion"`
}

type portOut struct {
	Port any `json:"port"`
}

type policyOut struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

type healthyOut struct {
	Path             string `json:"path"`
	InitialDelay     int    `json:"initialDelay"`
	Period           int    `json:"period"`
	Timeout          int    `json:"timeout"`
	SuccessThreshold int    `json:"successThreshold"`
	FailureThreshold int    `json:"failureThreshold"`
}

type workerOut struct {
	ID      string   `json:"id"`
	State   stateOut `json:"state"`
	Healthy bool     `json:"healthy"`
	Log     string   `json:"log"`
	Metrics string   `json:"metrics"`
}

// endpointURL is the endpoint's (fictional) public entry point.
func endpointURL(id string) string { return "https://" + id + ".async.emulator.novita.local" }

func endpointView(ep *Endpoint, portAsString bool) *endpointOut {
	var port any = ep.Port
	if portAsString {
		port = strconv.Itoa(ep.Port)
	}
	out := &endpointOut{
		ID: ep.ID, Name: ep.Name, AppName: ep.AppName, Type: ep.Type, URL: endpointURL(ep.ID),
		State: stateOut{State: ep.State, Error: ep.StateError, Message: ep.StateMessage},
		WorkerConfig: workerConfigOut{
			MinNum: ep.WorkerConfig.MinNum, MaxNum: ep.WorkerConfig.MaxNum,
			FreeTimeout:   strconv.Itoa(ep.WorkerConfig.FreeTimeout),
			MaxConcurrent: strconv.Itoa(ep.WorkerConfig.MaxConcurrent),
			GPUNum:        ep.WorkerConfig.GPUNum, RequestTimeout: ep.WorkerConfig.RequestTimeout,
			CudaVersion: ep.WorkerConfig.CudaVersion,
		},
		Ports:        []portOut{{Port: port}},
		Policy:       policyOut{Type: ep.Policy.Type, Value: strconv.Itoa(ep.Policy.Value)},
		Image:        imageIn(ep.Image),
		Products:     []productRef{{ID: ep.ProductID}},
		RootfsSize:   ep.RootfsSize,
		VolumeMounts: []volumeMountIO{},
		ClusterID:    ep.ClusterID,
		Envs:         []envIO{},
		Healthy:      healthyOut{Path: ep.HealthPath, InitialDelay: 10, Period: 10, Timeout: 5, SuccessThreshold: 1, FailureThreshold: 3},
		Workers:      []workerOut{},
		Log:          "",
		jobName:      ep.jobName(),
	}
	for _, vm := range ep.VolumeMounts {
		out.VolumeMounts = append(out.VolumeMounts, volumeMountIO(vm))
	}
	for _, env := range ep.Envs {
		out.Envs = append(out.Envs, envIO(env))
	}
	return out
}

// attachWorkers fills the workers of serving endpoints in a get or list answer from the job
// gateway, which owns live scaling. It must run without e.mu held (lock order: gateway, store).
func (e *Emulator) attachWorkers(resp any) {
	var views []*endpointOut
	switch r := resp.(type) {
	case *endpointResponse:
		views = []*endpointOut{r.Endpoint}
	case *endpointListResponse:
		views = r.Endpoints
	}
	for _, v := range views {
		if v.State.State != stateServing {
			continue
		}
		workers, _ := e.gw.Workers(v.jobName)
		for _, w := range workers {
			v.Workers = append(v.Workers, workerOut{
				ID:      w.ID,
				State:   stateOut{State: w.State},
				Healthy: w.State == "running",
			})
		}
	}
}
