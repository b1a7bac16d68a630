package client

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// EndpointConfig is the configuration of a serverless endpoint that Novita's GPU API v2 takes on
// both create and update. Update (PUT) sends it in full: the docs do not say whether omitted
// fields are kept or cleared, so nothing is ever omitted except what the server defaults.
type EndpointConfig struct {
	Name           string       `json:"name"`
	ProductID      string       `json:"product_id"`
	Image          string       `json:"image"`
	RegistryAuthID string       `json:"registry_auth_id"` // registry credential id; "" for public images
	Entrypoint     string       `json:"entrypoint"`
	Command        string       `json:"command"`
	WorkerConfig   WorkerConfig `json:"worker_config"`
	Policy         Policy       `json:"policy"`
	Volumes        []Volume     `json:"volumes"`
	Envs           []Env        `json:"envs"`
	Ports          []Int        `json:"ports"`
	HealthCheck    *HealthCheck `json:"health_check,omitempty"`
	RegionID       string       `json:"region_id,omitempty"` // the v1 cluster id; "" lets the server choose
}

// EndpointSpec is the create body: the configuration plus the two fields fixed at creation.
type EndpointSpec struct {
	Type    string `json:"type"`               // EndpointAsync or EndpointSync
	AppName string `json:"app_name,omitempty"` // part of the job name; the server defaults it
	EndpointConfig
}

// Endpoint types.
const (
	EndpointAsync = "async"
	EndpointSync  = "sync"
)

// Endpoint is an endpoint as the API returns it (get and list; list items carry no type).
type Endpoint struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	AppName string `json:"app_name"`
	EndpointConfig
	Status    EndpointStatus `json:"status"`
	URL       string         `json:"url"`
	Workers   []Worker       `json:"workers"`
	MemberID  string         `json:"member_id"`
	OwnerID   string         `json:"owner_id"`
	CreatedAt UnixTime       `json:"created_at"`

	// JobName is the endpoint's name in the job gateway, worked out by the client (see jobName).
	JobName string `json:"-"`
}

// WorkerConfig sizes and times the endpoint's workers.
type WorkerConfig struct {
	MinReplicas            Int    `json:"min_replicas"`
	MaxReplicas            Int    `json:"max_replicas"`
	IdleTimeout            Int    `json:"idle_timeout"`              // seconds an idle worker is kept
	MaxConcurrentPerWorker Int    `json:"max_concurrent_per_worker"` // requests per worker at once
	GPUNum                 Int    `json:"gpu_num"`
	RootfsSizeGB           Int    `json:"rootfs_size_gb,omitempty"`   // system disk; 0 lets the server default it
	MinCudaVersion         string `json:"min_cuda_version,omitempty"` // the workers' minimum CUDA version
	RequestTimeout         Int    `json:"request_timeout,omitempty"`  // seconds; 0 lets the server default it
}

// Policy is the autoscaling policy: Type "queue" (Value = seconds waited) or "concurrency"
// (Value = queued requests per worker).
type Policy struct {
	Type  string `json:"type"`
	Value Int    `json:"value"`
}

// Volume is a local disk (Size GB) or a network cloud storage (ID) mounted at MountPoint.
type Volume struct {
	ID         string `json:"id,omitempty"`
	Type       string `json:"type"` // "local" or "network"
	Size       Int    `json:"size,omitempty"`
	MountPoint string `json:"mount_point"`
}

// Env is one environment variable.
type Env struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// HealthCheck is the worker health check: an HTTP path on a port.
type HealthCheck struct {
	Path string `json:"path"`
	Port Int    `json:"port,omitempty"`
}

// EndpointStatus is an endpoint's or a worker's status. The API sends an object; a bare string is
// accepted too. Values are kept verbatim: see Phase for what the client makes of them.
type EndpointStatus struct {
	Status  string `json:"status"`
	Error   string `json:"error,omitempty"`
	Message string `json:"message,omitempty"`
}

// Worker is one running (or starting) worker of an endpoint.
type Worker struct {
	ID     string         `json:"id"`
	Status EndpointStatus `json:"status"`
	Log    string         `json:"log,omitempty"`
	Health bool           `json:"health"`
	Drain  bool           `json:"drain"`
}

// EndpointLimits are the account's parameter limits from /endpoint/limit.
type EndpointLimits struct {
	MinRootfsSize       Int      `json:"minRootfsSize"`
	MaxRootfsSize       Int      `json:"maxRootfsSize"`
	FreeRootfsSize      Int      `json:"freeRootfsSize"`
	MinLocalVolumeSize  Int      `json:"minLocalVolumeSize"`
	MaxLocalVolumeSize  Int      `json:"maxLocalVolumeSize"`
	FreeLocalVolumeSize Int      `json:"freeLocalVolumeSize"`
	MinWorkerNum        Int      `json:"minWorkerNum"`
	MaxWorkerNum        Int      `json:"maxWorkerNum"`
	MinFreeTimeout      Int      `json:"minFreeTimeout"`
	MaxFreeTimeout      Int      `json:"maxFreeTimeout"`
	MinConcurrencyNum   Int      `json:"minConcurrencyNum"`
	MaxConcurrencyNum   Int      `json:"maxConcurrencyNum"`
	MinQueueWaitTime    Int      `json:"minQueueWaitTime"`
	MaxQueueWaitTime    Int      `json:"maxQueueWaitTime"`
	MinRequestNum       Int      `json:"minRequestNum"`
	MaxRequestNum       Int      `json:"maxRequestNum"`
	MinGPUNum           Int      `json:"minGPUNum"`
	MaxGPUNum           Int      `json:"maxGPUNum"`
	MinRequestTimeout   Int      `json:"minRequestTimeout"`
	MaxRequestTimeout   Int      `json:"maxRequestTimeout"`
	CudaVersionList     []string `json:"cudaVersionList"`
}

// Cluster is a region/cluster that hosts workers.
type Cluster struct {
	ID                     string   `json:"id"`
	Name                   string   `json:"name"`
	AvailableGPUType       []string `json:"availableGpuType"`
	SupportNetworkStorage  bool     `json:"supportNetworkStorage"`
	SupportInstanceNetwork bool     `json:"supportInstanceNetwork"`
}

// Product is a serverless GPU product from GET /gpus/v2/products. Field meanings beyond the names
// are not documented (novita-api-v2.md section 6); prices are kept raw, with their unit and
// precision as sent.
type Product struct {
	ID             string       `json:"id"`
	Name           string       `json:"name"`
	Type           string       `json:"type"`
	Category       string       `json:"category"`
	Description    string       `json:"description"`
	RegionIDs      []string     `json:"region_ids"` // cluster ids
	ResourceSpec   ResourceSpec `json:"resource_spec"`
	Pricing        Pricing      `json:"pricing"`
	BillingMethods []string     `json:"billing_methods"`
	InventoryState string       `json:"inventory_state"`
	Deployable     bool         `json:"deployable"`
}

// ResourceSpec is what one worker of a product gets.
type ResourceSpec struct {
	GPU struct {
		SpecID       string `json:"spec_id"`
		Name         string `json:"name"`
		MemoryGB     Int    `json:"memory_gb"`
		Min          Int    `json:"min"` // GPUs per worker
		Max          Int    `json:"max"`
		Available    Int    `json:"available"`
		MaxAvailable Int    `json:"max_available"`
	} `json:"gpu"`
	CPU      Int `json:"cpu"`
	MemoryGB Int `json:"memory_gb"`
	Rootfs   struct {
		MinGB  Int `json:"min_gb"`
		MaxGB  Int `json:"max_gb"`
		FreeGB Int `json:"free_gb"`
	} `json:"rootfs"`
}

// Pricing is a product's prices as the API sends them: integers in units the docs do not name,
// with Precision digits.
type Pricing struct {
	Precision         Int    `json:"precision"`
	Postpaid          *Price `json:"postpaid"`
	Spot              *Price `json:"spot"`
	StoragePricePerGB Int    `json:"storage_price_per_gb"`
}

// Price is one billing method's price.
type Price struct {
	BasePrice  Int    `json:"base_price"`
	FinalPrice Int    `json:"final_price"`
	Unit       string `json:"unit"` // for example "per_hour"
}

// CloudStorage is a network storage volume.
type CloudStorage struct {
	ID          string `json:"storageId"`
	Name        string `json:"storageName"`
	SizeGB      Int    `json:"storageSize"`
	ClusterID   string `json:"clusterId"`
	ClusterName string `json:"clusterName"`
	Price       string `json:"price"`
	CreatedAt   Int    `json:"createdAt,omitempty"` // unix seconds; 0 when the API omits it
}

// CreateCloudStorageRequest creates a network storage volume.
type CreateCloudStorageRequest struct {
	ClusterID string `json:"clusterId"`
	Name      string `json:"storageName"`
	SizeGB    int    `json:"storageSize"`
}

// UpdateCloudStorageRequest renames or grows a storage volume (the API wants all three fields).
type UpdateCloudStorageRequest struct {
	ID     string `json:"storageId"`
	Name   string `json:"storageName"`
	SizeGB int    `json:"storageSize"`
}

// RegistryCredential is a container registry login. The API returns the password in clear;
// callers must not log or store it unless asked to.
type RegistryCredential struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Username string `json:"username"`
	Password string `json:"password,omitempty"`
}

// CreateRegistryCredentialRequest saves a registry login.
type CreateRegistryCredentialRequest struct {
	Name     string `json:"name"`
	Username string `json:"username"`
	Password string `json:"password"`
}

// Job statuses of the async gateway.
const (
	JobPending    = "PENDING"
	JobInProgress = "IN_PROGRESS"
	JobCompleted  = "COMPLETED"
	JobFailed     = "FAILED"
	JobCancelled  = "CANCELLED"
	JobTimedOut   = "TIMED_OUT"
)

// Job is one async job as the gateway reports it.
type Job struct {
	ID            string          `json:"id"`
	Status        string          `json:"status"`
	Output        json.RawMessage `json:"output,omitempty"`
	Error         string          `json:"error,omitempty"`
	DelayTime     Int             `json:"delayTime,omitempty"`     // ms queued
	ExecutionTime Int             `json:"executionTime,omitempty"` // ms running
}

// Terminal reports whether the job has reached a final status.
func (j *Job) Terminal() bool {
	switch j.Status {
	case JobCompleted, JobFailed, JobCancelled, JobTimedOut:
		return true
	}
	return false
}

// EndpointHealth is the job gateway's view of an endpoint's workers and queue.
type EndpointHealth struct {
	Workers struct {
		Idle      Int `json:"idle"`
		Running   Int `json:"running"`
		Throttled Int `json:"throttled"`
		Total     Int `json:"total"`
	} `json:"workers"`
	Jobs struct {
		Completed  Int `json:"completed"`
		Failed     Int `json:"failed"`
		InProgress Int `json:"inProgress"`
		InQueue    Int `json:"inQueue"`
		Retried    Int `json:"retried"`
	} `json:"jobs"`
}

// Config configures a Client.
type Config struct {
	APIKey         string
	BaseURL        string        // default DefaultBaseURL
	AsyncBaseURL   string        // default DefaultAsyncBaseURL
	MaxRetries     int           // retries of 429, 5xx and transport errors; default 8; <0 means none
	RequestTimeout time.Duration // one HTTP attempt; default 60s
	UserAgent      string        // e.g. "terraform-provider-novita/1.2.3 (+Terraform 1.11.4)"
	HTTPClient     *http.Client  // optional; its Timeout is left alone
	// Logf receives one structured line per HTTP attempt (method, path, status, duration,
	// attempt). It never receives the API key, request bodies or response bodies.
	Logf func(ctx context.Context, msg string, fields map[string]any)
	// PollFloor and PollCeiling bound the waiters' polling interval (defaults 1s and 15s).
	PollFloor, PollCeiling time.Duration
	// BaseURLSource and AsyncBaseURLSource say what set each URL (for example "the
	// NOVITA_BASE_URL environment variable"), for errors about an API that cannot be reached;
	// empty means "the default".
	BaseURLSource, AsyncBaseURLSource string
}

// Defaults from the contract.
const (
	DefaultBaseURL        = "https://api.novita.ai"
	DefaultAsyncBaseURL   = "https://async-public.serverless.novita.ai/v1"
	DefaultMaxRetries     = 8
	DefaultRequestTimeout = 60 * time.Second
)
