package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// listPageSize is the page size the client asks for when listing.
const listPageSize = 100

// endpointsPath is the GPU API v2 collection of endpoints; v1's endpoint pages have no type field,
// so v2 is the only documented way to create an async endpoint.
const endpointsPath = "/gpus/v2/endpoints"

func (c *Client) v2(method, path string) request {
	return request{method: method, base: c.baseURL, path: path}
}

func endpointPath(id string) string { return endpointsPath + "/" + url.PathEscape(id) }

// CreateEndpoint creates an endpoint and returns its id. With an app name (unique in the account),
// an answer without an id or a failure after the server may have acted is reconciled (see
// createReconciled) through the endpoints listed with that app name; without one, such a failure
// wraps ErrMaybeCreated.
func (c *Client) CreateEndpoint(ctx context.Context, spec EndpointSpec) (string, error) {
	create := func(ctx context.Context) (string, error) {
		r := c.v2(http.MethodPost, endpointsPath)
		r.creates = true
		spec.EndpointConfig = withEmptyLists(spec.EndpointConfig)
		r.body = spec
		var resp struct {
			ID string `json:"id"`
		}
		r.out = &resp
		err := c.do(ctx, r)
		return resp.ID, err
	}
	if spec.AppName == "" {
		id, err := create(ctx)
		if err == nil && id == "" {
			err = fmt.Errorf("%w: novita API POST %s: the answer carried no endpoint id", ErrMaybeCreated, endpointsPath)
		}
		return id, err
	}
	return c.createReconciled(ctx, creation{
		what:    fmt.Sprintf("endpoint with app_name %q", spec.AppName),
		lockKey: "endpoint\x00" + spec.AppName,
		matching: func(ctx context.Context) ([]string, error) {
			eps, err := c.ListEndpoints(ctx, spec.AppName)
			var ids []string
			for _, e := range eps {
				if e.AppName == spec.AppName {
					ids = append(ids, e.ID)
				}
			}
			return ids, err
		},
		create:    create,
		listTries: 1,
		taken:     func(err error) bool { return HasReason(err, reasonAppNameTaken) },
	})
}

// reasonAppNameTaken is the API's refusal of a create whose app name another endpoint has.
const reasonAppNameTaken = "SERVERLESS_APP_NAME_IS_EXIST"

// withEmptyLists sends [] rather than null for the lists, so a PUT clears what the user removed
// whatever the server's merge rule.
func withEmptyLists(cfg EndpointConfig) EndpointConfig {
	if cfg.Ports == nil {
		cfg.Ports = []Int{}
	}
	if cfg.Volumes == nil {
		cfg.Volumes = []Volume{}
	}
	if cfg.Envs == nil {
		cfg.Envs = []Env{}
	}
	return cfg
}

// GetEndpoint reads one endpoint.
func (c *Client) GetEndpoint(ctx context.Context, id string) (*Endpoint, error) {
	r := c.v2(http.MethodGet, endpointPath(id))
	var ep Endpoint
	r.out = &ep
	if err := c.do(ctx, r); err != nil {
		return nil, err
	}
	if ep.ID == "" && ep.Name == "" && ep.Status.Status == "" {
		return nil, fmt.Errorf("novita API GET %s: the answer carried no endpoint", r.path)
	}
	if ep.ID == "" {
		ep.ID = id
	}
	ep.JobName = c.jobName(&ep)
	return &ep, nil
}

// ListEndpoints reads every endpoint whose name or app name matches keyword ("" for all), following
// the cursor from page to page. List items carry no type (GetEndpoint has it).
func (c *Client) ListEndpoints(ctx context.Context, keyword string) ([]Endpoint, error) {
	all := []Endpoint{}
	seen := map[string]bool{}
	cursor := ""
	for range maxPages {
		r := c.v2(http.MethodGet, endpointsPath)
		r.query = url.Values{"limit": {strconv.Itoa(listPageSize)}}
		if cursor != "" {
			r.query.Set("cursor", cursor)
		}
		if keyword != "" {
			r.query.Set("keyword", keyword)
		}
		var page struct {
			Data       []Endpoint `json:"data"`
			NextCursor string     `json:"next_cursor"`
			HasMore    bool       `json:"has_more"`
		}
		r.out = &page
		if err := c.do(ctx, r); err != nil {
			return nil, err
		}
		for i := range page.Data {
			page.Data[i].JobName = c.jobName(&page.Data[i])
		}
		all = append(all, page.Data...)
		// Stop on the documented end (has_more false or no cursor), and on a cursor seen before,
		// so a server that ignores the cursor cannot loop us forever.
		if !page.HasMore || page.NextCursor == "" || seen[page.NextCursor] {
			return all, nil
		}
		seen[page.NextCursor] = true
		cursor = page.NextCursor
	}
	return nil, fmt.Errorf("novita API GET %s: more than %d pages; giving up", endpointsPath, maxPages)
}

// maxPages guards every paged listing against an API that ignores paging.
const maxPages = 1000

// FindEndpointByAppName finds the endpoint whose app name is exactly appName (app names are unique
// per account), or returns nil. It reconciles a create whose answer was lost.
func (c *Client) FindEndpointByAppName(ctx context.Context, appName string) (*Endpoint, error) {
	eps, err := c.ListEndpoints(ctx, appName)
	if err != nil {
		return nil, err
	}
	for i := range eps {
		if eps[i].AppName == appName {
			return &eps[i], nil
		}
	}
	return nil, nil
}

// collectPages fetches pages from 1 until it holds total items, a page comes back empty, or (when
// the API sends no total) a page is short. It serves v1's numbered listings.
func collectPages[T any](fetch func(page int) (items []T, total int64, err error)) ([]T, error) {
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

// UpdateEndpoint replaces the endpoint's configuration with cfg, sent in full (PUT). Type and app
// name are fixed at creation and not part of v2's update body.
func (c *Client) UpdateEndpoint(ctx context.Context, id string, cfg EndpointConfig) error {
	r := c.v2(http.MethodPut, endpointPath(id))
	r.body = withEmptyLists(cfg)
	return c.do(ctx, r)
}

// DeleteEndpoint deletes an endpoint and its workers.
func (c *Client) DeleteEndpoint(ctx context.Context, id string) error {
	return c.do(ctx, c.v2(http.MethodDelete, endpointPath(id)))
}

// jobName is the endpoint's name in the job gateway (novita-api-v2.md 8.1, decided): the last
// path segment of its url when that url points at the configured async gateway, otherwise
// "<id>-<app name>" as Novita's SDK guide builds it.
func (c *Client) jobName(ep *Endpoint) string {
	prefix := c.asyncBaseURL + "/"
	if rest, ok := strings.CutPrefix(ep.URL, prefix); ok && rest != "" && !strings.Contains(strings.Trim(rest, "/"), "/") {
		return strings.Trim(rest, "/")
	}
	return JobName(ep.ID, ep.AppName)
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

// ListServerlessProducts reads the serverless GPU product catalogue (v2; both query parameters are
// required).
func (c *Client) ListServerlessProducts(ctx context.Context) ([]Product, error) {
	r := c.v2(http.MethodGet, "/gpus/v2/products")
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

// Endpoint statuses. Novita's v2 docs show only "running" (a serving endpoint) and "ready" (a
// worker); the others are decided. Values the client does not know are kept verbatim.
const (
	StatusRunning  = "running"
	StatusCreating = "creating"
	StatusUpdating = "updating"
	StatusDeleting = "deleting"
	StatusStopped  = "stopped"
	StatusFailed   = "failed"
)

// Readiness is what a waiter makes of an endpoint status.
type Readiness int

const (
	NotReadyYet  Readiness = iota // creating, updating, or a status the client does not know
	Ready                         // serving jobs
	WillNotServe                  // failed, stopped or deleting: it will not serve by itself
)

// statusReadiness is the one table from API statuses to readiness. "serving" is v1's word for
// "running", accepted in case an account still answers with it.
var statusReadiness = map[string]Readiness{
	StatusRunning:  Ready,
	"serving":      Ready,
	StatusFailed:   WillNotServe,
	StatusStopped:  WillNotServe,
	StatusDeleting: WillNotServe,
}

// Readiness classifies the status; unknown values mean "not ready yet", so a new transitional
// status on Novita's side makes a waiter wait rather than fail.
func (s EndpointStatus) Readiness() Readiness { return statusReadiness[s.Status] }
