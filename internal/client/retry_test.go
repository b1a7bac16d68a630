package client

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"
)

// TestClassify is the retry rule, row by row: every kind of failure, for a read and a create.
func TestClassify(t *testing.T) {
	now := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	lost := errors.New("connection reset by peer")
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	api := func(status int, msg string) *APIError { return &APIError{StatusCode: status, Message: msg} }
	answer := func(status int, msg, retryAfter string) attempt {
		return attempt{status: status, apiErr: api(status, msg), retryAfter: retryAfter}
	}
	creating := func(a attempt) attempt { a.creates = true; return a }

	cases := []struct {
		name string
		a    attempt
		want verdict
		wait time.Duration
	}{
		{"read: connection lost", attempt{transport: lost}, retry, 0},
		{"read: connection refused", attempt{transport: refused, dialFailed: true}, retry, 0},
		{"read: context ended", attempt{transport: context.Canceled, canceled: true}, giveUp, 0},
		{"create: connection lost", creating(attempt{transport: lost}), giveUpMaybeCreated, 0},
		{"create: connection refused", creating(attempt{transport: refused, dialFailed: true}), retry, 0},
		{"create: context ended mid-request", creating(attempt{transport: context.Canceled, canceled: true}), giveUpMaybeCreated, 0},
		{"create: context ended while connecting", creating(attempt{transport: context.Canceled, canceled: true, dialFailed: true}), giveUp, 0},
		{"read: 429", answer(429, "slow down", ""), retry, 0},
		{"read: 429 with Retry-After", answer(429, "slow down", "3"), retry, 3 * time.Second},
		{"create: 429 with Retry-After", creating(answer(429, "slow down", "2")), retry, 2 * time.Second},
		{"read: 503 with Retry-After as a date", answer(503, "busy", "Wed, 01 Jan 2025 12:00:05 GMT"), retry, 5 * time.Second},
		{"read: Retry-After is capped", answer(503, "busy", "86400"), retry, maxRetryAfter},
		{"read: 500", answer(500, "boom", ""), retry, 0},
		{"read: 502", answer(502, "bad gateway", ""), retry, 0},
		{"read: 504", answer(504, "timeout", ""), retry, 0},
		{"create: 500", creating(answer(500, "boom", "")), giveUpMaybeCreated, 0},
		{"create: 503 with Retry-After", creating(answer(503, "busy", "1")), giveUpMaybeCreated, 0},
		{"create: cluster not active (400)", creating(answer(400, "Cluster is not active, please retry later", "")), retry, 0},
		{"create: cluster not active (500)", creating(answer(500, "cluster is not active", "")), retry, 0},
		{"read: 501", answer(501, "not implemented", ""), giveUp, 0},
		{"read: 400", answer(400, "bad", ""), giveUp, 0},
		{"read: 401", answer(401, "bad key", ""), giveUp, 0},
		{"read: 404", answer(404, "not found", ""), giveUp, 0},
		{"create: 400", creating(answer(400, "bad", "")), giveUp, 0},
		{"create: 403 with Retry-After", creating(answer(403, "no", "5")), giveUp, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, wait := classify(tc.a, now)
			if v != tc.want || wait != tc.wait {
				t.Errorf("classify = %v, %v; want %v, %v", v, wait, tc.want, tc.wait)
			}
		})
	}
}

func TestIsTransient(t *testing.T) {
	ctx := context.Background()
	ended, cancel := context.WithCancel(ctx)
	cancel()
	cases := []struct {
		ctx  context.Context
		err  error
		want bool
	}{
		{ctx, errors.New("novita API GET /endpoint: connection reset"), true},
		{ctx, fmt.Errorf("no answer within the request timeout: %w", context.DeadlineExceeded), true},
		{ctx, &APIError{StatusCode: 429}, true},
		{ctx, fmt.Errorf("wrapped: %w", &APIError{StatusCode: 502}), true},
		{ctx, &APIError{StatusCode: 400, Reason: "SERVERLESS_ENDPOINT_NOT_FOUND"}, false},
		{ctx, &APIError{StatusCode: 403}, false},
		{ended, errors.New("connection reset"), false},
	}
	for _, tc := range cases {
		if got := isTransient(tc.ctx, tc.err); got != tc.want {
			t.Errorf("isTransient(ctx ended %v, %v) = %v", tc.ctx.Err() != nil, tc.err, got)
		}
	}
}
