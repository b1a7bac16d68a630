package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults of the parts of Config that the contract does not fix.
const (
	DefaultUserAgent   = "terraform-provider-novita"
	DefaultPollFloor   = 1 * time.Second
	DefaultPollCeiling = 15 * time.Second
)

// v1Prefix is the path of the management API v1 under the base URL.
const v1Prefix = "/gpu-instance/openapi/v1"

// Retry timing. Retry-After answers are honoured up to maxRetryAfter so that one odd header
// cannot stall an apply for hours.
const (
	defaultBackoffBase = 500 * time.Millisecond
	maxBackoff         = 30 * time.Second
	maxRetryAfter      = 60 * time.Second
	maxResponseBytes   = 32 << 20
)

// Client talks to Novita's management API and job gateway. It is safe for concurrent use.
type Client struct {
	cfg          Config
	http         *http.Client
	baseURL      string // no trailing slash
	asyncBaseURL string // no trailing slash

	// retryPace paces do's retries (tests shrink it); Retry-After answers override it.
	retryPace Backoff
	// now and sleep are the clock of retries, waits and caches; tests put a fake clock here.
	now   func() time.Time
	sleep func(context.Context, time.Duration) error

	credentials credentialCache
}

// New validates cfg (plain http:// only to loopback hosts), applies defaults and returns a client.
func New(cfg Config) (*Client, error) {
	if strings.TrimSpace(cfg.APIKey) == "" {
		return nil, errors.New("novita client: an API key is required")
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	if cfg.AsyncBaseURL == "" {
		cfg.AsyncBaseURL = DefaultAsyncBaseURL
	}
	base, err := checkBaseURL("base URL", cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	asyncBase, err := checkBaseURL("async base URL", cfg.AsyncBaseURL)
	if err != nil {
		return nil, err
	}
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = DefaultMaxRetries
	} else if cfg.MaxRetries < 0 {
		cfg.MaxRetries = 0
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	if cfg.PollFloor <= 0 {
		cfg.PollFloor = DefaultPollFloor
	}
	if cfg.PollCeiling <= 0 {
		cfg.PollCeiling = DefaultPollCeiling
	}
	if cfg.PollCeiling < cfg.PollFloor {
		cfg.PollCeiling = cfg.PollFloor
	}
	httpClient := cfg.HTTPClient
	if httpClient == nil {
		// No client-wide Timeout: each attempt gets its own deadline from RequestTimeout.
		httpClient = &http.Client{Transport: http.DefaultTransport}
	}
	return &Client{
		cfg:          cfg,
		http:         httpClient,
		baseURL:      base,
		asyncBaseURL: asyncBase,
		retryPace:    Backoff{Base: defaultBackoffBase, Cap: maxBackoff, Factor: 2, Jitter: true},
		now:          time.Now,
		sleep:        sleep,
	}, nil
}

// checkBaseURL parses raw and refuses anything but https, or http to a loopback host (the
// emulator). It returns the URL without trailing slashes.
func checkBaseURL(what, raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("novita client: invalid %s: %v", what, err)
	}
	if u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", fmt.Errorf("novita client: invalid %s %q: want https://host[/path]", what, u.Redacted())
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return "", fmt.Errorf("novita client: %s %q uses plain http://, which would send the API key "+
			"unencrypted; use https:// (http:// is allowed only for loopback hosts such as 127.0.0.1)", what, u.Redacted())
	}
	u.RawQuery, u.Fragment = "", ""
	return strings.TrimRight(u.String(), "/"), nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// request is one logical API call; do may send it several times.
type request struct {
	method string
	base   string // c.baseURL+v1Prefix, c.baseURL or c.asyncBaseURL
	path   string // shown in errors and logs
	query  url.Values
	body   any // marshalled to JSON; nil sends no body
	// rawBody, when set, is sent instead of body (already marshalled and size-checked).
	rawBody []byte
	// creates marks a request that makes something on the server. It is retried only when the
	// server provably did not act (429, or a connection that was never established); any other
	// failure returns an error wrapping ErrMaybeCreated.
	creates bool
	// out receives the decoded 2xx body; nil ignores it; *json.RawMessage receives it raw.
	out any
}

func (c *Client) v1(method, path string) request {
	return request{method: method, base: c.baseURL + v1Prefix, path: path}
}

// do sends r, retrying as classify decides, and decodes the answer into r.out. Every Client of
// the process that uses the same host and key shares one peer: a 429 pauses them all, and they
// give up together once the host has been unreachable for unreachableBudget.
func (c *Client) do(ctx context.Context, r request) error {
	body, err := r.encodeBody()
	if err != nil {
		return err
	}
	target := r.base + r.path
	if len(r.query) > 0 {
		target += "?" + r.query.Encode()
	}
	p := peerFor(r.base, c.cfg.APIKey)
	for n := 0; ; n++ {
		if err := p.waitTurn(ctx, c.now, c.sleep); err != nil {
			return fmt.Errorf("novita API %s %s: waiting out the account's rate limit: %w", r.method, r.path, err)
		}
		status, header, respBody, err := c.send(ctx, r, target, body, n)
		if err == nil {
			p.answered()
			if status >= 200 && status < 300 {
				return decodeResponse(r, respBody)
			}
		}
		a := attempt{creates: r.creates, transport: err}
		if err != nil {
			a.canceled, a.dialFailed = ctx.Err() != nil, isDialError(err)
		} else {
			a.status, a.retryAfter = status, header.Get("Retry-After")
			a.apiErr = parseAPIError(r.method, r.path, status, respBody, c.cfg.APIKey)
		}
		failure := c.failure(ctx, r, a)
		v, wait := classify(a, c.now())
		if v == retry && wait <= 0 {
			wait = c.retryPace.Wait(n)
		}
		if a.status == http.StatusTooManyRequests {
			p.pause(c.now().Add(wait)) // everyone using this account waits, not only this call
		}
		var down time.Duration
		if a.dialFailed && !a.canceled {
			down = p.unreachableFor(c.now())
		}
		switch {
		case v == giveUpMaybeCreated:
			return maybeCreatedBy(failure)
		case a.dialFailed && !a.canceled && (v != retry || n >= c.cfg.MaxRetries || down+wait > unreachableBudget):
			return c.unreachable(r, down, a.transport)
		case v == giveUp || n == 0 && c.cfg.MaxRetries == 0:
			return failure
		case n >= c.cfg.MaxRetries:
			return fmt.Errorf("%w (gave up after %d attempts)", failure, n+1)
		}
		if err := c.sleep(ctx, wait); err != nil {
			return fmt.Errorf("%w (while waiting to retry after: %w)", err, failure)
		}
	}
}

// unreachable is the error of a call to r's host that could not connect.
func (c *Client) unreachable(r request, down time.Duration, err error) *UnreachableError {
	u := &UnreachableError{URL: c.baseURL, Source: c.cfg.BaseURLSource, For: down, Err: fmt.Errorf("%s %s: %w", r.method, r.path, err)}
	if r.base == c.asyncBaseURL {
		u.URL, u.Source = c.asyncBaseURL, c.cfg.AsyncBaseURLSource
	}
	if u.Source == "" {
		u.Source = "the default"
	}
	return u
}

// failure is the error the caller sees when do stops after attempt a.
func (c *Client) failure(ctx context.Context, r request, a attempt) error {
	switch {
	case a.apiErr != nil:
		return a.apiErr
	case a.canceled:
		return fmt.Errorf("novita API %s %s: %w", r.method, r.path, ctx.Err())
	case errors.Is(a.transport, context.DeadlineExceeded):
		return fmt.Errorf("novita API %s %s: no answer within the request timeout of %s: %w", r.method, r.path, c.cfg.RequestTimeout, a.transport)
	}
	return fmt.Errorf("novita API %s %s: %w", r.method, r.path, a.transport)
}

// encodeBody returns the JSON body to send, or nil for none.
func (r request) encodeBody() ([]byte, error) {
	if r.rawBody != nil || r.body == nil {
		return r.rawBody, nil
	}
	body, err := json.Marshal(r.body)
	if err != nil {
		return nil, fmt.Errorf("novita API %s %s: encoding request: %w", r.method, r.path, err)
	}
	return body, nil
}

// send makes one HTTP attempt under its own RequestTimeout and reads the whole answer.
func (c *Client) send(ctx context.Context, r request, target string, body []byte, attempt int) (int, http.Header, []byte, error) {
	attemptCtx, cancel := context.WithTimeout(ctx, c.cfg.RequestTimeout)
	defer cancel()

	var bodyReader io.Reader
	if body != nil {
		bodyReader = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(attemptCtx, r.method, target, bodyReader)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.cfg.APIKey)
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}

	start := time.Now()
	resp, err := c.http.Do(req)
	var respBody []byte
	if err == nil {
		respBody, err = io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
		resp.Body.Close()
	}
	c.logAttempt(ctx, r, attempt, resp, err, time.Since(start))
	if err != nil {
		return 0, nil, nil, unwrapURLError(err)
	}
	return resp.StatusCode, resp.Header, respBody, nil
}

func (c *Client) logAttempt(ctx context.Context, r request, attempt int, resp *http.Response, err error, took time.Duration) {
	if c.cfg.Logf == nil {
		return
	}
	fields := map[string]any{
		"method":      r.method,
		"path":        r.path,
		"attempt":     attempt + 1,
		"duration_ms": took.Milliseconds(),
	}
	if resp != nil {
		fields["status"] = resp.StatusCode
	}
	if err != nil {
		fields["error"] = unwrapURLError(err).Error()
	}
	c.cfg.Logf(ctx, "novita API request", fields)
}

// unwrapURLError drops *url.Error's "Post \"https://...\"" prefix; do adds method and path itself.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func decodeResponse(r request, body []byte) error {
	if r.out == nil {
		return nil
	}
	if raw, ok := r.out.(*json.RawMessage); ok {
		*raw = append((*raw)[:0], body...)
		return nil
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return fmt.Errorf("novita API %s %s: empty response body", r.method, r.path)
	}
	if err := json.Unmarshal(body, r.out); err != nil {
		return fmt.Errorf("novita API %s %s: decoding response: %w", r.method, r.path, err)
	}
	return nil
}
