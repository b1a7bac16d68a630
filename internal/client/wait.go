package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// maxTransientPollErrors is how many polls in a row may fail transiently (after the HTTP layer's
// own retries) before a waiter gives up.
const maxTransientPollErrors = 3

// poller paces a waiter: from PollFloor, growing x1.5 per poll, up to PollCeiling.
type poller struct {
	next, ceiling time.Duration
	transient     int
}

func (c *Client) newPoller() *poller {
	return &poller{next: c.cfg.PollFloor, ceiling: c.cfg.PollCeiling}
}

// wait sleeps the current interval (or until ctx ends) and grows it.
func (p *poller) wait(ctx context.Context) error {
	if err := sleep(ctx, p.next); err != nil {
		return err
	}
	p.next = min(p.next*3/2, p.ceiling)
	return nil
}

// tolerate reports whether a poll error may be waited out: rate limiting, server trouble or a
// transport error, at most maxTransientPollErrors times in a row. API answers such as not found
// or a bad request are never tolerated.
func (p *poller) tolerate(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode != http.StatusTooManyRequests && !retryableStatus(apiErr.StatusCode) {
		return false
	}
	p.transient++
	return p.transient <= maxTransientPollErrors
}

// WaitForEndpointServing polls until the endpoint is serving and returns it. An endpoint that is
// failed, stopped or deleting will not start serving by itself: that returns an
// *EndpointFailedError carrying the API's state message. A not-found endpoint is an error. It
// honours ctx.
func (c *Client) WaitForEndpointServing(ctx context.Context, id string) (*Endpoint, error) {
	p := c.newPoller()
	for {
		ep, err := c.GetEndpoint(ctx, id)
		switch {
		case err != nil && !p.tolerate(ctx, err):
			return nil, fmt.Errorf("waiting for endpoint %s to serve: %w", id, err)
		case err == nil:
			p.transient = 0
			switch ep.Status.Readiness() {
			case Ready:
				return ep, nil
			case WillNotServe:
				return ep, &EndpointFailedError{ID: id, State: ep.Status.Status, Message: stateMessage(ep.Status)}
			}
		}
		if err := p.wait(ctx); err != nil {
			return nil, fmt.Errorf("waiting for endpoint %s to serve: %w", id, err)
		}
	}
}

// stateMessage joins the state's message and error, whichever are set.
func stateMessage(s EndpointStatus) string {
	switch {
	case s.Message != "" && s.Error != "" && s.Message != s.Error:
		return s.Message + " (" + s.Error + ")"
	case s.Message != "":
		return s.Message
	case s.Error != "":
		return s.Error
	}
	return "the API gave no reason"
}

// WaitForEndpointDeleted polls until the endpoint is gone. It honours ctx.
func (c *Client) WaitForEndpointDeleted(ctx context.Context, id string) error {
	p := c.newPoller()
	for {
		_, err := c.GetEndpoint(ctx, id)
		switch {
		case IsNotFound(err):
			return nil
		case err != nil && !p.tolerate(ctx, err):
			return fmt.Errorf("waiting for endpoint %s to be deleted: %w", id, err)
		case err == nil:
			p.transient = 0
		}
		if err := p.wait(ctx); err != nil {
			return fmt.Errorf("waiting for endpoint %s to be deleted: %w", id, err)
		}
	}
}

// WaitForJob polls until the job reaches a terminal status and returns it (whatever that status
// is: a FAILED job is returned, not an error). It honours ctx.
func (c *Client) WaitForJob(ctx context.Context, endpointName, jobID string) (*Job, error) {
	p := c.newPoller()
	for {
		job, err := c.GetJob(ctx, endpointName, jobID)
		switch {
		case err != nil && !p.tolerate(ctx, err):
			return nil, fmt.Errorf("waiting for job %s: %w", jobID, err)
		case err == nil:
			p.transient = 0
			if job.Terminal() {
				return job, nil
			}
		}
		if err := p.wait(ctx); err != nil {
			return nil, fmt.Errorf("waiting for job %s: %w", jobID, err)
		}
	}
}
