package client

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// EndpointSpec is the configuration of a serverless endpoint as the API takes it on create.
// Update sends the updatable subset of the same fields (see UpdateEndpoint).
type EndpointSpec struct {
	Name         string        `json:"name"`
	AppName      string        `json:"appName,omitempty"`
	Type         string        `json:"type,omitempty"` // "async" or "sync"
	WorkerConfig WorkerConfig  `json:"workerConfig"`
	Ports        []Port        `json:"ports"`
	Policy       Policy        `json:"policy"`
	Image        Image         `json:"image"`
	Products     []ProductRef  `json:"products,omitempty"`
	RootfsSize   Int           `json:"rootfsSize,omitempty"` // system disk, GB
	VolumeMounts []VolumeMount `json:"volumeMounts"`
	ClusterID    string        `json:"clusterID,omitempty"`
	Envs         []Env         `json:"envs"`
	Healthy      *HealthCheck  `json:"healthy,omitempty"`
}

// Endpoint is an endpoint as the API returns it.
type Endpoint struct {
	ID string `json:"id"`
	EndpointSpec
	URL     string        `json:"url,omitempty"`
	State   EndpointState `json:"state"`
	Workers []Worker      `json:"workers,omitempty"`
	Log     string        `json:"log,omitempty"`
}

// WorkerConfig sizes and times the endpoint's workers.
type WorkerConfig struct {
	MinNum         Int    `json:"minNum"`
	MaxNum         Int    `json:"maxNum"`
	FreeTimeout    Int    `json:"freeTimeout"`   // seconds an idle worker is kept
	MaxConcurrent  Int    `json:"maxConcurrent"` // requests per worker at once
	GPUNum         Int    `json:"gpuNum"`
	RequestTimeout Int    `json:"requestTimeout,omitempty"` // seconds
	CudaVersion    string `json:"cudaVersion,omitempty"`
}

// Port is the endpoint's one HTTP port. The API documents it as a string, clients send numbers
// and responses carry either; Port sends a string and accepts both.
type Port struct {
	Port Int `json:"port"`
}

// Policy is the autoscaling policy: Type "queue" (Value = seconds waited) or "concurrency"
// (Value = queued requests per worker).
type Policy struct {
	Type  string `json:"type"`
	Value Int    `json:"value"`
}

// Image is the worker container image.
type Image struct {
	Image   string `json:"image"`
	AuthID  string `json:"authId,omitempty"` // registry credential id
	Command string `json:"command,omitempty"`
}

// ProductRef names the GPU product of an endpoint.
type ProductRef struct {
	ID string `json:"id"`
}

// VolumeMount is a local disk (Size GB) or a network cloud storage (ID) mounted at MountPath.
type VolumeMount struct {
	Type      string `json:"type"` // "local" or "network"
	Size      Int    `json:"size,omitempty"`
	ID        string `json:"id,omitempty"`
	MountPath string `json:"mountPath"`
}

// Env is one environment variable.
type Env struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// HealthCheck configures the worker health check.
type HealthCheck struct {
	Path             string `json:"path"`
	InitialDelay     Int    `json:"initialDelay,omitempty"`
	Period           Int    `json:"period,omitempty"`
	Timeout          Int    `json:"timeout,omitempty"`
	SuccessThreshold Int    `json:"successThreshold,omitempty"`
	FailureThreshold Int    `json:"failureThreshold,omitempty"`
}

// Endpoint states the client expects. Only StateServing is documented.
const (
	StateServing  = "serving"
	StateCreating = "creating"
	StateUpdating = "updating"
	StateDeleting = "deleting"
	StateStopped  = "stopped"
	StateFailed   = "failed"
)

// EndpointState is the endpoint's state. The API sends an object; a bare string is accepted too.
type EndpointState struct {
	State   string `json:"state"`
	Error   string `json:"error,omitempty"`
	Message string `json:"message,omitempty"`
}

// Worker is one running (or starting) worker of an endpoint.
type Worker struct {
	ID      string        `json:"id"`
	State   EndpointState `json:"state"`
	Healthy bool          `json:"healthy"`
	Log     string        `json:"log,omitempty"`
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

// Product is a serverless GPU product. Price is in 1/100000 USD per hour.
type Product struct {
	ID              string   `json:"id"`
	Name            string   `json:"name"`
	Price           Int      `json:"price"`
	Regions         []string `json:"regions"` // cluster ids
	AvailableDeploy bool     `json:"availableDeploy"`
	InventoryState  string   `json:"inventoryState"` // none, low, normal, high
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
}

// Defaults from the contract.
const (
	DefaultBaseURL        = "https://api.novita.ai"
	DefaultAsyncBaseURL   = "https://async-public.serverless.novita.ai/v1"
	DefaultMaxRetries     = 8
	DefaultRequestTimeout = 60 * time.Second
)
