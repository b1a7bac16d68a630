package client

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// PollPolicy paces Poll.
type PollPolicy struct {
	// Pace gives the wait after poll n (n from 0, counted from the last PollRestart).
	Pace Backoff
	// Transient is how many transient errors in a row (see isTransient) are waited out.
	Transient int
	// sleep waits between polls; nil means real time. Only the client sets it, to its own clock.
	sleep func(context.Context, time.Duration) error
}

// PollState is what one check of Poll found.
type PollState int

const (
	PollAgain   PollState = iota // not there yet: wait and check again
	PollRestart                  // a new phase began (a job started running): pace from the start
	PollDone                     // finished: Poll returns the check's result and error
)

// Poll calls check at once, then again after each wait of p, until check says PollDone, returns
// an error that is not transient (or more than p.Transient transient ones in a row), or ctx ends.
// It returns the last check's result with: check's own error (typed: *APIError,
// *EndpointFailedError...), or ctx's error, wrapping the last transient error if there was one.
func Poll[T any](ctx context.Context, p PollPolicy, check func(context.Context) (T, PollState, error)) (T, error) {
	wait := p.sleep
	if wait == nil {
		wait = sleep
	}
	var lastErr error
	for n, transient := 0, 0; ; n++ {
		v, state, err := check(ctx)
		switch {
		case state == PollDone:
			return v, err
		case err != nil:
			transient++
			if !isTransient(ctx, err) || transient > p.Transient {
				return v, err
			}
			lastErr = err
		default:
			transient, lastErr = 0, nil
		}
		if state == PollRestart {
			n = 0
		}
		if err := wait(ctx, p.Pace.Wait(n)); err != nil {
			if lastErr != nil {
				return v, fmt.Errorf("%w (the last poll failed: %w)", err, lastErr)
			}
			return v, err
		}
	}
}

// maxTransientPollErrors is how many polls in a row may fail transiently (after do's own
// retries) before a waiter gives up.
const maxTransientPollErrors = 3

// jobPollGrowth and jobPollSteady shape the job waiter's pacing. A job's completion is seen at
// most one wait late, so each wait is kept to about a third of the time waited so far: lateness
// is at most max(PollFloor, running time / 3), with 15 polls for a 60 s job (see DESIGN.md).
const (
	jobPollSteady = 3
	jobPollGrowth = 1.31
)

// endpointPolicy paces endpoint waits: from PollFloor, ×1.5 per poll, up to PollCeiling.
func (c *Client) endpointPolicy() PollPolicy {
	return PollPolicy{
		Pace:      Backoff{Base: c.cfg.PollFloor, Cap: c.cfg.PollCeiling, Factor: 1.5},
		Transient: maxTransientPollErrors,
		sleep:     c.sleep,
	}
}

// jobPolicy paces job waits: PollFloor for the first 1+jobPollSteady waits, then ×jobPollGrowth
// per wait up to PollCeiling, starting over when the job leaves the queue.
func (c *Client) jobPolicy() PollPolicy {
	p := c.endpointPolicy()
	p.Pace.Steady, p.Pace.Factor = jobPollSteady, jobPollGrowth
	return p
}

// WaitForEndpointServing polls until the endpoint is running (ready) and returns it. An endpoint that is
// failed, stopped or deleting will not start serving by itself: that returns an
// *EndpointFailedError carrying the API's state message. A not-found endpoint is an error. It
// honours ctx.
func (c *Client) WaitForEndpointServing(ctx context.Context, id string) (*Endpoint, error) {
	ep, err := Poll(ctx, c.endpointPolicy(), func(ctx context.Context) (*Endpoint, PollState, error) {
		ep, err := c.GetEndpoint(ctx, id)
		if err != nil {
			return nil, PollAgain, err
		}
		switch ep.Status.Readiness() {
		case Ready:
			return ep, PollDone, nil
		case WillNotServe:
			return ep, PollDone, &EndpointFailedError{ID: id, State: ep.Status.Status, Message: stateMessage(ep.Status)}
		}
		return ep, PollAgain, nil
	})
	var failed *EndpointFailedError
	if err != nil && !errors.As(err, &failed) {
		return nil, fmt.Errorf("waiting for endpoint %s to serve: %w", id, err)
	}
	return ep, err
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
	_, err := Poll(ctx, c.endpointPolicy(), func(ctx context.Context) (struct{}, PollState, error) {
		_, err := c.GetEndpoint(ctx, id)
		if IsNotFound(err) {
			return struct{}{}, PollDone, nil
		}
		return struct{}{}, PollAgain, err
	})
	if err != nil {
		return fmt.Errorf("waiting for endpoint %s to be deleted: %w", id, err)
	}
	return nil
}

// WaitForJob polls until the job reaches a terminal status and returns it (whatever that status
// is: a FAILED job is returned, not an error). Pacing restarts when the job is first seen
// running, so time spent queued (a cold start) does not slow the noticing of its end. It
// honours ctx.
func (c *Client) WaitForJob(ctx context.Context, endpointName, jobID string) (*Job, error) {
	return c.WaitForJobReporting(ctx, endpointName, jobID, func(*Job) {})
}

// WaitForJobReporting is WaitForJob for callers that show progress: report receives the job
// after every successful poll, the first one at once.
func (c *Client) WaitForJobReporting(ctx context.Context, endpointName, jobID string, report func(*Job)) (*Job, error) {
	running := false
	job, err := Poll(ctx, c.jobPolicy(), func(ctx context.Context) (*Job, PollState, error) {
		job, err := c.GetJob(ctx, endpointName, jobID)
		if err == nil {
			report(job)
		}
		switch {
		case err != nil:
			return nil, PollAgain, err
		case job.Terminal():
			return job, PollDone, nil
		case job.Status == JobInProgress && !running:
			running = true
			return job, PollRestart, nil
		}
		return job, PollAgain, nil
	})
	if err != nil {
		return nil, fmt.Errorf("waiting for job %s: %w", jobID, err)
	}
	return job, nil
}
