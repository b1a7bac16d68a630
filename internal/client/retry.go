package client

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Backoff is capped exponential backoff, the one pacing rule of retries and waits: waits 0 to
// Steady are Base, wait n after them is Base×Factor^(n-Steady), and none passes Cap (when set).
// With Jitter, each wait is drawn uniformly from [0, that] ("full jitter"), which spreads clients
// that failed at the same moment.
type Backoff struct {
	Base, Cap time.Duration
	Factor    float64 // growth per wait; below 1 counts as 1
	Steady    int     // the waits after wait 0 that stay at Base
	Jitter    bool
}

// Wait returns wait n (n from 0).
func (b Backoff) Wait(n int) time.Duration {
	grown := float64(b.Base) * math.Pow(max(b.Factor, 1), float64(max(n-b.Steady, 0)))
	d := time.Duration(math.MaxInt64)
	if grown < float64(math.MaxInt64) { // false for +Inf and NaN too
		d = time.Duration(grown)
	}
	if b.Cap > 0 {
		d = min(d, b.Cap)
	}
	if b.Jitter && d > 0 {
		d = time.Duration(rand.Int64N(int64(d) + 1))
	}
	return d
}

// attempt is what one HTTP attempt came to, as the retry rule sees it.
type attempt struct {
	creates    bool      // the request makes something on the server
	transport  error     // the attempt got no answer (connection refused or lost, timeout)
	canceled   bool      // no answer because the caller's context ended
	dialFailed bool      // the transport error happened while connecting: the server saw nothing
	status     int       // the answer's HTTP status, when there was one
	apiErr     *APIError // the parsed error answer, when there was one
	retryAfter string    // the answer's Retry-After header
}

// verdict is what do makes of a failed attempt.
type verdict int

const (
	giveUp             verdict = iota // return the failure as it is
	giveUpMaybeCreated                // return the failure wrapping ErrMaybeCreated
	retry                             // try again (if retries are left)
)

// classify is the retry rule. Reads are retried on any transport error, 429 and 500/502/503/504.
// A create is retried only when the server provably did not act: 429, a connection that was
// never made, or a documented passing rejection; any other failure after the request may have
// reached the server gives up wrapping ErrMaybeCreated. A context that has ended is never
// retried. wait is the delay the server asked for with Retry-After (0 when it did not).
func classify(a attempt, now time.Time) (v verdict, wait time.Duration) {
	if a.transport != nil {
		switch {
		case a.creates && !a.dialFailed: // the server may have seen the request and acted on it
			return giveUpMaybeCreated, 0
		case a.canceled:
			return giveUp, 0
		}
		return retry, 0
	}
	wait = retryAfter(a.retryAfter, now)
	switch {
	case a.status == http.StatusTooManyRequests, a.apiErr != nil && isPassingRejection(a.apiErr):
		return retry, wait
	case retryableStatus(a.status) && a.creates:
		return giveUpMaybeCreated, 0
	case retryableStatus(a.status):
		return retry, wait
	}
	return giveUp, 0
}

// isTransient reports whether a failed read is worth trying again later (ctx is the caller's):
// a transport error, rate limiting or server trouble that outlasted do's own retries. API answers
// such as not found or bad request are not, nor is an unreachable host, nor anything once ctx
// has ended.
func isTransient(ctx context.Context, err error) bool {
	if ctx.Err() != nil || IsUnreachable(err) { // do already waited out the unreachable budget
		return false
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		v, _ := classify(attempt{status: apiErr.StatusCode, apiErr: apiErr}, time.Time{})
		return v == retry
	}
	return true
}

// isDialError reports whether err happened while connecting, so the request never reached the
// server (connection refused, DNS failure, connect timeout).
func isDialError(err error) bool {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr)
}

// isPassingRejection recognises refusals that the API documents as momentary and that prove
// nothing was made: right after a region's last endpoint is deleted, the next create fails once
// with "cluster is not active" and succeeds a few seconds later.
func isPassingRejection(e *APIError) bool {
	return strings.Contains(strings.ToLower(e.Message), "cluster is not active")
}

func retryableStatus(status int) bool {
	switch status {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryAfter reads a Retry-After header (seconds or an HTTP date), capped at maxRetryAfter.
// It returns 0 when the header is absent or unusable.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter
		}
		d = time.Duration(secs) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	return min(max(d, 0), maxRetryAfter)
}

// sleep waits d or until ctx ends, in real time.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
