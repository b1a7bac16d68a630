package provider

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

func TestRetryWhileInUse(t *testing.T) {
	floor, ceiling := inUseRetryFloor, inUseRetryCeiling
	inUseRetryFloor, inUseRetryCeiling = time.Millisecond, 5*time.Millisecond
	t.Cleanup(func() { inUseRetryFloor, inUseRetryCeiling = floor, ceiling })
	inUse := &client.APIError{StatusCode: 400, Reason: reasonStorageInUse, Message: "in use"}
	ctx := t.Context()

	t.Run("succeeds once released", func(t *testing.T) {
		calls := 0
		err := retryWhileInUse(ctx, time.Minute, reasonStorageInUse, func(context.Context) error {
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
		err := retryWhileInUse(ctx, 30*time.Millisecond, reasonStorageInUse, func(context.Context) error { calls++; return inUse })
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
		err := retryWhileInUse(ctx, time.Minute, reasonStorageInUse, func(context.Context) error { calls++; return boom })
		if err != boom || calls != 1 {
			t.Errorf("err = %v after %d calls, want boom after 1", err, calls)
		}
	})
	t.Run("stops when the context ends", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		calls := 0
		err := retryWhileInUse(cctx, time.Minute, reasonStorageInUse, func(context.Context) error {
			calls++
			cancel()
			return inUse
		})
		if !client.HasReason(err, reasonStorageInUse) || calls != 1 {
			t.Errorf("err = %v after %d calls", err, calls)
		}
	})
}
