package client

import "fmt"

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
func IsNotFound(err error) bool { return false }

// HasReason reports whether err is an APIError with the given reason.
func HasReason(err error, reason string) bool { return false }
