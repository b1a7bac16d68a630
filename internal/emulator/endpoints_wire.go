package emulator

import "net/http"

// ---- request bodies (GPU API v2, snake_case) ----

// endpointBody is the configuration PUT /gpus/v2/endpoints/{endpoint_id} takes in full; POST adds
// type and app_name (createBody). Pointers tell "left out" from zero where zero is valid.
type endpointBody struct {
	Name           string            `json:"name"`
	ProductID      string            `json:"product_id"`
	Image          string            `json:"image"`
	RegistryAuthID string            `json:"registry_auth_id"`
	Entrypoint     string            `json:"entrypoint"`
	Command        string            `json:"command"`
	WorkerConfig   *workerConfigBody `json:"worker_config"`
	Policy         *policyBody       `json:"policy"`
	Volumes        []volumeBody      `json:"volumes"`
	Envs           []envBody         `json:"envs"`
	Ports          []int             `json:"ports"`
	HealthCheck    *healthCheckBody  `json:"health_check"`
	RegionID       string            `json:"region_id"`
}

// createBody is the POST /gpus/v2/endpoints body.
type createBody struct {
	Type    string `json:"type"`
	AppName string `json:"app_name"`
	endpointBody
}

type workerConfigBody struct {
	MinReplicas            int    `json:"min_replicas"`
	MaxReplicas            *int   `json:"max_replicas"`
	IdleTimeout            int    `json:"idle_timeout"`
	MaxConcurrentPerWorker int    `json:"max_concurrent_per_worker"`
	GPUNum                 int    `json:"gpu_num"`
	RootfsSizeGB           int    `json:"rootfs_size_gb"`
	MinCUDAVersion         string `json:"min_cuda_version"`
	RequestTimeout         int    `json:"request_timeout"`
}

type policyBody struct {
	Type  string `json:"type"`
	Value int    `json:"value"`
}

type volumeBody struct {
	ID         string `json:"id"`
	Type       string `json:"type"`
	Size       int    `json:"size"`
	MountPoint string `json:"mount_point"`
}

type envBody struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type healthCheckBody struct {
	Path string `json:"path"`
	Port int    `json:"port"`
}

// ---- response bodies ----

// endpointOut is an endpoint as GET answers it, field for field the documented example. In a
// list item (endpointView with forList) type is left out and volumes carry size, as in the list
// example.
type endpointOut struct {
	ID           string          `json:"id"`
	Type         *string         `json:"type,omitempty"`
	Name         string          `json:"name"`
	AppName      string          `json:"app_name"`
	Status       statusOut       `json:"status"`
	URL          string          `json:"url"`
	ProductID    string          `json:"product_id"`
	WorkerConfig workerConfigOut `json:"worker_config"`
	Policy       policyBody      `json:"policy"`
	Image        string          `json:"image"`
	RegistryAuth string          `json:"registry_auth_id"`
	Entrypoint   string          `json:"entrypoint"`
	Command      string          `json:"command"`
	Volumes      []volumeOut     `json:"volumes"`
	Envs         []envBody       `json:"envs"`
	Ports        []int           `json:"ports"`
	Workers      []workerOut     `json:"workers"`
	HealthCheck  healthCheckBody `json:"health_check"`
	RegionID     string          `json:"region_id"`
	MemberID     string          `json:"member_id"`
	OwnerID      string          `json:"owner_id"`
	CreatedAt    int64           `json:"created_at"` // Unix seconds

	jobName string // for attachWorkers
}

type statusOut struct {
	Status  string `json:"status"`
	Error   string `json:"error"`
	Message string `json:"message"`
}

type workerConfigOut struct {
	MinReplicas            int    `json:"min_replicas"`
	MaxReplicas            int    `json:"max_replicas"`
	IdleTimeout            int    `json:"idle_timeout"`
	MaxConcurrentPerWorker int    `json:"max_concurrent_per_worker"`
	GPUNum                 int    `json:"gpu_num"`
	RootfsSizeGB           int    `json:"rootfs_size_gb"`
	MinCUDAVersion         string `json:"min_cuda_version"`
	RequestTimeout         int    `json:"request_timeout"`
}

type volumeOut struct {
	ID         string `json:"id"`
	Type       string `json:"type"`
	Size       *int   `json:"size,omitempty"`
	MountPoint string `json:"mount_point"`
}

type workerOut struct {
	ID     string    `json:"id"`
	Status statusOut `json:"status"`
	Log    string    `json:"log"`
	Health bool      `json:"health"`
	Drain  bool      `json:"drain"`
}

// endpointList is the GET /gpus/v2/endpoints body.
type endpointList struct {
	Data       []*endpointOut `json:"data"`
	NextCursor string         `json:"next_cursor"`
	HasMore    bool           `json:"has_more"`
}

// baseURL is the scheme and host the request reached the emulator at.
func baseURL(r *http.Request) string {
	if r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}

// endpointURL is the endpoint's url: for an async endpoint the emulator's own job gateway under
// the job name, for a sync one a fictional address that is not the gateway.
func endpointURL(ep *Endpoint, base string) string {
	if ep.Type == "async" {
		return base + gatewayPrefix + "/" + ep.jobName()
	}
	return "https://" + ep.ID + ".sync.emulator.novita.local"
}

// endpointView renders ep for GET (forList false) or for a list item. Workers are attached later,
// outside the store's lock.
func endpointView(ep *Endpoint, base string, forList bool) *endpointOut {
	wc := ep.WorkerConfig
	out := &endpointOut{
		ID: ep.ID, Name: ep.Name, AppName: ep.AppName,
		Status:    statusOut{Status: ep.Status, Error: ep.StatusError, Message: ep.StatusMessage},
		URL:       endpointURL(ep, base),
		ProductID: ep.ProductID,
		WorkerConfig: workerConfigOut{
			MinReplicas: wc.MinReplicas, MaxReplicas: wc.MaxReplicas, IdleTimeout: wc.IdleTimeout,
			MaxConcurrentPerWorker: wc.MaxConcurrentPerWorker, GPUNum: wc.GPUNum,
			RootfsSizeGB: wc.RootfsSizeGB, MinCUDAVersion: wc.MinCUDAVersion, RequestTimeout: wc.RequestTimeout,
		},
		Policy: policyBody(ep.Policy),
		Image:  ep.Image, RegistryAuth: ep.RegistryAuthID, Entrypoint: ep.Entrypoint, Command: ep.Command,
		Volumes:     []volumeOut{},
		Envs:        []envBody{},
		Ports:       []int{ep.Port},
		Workers:     []workerOut{},
		HealthCheck: healthCheckBody(ep.HealthCheck),
		RegionID:    ep.RegionID, MemberID: ep.MemberID, OwnerID: ownerID(ep.Team),
		CreatedAt: ep.CreatedAt.Unix(),
		jobName:   ep.jobName(),
	}
	if !forList {
		typ := ep.Type // a copy: the answer is encoded after the store is unlocked
		out.Type = &typ
	}
	for _, v := range ep.Volumes {
		vo := volumeOut{ID: v.ID, Type: v.Type, MountPoint: v.MountPoint}
		if forList {
			vo.Size = &v.SizeGB
		}
		out.Volumes = append(out.Volumes, vo)
	}
	for _, env := range ep.Envs {
		out.Envs = append(out.Envs, envBody(env))
	}
	return out
}
