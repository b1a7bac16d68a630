package client

import (
	"context"
	"encoding/json"
)

// JobName is the job-gateway name of an endpoint: "<endpoint id>-<app name>".
func JobName(endpointID, appName string) string { return endpointID + "-" + appName }

// SubmitJob submits input to the endpoint's queue.
func (c *Client) SubmitJob(ctx context.Context, endpointName string, input json.RawMessage) (*Job, error) {
	return nil, errNotImplemented
}

// GetJob reads a job's status and result.
func (c *Client) GetJob(ctx context.Context, endpointName, jobID string) (*Job, error) {
	return nil, errNotImplemented
}

// CancelJob cancels a queued or running job.
func (c *Client) CancelJob(ctx context.Context, endpointName, jobID string) (*Job, error) {
	return nil, errNotImplemented
}

// GetEndpointHealth reads the endpoint's worker and queue counts.
func (c *Client) GetEndpointHealth(ctx context.Context, endpointName string) (*EndpointHealth, error) {
	return nil, errNotImplemented
}

// WaitForJob polls until the job reaches a terminal status and returns it. It honours ctx.
func (c *Client) WaitForJob(ctx context.Context, endpointName, jobID string) (*Job, error) {
	return nil, errNotImplemented
}
