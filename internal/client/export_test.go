package client

import "time"

// SetBackoffBaseForTest shrinks the retry backoff of c, for tests in package client_test.
func SetBackoffBaseForTest(c *Client, d time.Duration) { c.backoffBase = d }
