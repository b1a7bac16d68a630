package client

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"
)

// answerTransport answers every request with one status and body, without a network.
type answerTransport struct {
	status int
	body   []byte
}

func (a answerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: a.status, Header: http.Header{"Retry-After": {"1"}},
		Body: io.NopCloser(bytes.NewReader(a.body)), Request: r}, nil
}

// FuzzResponseDecoding feeds any answer to every call that decodes one: whatever the API (or
// something in front of it) sends, the client returns a value or an error and never panics.
func FuzzResponseDecoding(f *testing.F) {
	for _, seed := range []string{
		`{"id":"e1","name":"n","app_name":"a","status":{"status":"running"},"worker_config":{"min_replicas":"1"},"ports":["8080"],"url":"https://x/v1/e1-a"}`,
		`{"data":[{"id":"e1"}],"next_cursor":"c","has_more":true}`,
		`{"data":[{"storageId":"s","storageSize":"10","createdAt":"1700000000"}],"total":"1"}`,
		`"6c1f0b5e"`, `{"data":{"storageId":"s"}}`, `{"data":null}`,
		`{"id":"j","status":"COMPLETED","output":{"a":1},"error":{"x":1},"delayTime":"5"}`,
		`{"reason":"X_NOT_FOUND","message":{"nested":true}}`, `not json`, ``, `null`, `[]`, `{"status":"running"}`,
		`{"created_at":"2024-03-09T16:00:00Z","status":"weird"}`, `{"data":[{"id":1,"name":[]}]}`,
	} {
		f.Add(200, []byte(seed))
		f.Add(404, []byte(seed))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 599 {
			status = 200
		}
		c, err := New(Config{APIKey: testKey, BaseURL: "https://api.example.com", MaxRetries: -1,
			HTTPClient: &http.Client{Transport: answerTransport{status, body}}})
		if err != nil {
			t.Fatal(err)
		}
		c.sleep = func(context.Context, time.Duration) error { return nil }
		ctx := context.Background()
		_, _ = c.GetEndpoint(ctx, "e1")
		_, _ = c.ListEndpoints(ctx, "")
		_, _ = c.GetEndpointLimits(ctx)
		_, _ = c.ListClusters(ctx)
		_, _ = c.ListServerlessProducts(ctx)
		_, _ = c.ListCloudStorages(ctx, "")
		_, _ = c.GetCloudStorage(ctx, "s")
		_, _ = c.ListRegistryCredentials(ctx)
		_, _ = c.GetJob(ctx, "e1-a", "j")
		_, _ = c.GetEndpointHealth(ctx, "e1-a")
		_, _ = c.SubmitJob(ctx, "e1-a", json.RawMessage(`{}`))
		_ = storageIDFrom(body)
		if e := parseAPIError("GET", "/x", status, body, testKey); e.Message == "" {
			t.Errorf("empty error message for %q", body)
		}
	})
}
