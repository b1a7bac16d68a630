package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// ErrMaybeCreated is wrapped by the error of a create call (endpoint create, storage create,
// credential save, job run) that failed after the server may already have acted on it: a 5xx
// answer, a timeout or a connection lost mid-request, or a 2xx whose new id could not be learned.
// Such calls are never retried blindly, since a retry could make a second object.
//
// Reconciling is the caller's job: errors.Is(err, ErrMaybeCreated) tells it to look for the
// object (for example list endpoints or storages by name) before trying again, or to tell the user
// that an orphan may exist. errors.As still finds the underlying cause (*APIError, context error).
var ErrMaybeCreated = errors.New("the request may have created the object although it failed")

// maybeCreated is a create's failure that wraps ErrMaybeCreated and keeps its cause apart, so
// that a reconciling create which proves nothing was made can report the cause alone.
type maybeCreated struct{ cause error }

func (e *maybeCreated) Error() string          { return ErrMaybeCreated.Error() + ": " + e.cause.Error() }
func (e *maybeCreated) Unwrap() []error        { return []error{ErrMaybeCreated, e.cause} }
func maybeCreatedBy(cause error) *maybeCreated { return &maybeCreated{cause: cause} }

// UnreachableError is the failure of a call that gave up because Novita could not be reached at
// all (connection refused, DNS failure: nothing was sent) for unreachableBudget. It names the URL
// and what set it, since a wrong or unset base URL is the usual cause.
type UnreachableError struct {
	URL    string        // the base URL the request went to
	Source string        // what set URL, e.g. "the NOVITA_BASE_URL environment variable"
	For    time.Duration // how long the host has been unreachable
	Err    error         // the last connection error
}

func (e *UnreachableError) Error() string {
	gaveUp := "the retries ran out"
	if e.For >= time.Second {
		gaveUp = fmt.Sprintf("no connection could be made for %s", e.For.Round(time.Second))
	}
	return fmt.Sprintf("cannot reach Novita at %s (set by %s): %v; %s. Check that URL and the network", e.URL, e.Source, e.Err, gaveUp)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// IsUnreachable reports whether err is (or wraps) an *UnreachableError.
func IsUnreachable(err error) bool {
	var u *UnreachableError
	return errors.As(err, &u)
}

// APIError is an error answer of the API.
type APIError struct {
	StatusCode int
	Reason     string // e.g. "SERVERLESS_ENDPOINT_NOT_FOUND"
	Message    string
	Method     string
	Path       string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("novita API %s %s: HTTP %d %s: %s", e.Method, e.Path, e.StatusCode, e.Reason, e.Message)
}

// IsNotFound reports whether err means the object does not exist: HTTP 404, or a reason that is
// RESOURCE_NOT_FOUND or ends in _NOT_FOUND (the API answers most not-found cases with 400).
func IsNotFound(err error) bool {
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	return apiErr.StatusCode == http.StatusNotFound ||
		apiErr.Reason == "RESOURCE_NOT_FOUND" || strings.HasSuffix(apiErr.Reason, "_NOT_FOUND")
}

// HasReason reports whether err is an APIError with the given reason.
func HasReason(err error, reason string) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.Reason == reason
}

// notFound builds the not-found error of lookups that the API only offers as a list.
func notFound(method, path, reason, what string) *APIError {
	return &APIError{StatusCode: http.StatusNotFound, Reason: reason, Message: what + " not found", Method: method, Path: path}
}

// maxRawErrorBody bounds how much of an unparseable error body goes into an error message.
const maxRawErrorBody = 512

// parseAPIError reads an error answer: message, then reason, then error, then the raw body, then
// the status text, so the message is never empty. The API key is scrubbed in case a proxy or
// server echoes the request headers.
func parseAPIError(method, path string, status int, body []byte, apiKey string) *APIError {
	var parsed struct {
		Reason  json.RawMessage `json:"reason"`
		Message json.RawMessage `json:"message"`
		Error   json.RawMessage `json:"error"`
	}
	_ = json.Unmarshal(body, &parsed) // a non-JSON body falls through to the raw text below
	reason := jsonText(parsed.Reason)
	msg := jsonText(parsed.Message)
	if msg == "" {
		msg = reason
	}
	if msg == "" {
		msg = truncate(jsonText(parsed.Error), maxRawErrorBody)
	}
	if msg == "" {
		msg = truncate(strings.TrimSpace(string(bytes.ToValidUTF8(body, []byte("?")))), maxRawErrorBody)
	}
	if msg == "" {
		msg = http.StatusText(status)
	}
	if msg == "" {
		msg = "no error message"
	}
	if apiKey != "" {
		msg = strings.ReplaceAll(msg, apiKey, "[redacted]")
		reason = strings.ReplaceAll(reason, apiKey, "[redacted]")
	}
	return &APIError{StatusCode: status, Reason: reason, Message: msg, Method: method, Path: path}
}

// jsonText renders a JSON string as its text and any other non-null value as compact JSON.
func jsonText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	var compact bytes.Buffer
	if json.Compact(&compact, raw) == nil {
		return compact.String()
	}
	return ""
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…(truncated)"
}
