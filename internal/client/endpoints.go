package client

import "context"

// CreateEndpoint creates an endpoint and returns its id.
func (c *Client) CreateEndpoint(ctx context.Context, spec EndpointSpec) (string, error) {
	return "", errNotImplemented
}

// GetEndpoint reads one endpoint.
func (c *Client) GetEndpoint(ctx context.Context, id string) (*Endpoint, error) {
	return nil, errNotImplemented
}

// ListEndpoints reads all endpoints, page by page.
func (c *Client) ListEndpoints(ctx context.Context) ([]Endpoint, error) {
	return nil, errNotImplemented
}

// UpdateEndpoint replaces the endpoint's updatable configuration with spec (the API wants it in
// full). AppName, Type, Products and RootfsSize cannot change and are not sent.
func (c *Client) UpdateEndpoint(ctx context.Context, id string, spec EndpointSpec) error {
	return errNotImplemented
}

// DeleteEndpoint deletes an endpoint and its workers.
func (c *Client) DeleteEndpoint(ctx context.Context, id string) error {
	return errNotImplemented
}

// GetEndpointLimits reads the account's parameter limits.
func (c *Client) GetEndpointLimits(ctx context.Context) (*EndpointLimits, error) {
	return nil, errNotImplemented
}

// ListClusters reads the clusters.
func (c *Client) ListClusters(ctx context.Context) ([]Cluster, error) {
	return nil, errNotImplemented
}

// ListServerlessProducts reads the serverless GPU product catalogue.
func (c *Client) ListServerlessProducts(ctx context.Context) ([]Product, error) {
	return nil, errNotImplemented
}

// WaitForEndpointServing polls until the endpoint is serving. A failed endpoint returns an
// *EndpointFailedError carrying the API's state message. It honours ctx.
func (c *Client) WaitForEndpointServing(ctx context.Context, id string) (*Endpoint, error) {
	return nil, errNotImplemented
}

// WaitForEndpointDeleted polls until the endpoint is gone.
func (c *Client) WaitForEndpointDeleted(ctx context.Context, id string) error {
	return errNotImplemented
}

// EndpointFailedError reports an endpoint whose deployment failed.
type EndpointFailedError struct {
	ID      string
	State   string
	Message string
}

func (e *EndpointFailedError) Error() string {
	return "endpoint " + e.ID + " is " + e.State + ": " + e.Message
}
