package client

import (
	"context"
	"time"
)

// SetBackoffBaseForTest shrinks the retry backoff of c, for tests in package client_test.
func SetBackoffBaseForTest(c *Client, d time.Duration) { c.retryPace.Base = d }

// SetClockForTest gives c a fake clock (retries, waits and caches), for tests in package
// client_test.
func SetClockForTest(c *Client, now func() time.Time, sleep func(context.Context, time.Duration) error) {
	c.now, c.sleep = now, sleep
}
