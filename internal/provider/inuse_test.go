package provider

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

func TestRetryWhileInUse(t *testing.T) {
	fast := client.PollPolicy{Pace: client.Backoff{Base: time.Millisecond, Cap: 5 * time.Millisecond, Factor: 2}}
	inUse := &client.APIError{StatusCode: 400, Reason: reasonStorageInUse, Message: "in use"}
	ctx := t.Context()

	t.Run("succeeds once released", func(t *testing.T) {
		calls := 0
		err := retryWhileInUse(ctx, fast, time.Minute, reasonStorageInUse, func(context.Context) error {
			calls++
			if calls < 4 {
				return inUse
			}
			return nil
		})
		if err != nil || calls != 4 {
			t.Errorf("err = %v after %d calls, want nil after 4", err, calls)
		}
	})
	t.Run("gives up at the timeout", func(t *testing.T) {
		start := time.Now()
		calls := 0
		err := retryWhileInUse(ctx, fast, 30*time.Millisecond, reasonStorageInUse, func(context.Context) error { calls++; return inUse })
		if !client.HasReason(err, reasonStorageInUse) {
			t.Errorf("err = %v, want the in-use error", err)
		}
		if elapsed := time.Since(start); elapsed < 30*time.Millisecond || elapsed > 2*time.Second || calls < 2 {
			t.Errorf("gave up after %s and %d calls", elapsed, calls)
		}
	})
	t.Run("other errors are not retried", func(t *testing.T) {
		calls := 0
		boom := errors.New("boom")
		err := retryWhileInUse(ctx, fast, time.Minute, reasonStorageInUse, func(context.Context) error { calls++; return boom })
		if err != boom || calls != 1 {
			t.Errorf("err = %v after %d calls, want boom after 1", err, calls)
		}
	})
	t.Run("stops when the context ends", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		calls := 0
		err := retryWhileInUse(cctx, fast, time.Minute, reasonStorageInUse, func(context.Context) error {
			calls++
			cancel()
			return inUse
		})
		if !client.HasReason(err, reasonStorageInUse) || calls != 1 {
			t.Errorf("err = %v after %d calls", err, calls)
		}
	})
}

func TestEndpointLabel(t *testing.T) {
	if got := endpointLabel(client.Endpoint{ID: "e8ca"}); got != "e8ca" {
		t.Errorf("unnamed endpoint = %q, want the id alone", got)
	}
	if got := endpointLabel(client.Endpoint{ID: "e8ca", EndpointConfig: client.EndpointConfig{Name: "comfy"}}); got != `e8ca ("comfy")` {
		t.Errorf("named endpoint = %q", got)
	}
}

// TestStillInUse: the in-use error of each object names the endpoints, the reason, the fix and
// create_before_destroy on the object's own resource type as the way to replace it.
func TestStillInUse(t *testing.T) {
	apiErr := &client.APIError{StatusCode: 400, Reason: "IN_USE", Message: "in use by an endpoint"}
	for _, u := range []inUse{storageInUse, credentialInUse} {
		msg := u.stillInUse("obj-1", "endpoint e8ca", time.Minute, apiErr).Error()
		for _, want := range []string{"obj-1", "endpoint e8ca", u.reason, u.fix, "lifecycle { create_before_destroy = true }", u.resourceType, u.replaced, "in use by an endpoint"} {
			if want == "" || !strings.Contains(msg, want) {
				t.Errorf("%s: message %q does not contain %q", u.kind, msg, want)
			}
		}
	}
}
