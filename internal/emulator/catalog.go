package emulator

import (
	"fmt"
	"strings"
)

// Cluster is a region where endpoints and storage can live.
type Cluster struct {
	ID                     string   `json:"id"`
	Name                   string   `json:"name"`
	AvailableGPUTypes      []string `json:"availableGpuType"`
	SupportNetworkStorage  bool     `json:"supportNetworkStorage"`
	SupportInstanceNetwork bool     `json:"supportInstanceNetwork"`
}

// Product is a serverless GPU product in GPU API v2's shape (GET /gpus/v2/products).
type Product struct {
	ID             string       `json:"id"`
	Name           string       `json:"name"`
	Type           string       `json:"type"`     // "gpu"
	Category       string       `json:"category"` // "serverless"
	Description    string       `json:"description"`
	RegionIDs      []string     `json:"region_ids"` // the v1 cluster ids offering it
	ResourceSpec   ResourceSpec `json:"resource_spec"`
	Pricing        Pricing      `json:"pricing"`
	BillingMethods []string     `json:"billing_methods"`
	InventoryState string       `json:"inventory_state"` // none, low, normal, high
	Deployable     bool         `json:"deployable"`
	Activity       Activity     `json:"activity"`
}

// ResourceSpec is what one worker of a product gets.
type ResourceSpec struct {
	GPU      GPUSpec    `json:"gpu"`
	CPU      int        `json:"cpu"`
	MemoryGB int        `json:"memory_gb"`
	Rootfs   RootfsSpec `json:"rootfs"`
}

// GPUSpec describes the product's GPU. Min and Max bound an endpoint's worker_config.gpu_num;
// Available and MaxAvailable are GPUs free now and the most one worker can get now.
type GPUSpec struct {
	SpecID       string `json:"spec_id"`
	Name         string `json:"name"`
	MemoryGB     int    `json:"memory_gb"`
	Min          int    `json:"min"`
	Max          int    `json:"max"`
	Available    int    `json:"available"`
	MaxAvailable int    `json:"max_available"`
}

// RootfsSpec bounds an endpoint's worker_config.rootfs_size_gb; FreeGB is free of charge and the
// size an endpoint gets when it leaves rootfs_size_gb out.
type RootfsSpec struct {
	MinGB  int `json:"min_gb"`
	MaxGB  int `json:"max_gb"`
	FreeGB int `json:"free_gb"`
}

// Pricing holds integer prices; Precision is the number of decimal digits they carry (69000 at
// precision 5 is 0.69). The emulator's unit is USD, which the v2 docs do not state.
type Pricing struct {
	Precision         int   `json:"precision"`
	Postpaid          Price `json:"postpaid"`
	StoragePricePerGB int   `json:"storage_price_per_gb"`
}

// Price is one billing method's price.
type Price struct {
	BasePrice  int    `json:"base_price"`
	FinalPrice int    `json:"final_price"`
	Unit       string `json:"unit"`
}

// Activity is the product's promotion flags.
type Activity struct {
	IsActivityProduct bool `json:"is_activity_product"`
	Active            bool `json:"active"`
	Purchasable       bool `json:"purchasable"`
}

// Limits are the parameter limits of /endpoint/limit, enforced on endpoint create and update.
type Limits struct {
	MinRootfsSize       int      `json:"minRootfsSize"`
	MaxRootfsSize       int      `json:"maxRootfsSize"`
	FreeRootfsSize      int      `json:"freeRootfsSize"`
	MinLocalVolumeSize  int      `json:"minLocalVolumeSize"`
	MaxLocalVolumeSize  int      `json:"maxLocalVolumeSize"`
	FreeLocalVolumeSize int      `json:"freeLocalVolumeSize"`
	MinWorkerNum        int      `json:"minWorkerNum"`
	MaxWorkerNum        int      `json:"maxWorkerNum"`
	MinFreeTimeout      int      `json:"minFreeTimeout"`
	MaxFreeTimeout      int      `json:"maxFreeTimeout"`
	MinConcurrencyNum   int      `json:"minConcurrencyNum"`
	MaxConcurrencyNum   int      `json:"maxConcurrencyNum"`
	MinQueueWaitTime    int      `json:"minQueueWaitTime"`
	MaxQueueWaitTime    int      `json:"maxQueueWaitTime"`
	MinRequestNum       int      `json:"minRequestNum"`
	MaxRequestNum       int      `json:"maxRequestNum"`
	MinGPUNum           int      `json:"minGPUNum"`
	MaxGPUNum           int      `json:"maxGPUNum"`
	MinRequestTimeout   int      `json:"minRequestTimeout"`
	MaxRequestTimeout   int      `json:"maxRequestTimeout"`
	CudaVersionList     []string `json:"cudaVersionList"`
}

// Clusters are the emulator's regions: different GPU types, and one without network storage.
var Clusters = []Cluster{
	{ID: "us-dallas-1", Name: "US-Dallas-1", AvailableGPUTypes: []string{"RTX 4090 24GB", "RTX 5090 32GB"}, SupportNetworkStorage: true, SupportInstanceNetwork: true},
	{ID: "eu-frankfurt-1", Name: "EU-Frankfurt-1", AvailableGPUTypes: []string{"RTX 4090 24GB", "H100 SXM 80GB"}, SupportNetworkStorage: true, SupportInstanceNetwork: false},
	{ID: "ap-singapore-1", Name: "AP-Singapore-1", AvailableGPUTypes: []string{"RTX 5090 32GB"}, SupportNetworkStorage: false, SupportInstanceNetwork: false},
}

// Products is the serverless GPU catalog. RegionIDs list the clusters offering the GPU.
var Products = []Product{
	gpuProduct("SL-serverless-1", "RTX 4090 24GB", "NVIDIA GeForce RTX 4090", 24, 8, 64, 69000, []string{"us-dallas-1", "eu-frankfurt-1"}, "high"),
	gpuProduct("SL-serverless-2", "H100 SXM 80GB", "NVIDIA H100 SXM", 80, 8, 6, 289000, []string{"eu-frankfurt-1"}, "low"),
	gpuProduct("SL-serverless-3", "RTX 5090 32GB", "NVIDIA GeForce RTX 5090", 32, 4, 24, 89000, []string{"us-dallas-1", "ap-singapore-1"}, "normal"),
}

// gpuProduct builds one catalog entry: 1..maxGPUs GPUs per worker, and the same CPU, memory and
// system-disk range (the limits' rootfs numbers) for every product.
func gpuProduct(id, name, description string, memoryGB, maxGPUs, available, price int, regions []string, inventory string) Product {
	return Product{
		ID: id, Name: name, Type: "gpu", Category: "serverless", Description: description,
		RegionIDs: regions,
		ResourceSpec: ResourceSpec{
			GPU: GPUSpec{SpecID: "spec-" + id, Name: strings.TrimSuffix(name, fmt.Sprintf(" %dGB", memoryGB)), MemoryGB: memoryGB,
				Min: 1, Max: maxGPUs, Available: available, MaxAvailable: min(available, maxGPUs)},
			CPU: 16, MemoryGB: 64,
			Rootfs: RootfsSpec{MinGB: DefaultLimits.MinRootfsSize, MaxGB: DefaultLimits.MaxRootfsSize, FreeGB: DefaultLimits.FreeRootfsSize},
		},
		Pricing: Pricing{Precision: 5,
			Postpaid:          Price{BasePrice: price, FinalPrice: price, Unit: "per_hour"},
			StoragePricePerGB: 7000, // 0.07 per GB and month, as cloud storage
		},
		BillingMethods: []string{"postpaid"},
		InventoryState: inventory,
		Deployable:     inventory != "none",
		Activity:       Activity{Purchasable: true},
	}
}

// DefaultLimits are the limits every team gets.
var DefaultLimits = Limits{
	MinRootfsSize: 10, MaxRootfsSize: 1000, FreeRootfsSize: 100,
	MinLocalVolumeSize: 10, MaxLocalVolumeSize: 1000, FreeLocalVolumeSize: 50,
	MinWorkerNum: 0, MaxWorkerNum: 100,
	MinFreeTimeout: 1, MaxFreeTimeout: 3600,
	MinConcurrencyNum: 1, MaxConcurrencyNum: 100,
	MinQueueWaitTime: 1, MaxQueueWaitTime: 3600,
	MinRequestNum: 1, MaxRequestNum: 100,
	MinGPUNum: 1, MaxGPUNum: 8,
	MinRequestTimeout: 1, MaxRequestTimeout: 3600,
	CudaVersionList: []string{"11.8", "12.1", "12.4", "12.8"},
}

// Storage sizes in GB: at least minStorageGB; above maxStorageGB is NETWORK_STORAGE_TOO_LARGE.
const (
	minStorageGB = 10
	maxStorageGB = 10240
)

func findCluster(id string) (Cluster, bool) {
	for _, c := range Clusters {
		if c.ID == id {
			return c, true
		}
	}
	return Cluster{}, false
}

func clusterIDs() string {
	ids := make([]string, len(Clusters))
	for i, c := range Clusters {
		ids[i] = c.ID
	}
	return strings.Join(ids, ", ")
}

func productIDs() string {
	ids := make([]string, len(Products))
	for i, p := range Products {
		ids[i] = p.ID
	}
	return strings.Join(ids, ", ")
}

func findProduct(id string) (Product, bool) {
	for _, p := range Products {
		if p.ID == id {
			return p, true
		}
	}
	return Product{}, false
}

func (e *Emulator) getLimits(c *call) (any, *apiError) { return DefaultLimits, nil }

func (e *Emulator) listClusters(c *call) (any, *apiError) {
	return map[string]any{"data": Clusters}, nil
}

// listProducts serves GET /gpus/v2/products?type=&category=. An empty type means gpu, as
// documented; category is required (seen). Valid values the emulator has no products for (type
// cpu, category instance) answer an empty list.
func (e *Emulator) listProducts(c *call) (any, *apiError) {
	q := c.r.URL.Query()
	typ, category := q.Get("type"), q.Get("category")
	if typ == "" {
		typ = "gpu"
	}
	if typ != "gpu" && typ != "cpu" {
		return nil, invalid("type must be gpu or cpu (empty means gpu), got %q", typ)
	}
	switch category {
	case "":
		return nil, invalid("category is required: serverless or instance")
	case "serverless", "instance":
	default:
		return nil, invalid("category must be serverless or instance, got %q", category)
	}
	if typ != "gpu" || category != "serverless" {
		return map[string]any{"data": []Product{}}, nil
	}
	return map[string]any{"data": Products}, nil
}
