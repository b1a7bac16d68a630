package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// listPageSize is the page size the client asks for when listing.
const listPageSize = 100

// CreateEndpoint creates an endpoint and returns its id. A failure after the server may have acted
// wraps ErrMaybeCreated.
func (c *Client) CreateEndpoint(ctx context.Context, spec EndpointSpec) (string, error) {
	r := c.v1(http.MethodPost, "/endpoint/create")
	r.creates = true
	r.body = struct {
		Endpoint EndpointSpec `json:"endpoint"`
	}{withEmptyLists(spec)}
	var resp struct {
		ID string `json:"id"`
	}
	r.out = &resp
	if err := c.do(ctx, r); err != nil {
		return "", err
	}
	if resp.ID == "" {
		return "", fmt.Errorf("%w: novita API POST /endpoint/create: the answer carried no endpoint id", ErrMaybeCreated)
	}
	return resp.ID, nil
}

// withEmptyLists sends [] rather than null for lists the API expects in full.
func withEmptyLists(spec EndpointSpec) EndpointSpec {
	if spec.Ports == nil {
		spec.Ports = []Port{}
	}
	if spec.VolumeMounts == nil {
		spec.VolumeMounts = []VolumeMount{}
	}
	if spec.Envs == nil {
		spec.Envs = []Env{}
	}
	return spec
}

// GetEndpoint reads one endpoint.
func (c *Client) GetEndpoint(ctx context.Context, id string) (*Endpoint, error) {
	r := c.v1(http.MethodGet, "/endpoint")
	r.query = url.Values{"id": {id}}
	var raw json.RawMessage
	r.out = &raw
	if err := c.do(ctx, r); err != nil {
		return nil, err
	}
	// The contract wraps the endpoint in {"endpoint": ...}; a flat answer is accepted too.
	var wrapped struct {
		Endpoint *Endpoint `json:"endpoint"`
	}
	if err := json.Unmarshal(raw, &wrapped); err != nil {
		return nil, fmt.Errorf("novita API GET /endpoint: decoding response: %w", err)
	}
	ep := wrapped.Endpoint
	if ep == nil {
		ep = new(Endpoint)
		if err := json.Unmarshal(raw, ep); err != nil {
			return nil, fmt.Errorf("novita API GET /endpoint: decoding response: %w", err)
		}
		if ep.ID == "" && ep.Name == "" && ep.State.State == "" {
			return nil, fmt.Errorf("novita API GET /endpoint: the answer carried no endpoint")
		}
	}
	if ep.ID == "" {
		ep.ID = id
	}
	return ep, nil
}

// ListEndpoints reads all endpoints, page by page.
func (c *Client) ListEndpoints(ctx context.Context) ([]Endpoint, error) {
	return collectPages(func(page int) ([]Endpoint, int64, error) {
		r := c.v1(http.MethodGet, "/endpoints")
		r.query = url.Values{"pageSize": {strconv.Itoa(listPageSize)}, "pageNum": {strconv.Itoa(page)}}
		var resp struct {
			Endpoints []Endpoint `json:"endpoints"`
			Total     Int        `json:"total"`
		}
		r.out = &resp
		err := c.do(ctx, r)
		return resp.Endpoints, int64(resp.Total), err
	})
}

// collectPages fetches pages from 1 until it holds total items, a page comes back empty, or (when
// the API sends no total) a page is short. maxPages guards against an API that ignores paging.
func collectPages[T any](fetch func(page int) (items []T, total int64, err error)) ([]T, error) {
	const maxPages = 1000
	var all []T
	for page := 1; page <= maxPages; page++ {
		items, total, err := fetch(page)
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		if len(items) == 0 ||
			(total > 0 && int64(len(all)) >= total) ||
			(total <= 0 && len(items) < listPageSize) {
			break
		}
	}
	if all == nil {
		all = []T{}
	}
	return all, nil
}

// UpdateEndpoint replaces the endpoint's updatable configuration with spec (the API wants it in
// full). AppName, Type, Products and RootfsSize cannot change and are not sent.
func (c *Client) UpdateEndpoint(ctx context.Context, id string, spec EndpointSpec) error {
	spec = withEmptyLists(spec)
	r := c.v1(http.MethodPost, "/endpoint/update")
	r.body = struct {
		ID           string        `json:"id"`
		Name         string        `json:"name"`
		ClusterID    string        `json:"clusterID,omitempty"`
		WorkerConfig WorkerConfig  `json:"workerConfig"`
		Ports        []Port        `json:"ports"`
		Policy       Policy        `json:"policy"`
		Image        Image         `json:"image"`
		VolumeMounts []VolumeMount `json:"volumeMounts"`
		Envs         []Env         `json:"envs"`
		Healthy      *HealthCheck  `json:"healthy,omitempty"`
	}{
		ID: id, Name: spec.Name, ClusterID: spec.ClusterID, WorkerConfig: spec.WorkerConfig,
		Ports: spec.Ports, Policy: spec.Policy, Image: spec.Image, VolumeMounts: spec.VolumeMounts,
		Envs: spec.Envs, Healthy: spec.Healthy,
	}
	return c.do(ctx, r)
}

// DeleteEndpoint deletes an endpoint and its workers.
func (c *Client) DeleteEndpoint(ctx context.Context, id string) error {
	r := c.v1(http.MethodPost, "/endpoint/delete")
	r.body = map[string]string{"id": id}
	return c.do(ctx, r)
}

// GetEndpointLimits reads the account's parameter limits.
func (c *Client) GetEndpointLimits(ctx context.Context) (*EndpointLimits, error) {
	r := c.v1(http.MethodGet, "/endpoint/limit")
	var raw json.RawMessage
	r.out = &raw
	if err := c.do(ctx, r); err != nil {
		return nil, err
	}
	// The answer's envelope is undocumented: accept the limits flat or under "data".
	var wrapped struct {
		Data *EndpointLimits `json:"data"`
	}
	if err := json.Unmarshal(raw, &wrapped); err != nil {
		return nil, fmt.Errorf("novita API GET /endpoint/limit: decoding response: %w", err)
	}
	if wrapped.Data != nil {
		return wrapped.Data, nil
	}
	var limits EndpointLimits
	if err := json.Unmarshal(raw, &limits); err != nil {
		return nil, fmt.Errorf("novita API GET /endpoint/limit: decoding response: %w", err)
	}
	return &limits, nil
}

// ListClusters reads the clusters.
func (c *Client) ListClusters(ctx context.Context) ([]Cluster, error) {
	r := c.v1(http.MethodGet, "/clusters")
	var resp struct {
		Data []Cluster `json:"data"`
	}
	r.out = &resp
	if err := c.do(ctx, r); err != nil {
		return nil, err
	}
	if resp.Data == nil {
		resp.Data = []Cluster{}
	}
	return resp.Data, nil
}

// ListServerlessProducts reads the serverless GPU product catalogue.
func (c *Client) ListServerlessProducts(ctx context.Context) ([]Product, error) {
	r := request{method: http.MethodGet, base: c.baseURL, path: "/gpus/v2/products"}
	r.query = url.Values{"type": {"gpu"}, "category": {"serverless"}}
	var resp struct {
		Data []Product `json:"data"`
	}
	r.out = &resp
	if err := c.do(ctx, r); err != nil {
		return nil, err
	}
	if resp.Data == nil {
		resp.Data = []Product{}
	}
	return resp.Data, nil
}

// EndpointFailedError reports an endpoint whose deployment failed (or that stopped or began
// deleting while the caller waited for it to serve).
type EndpointFailedError struct {
	ID      string
	State   string
	Message string
}

func (e *EndpointFailedError) Error() string {
	return "endpoint " + e.ID + " is " + e.State + ": " + e.Message
}
