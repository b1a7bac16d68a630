package emulator

// Cluster is a region where endpoints and storage can live.
type Cluster struct {
	ID                     string   `json:"id"`
	Name                   string   `json:"name"`
	AvailableGPUTypes      []string `json:"availableGpuType"`
	SupportNetworkStorage  bool     `json:"supportNetworkStorage"`
	SupportInstanceNetwork bool     `json:"supportInstanceNetwork"`
}

// Product is a serverless GPU product. Price is in 1/100000 USD per hour.
type Product struct {
	ID              string   `json:"id"`
	Name            string   `json:"name"`
	Price           int      `json:"price"`
	Regions         []string `json:"regions"` // cluster ids
	AvailableDeploy bool     `json:"availableDeploy"`
	InventoryState  string   `json:"inventoryState"` // none, low, normal, high
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

// Products is the serverless GPU catalog. Regions list the clusters offering the GPU.
var Products = []Product{
	{ID: "SL-serverless-1", Name: "RTX 4090 24GB", Price: 69000, Regions: []string{"us-dallas-1", "eu-frankfurt-1"}, AvailableDeploy: true, InventoryState: "high"},
	{ID: "SL-serverless-2", Name: "H100 SXM 80GB", Price: 289000, Regions: []string{"eu-frankfurt-1"}, AvailableDeploy: true, InventoryState: "low"},
	{ID: "SL-serverless-3", Name: "RTX 5090 32GB", Price: 89000, Regions: []string{"us-dallas-1", "ap-singapore-1"}, AvailableDeploy: true, InventoryState: "normal"},
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

// listProducts serves /gpus/v2/products?type=gpu&category=serverless; both parameters are required.
func (e *Emulator) listProducts(c *call) (any, *apiError) {
	q := c.r.URL.Query()
	if q.Get("type") == "" || q.Get("category") == "" {
		return nil, invalid("query parameters type and category are required (type=gpu&category=serverless)")
	}
	if q.Get("type") != "gpu" || q.Get("category") != "serverless" {
		return map[string]any{"data": []Product{}}, nil
	}
	return map[string]any{"data": Products}, nil
}
