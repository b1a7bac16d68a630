package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// apiError is an error answer: {"code", "reason", "message", "metadata": {}}.
type apiError struct {
	Status     int
	Reason     string
	Message    string
	RetryAfter string
	Allow      string // the Allow header of a 405
}

func (e *apiError) Error() string { return e.Reason + ": " + e.Message }

// invalid is the VALIDATOR_PARAM answer for a bad input field.
func invalid(format string, args ...any) *apiError {
	return &apiError{Status: http.StatusBadRequest, Reason: "VALIDATOR_PARAM", Message: fmt.Sprintf(format, args...)}
}

// badRequest is a 400 answer with a specific reason (v1's not-found answers included, as Novita
// documents for v1).
func badRequest(reason, format string, args ...any) *apiError {
	return &apiError{Status: http.StatusBadRequest, Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// notFound is a 404 answer with a specific reason: a v2 path names an object that does not exist.
func notFound(reason, format string, args ...any) *apiError {
	return &apiError{Status: http.StatusNotFound, Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// reasonForStatus names the documented error for an HTTP status.
func reasonForStatus(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return "UNAUTHORIZED"
	case http.StatusForbidden:
		return "FORBIDDEN"
	case http.StatusTooManyRequests:
		return "RATE_LIMIT_EXCEEDED"
	case http.StatusBadRequest:
		return "REQUEST"
	default:
		return "UNKNOWN"
	}
}

func faultError(f Fault) *apiError {
	reason := f.Reason
	if reason == "" {
		reason = reasonForStatus(f.Status)
	}
	msg := f.Message
	if msg == "" {
		msg = "injected fault"
	}
	return &apiError{Status: f.Status, Reason: reason, Message: msg, RetryAfter: f.RetryAfter}
}

func writeError(w http.ResponseWriter, e *apiError) {
	if e.RetryAfter != "" {
		w.Header().Set("Retry-After", e.RetryAfter)
	}
	if e.Allow != "" {
		w.Header().Set("Allow", e.Allow)
	}
	writeJSON(w, e.Status, map[string]any{
		"code":     e.Status,
		"reason":   e.Reason,
		"message":  e.Message,
		"metadata": map[string]any{},
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"code":500,"reason":"UNKNOWN","message":"encoding the response failed","metadata":{}}` + "\n")
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// readBody reads a request body of at most 4 MiB; larger bodies answer 413.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, *apiError) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, &apiError{Status: http.StatusRequestEntityTooLarge, Reason: "REQUEST", Message: "request body exceeds the 4 MiB limit"}
		}
		return nil, badRequest("REQUEST", "reading the request body failed")
	}
	return body, nil
}

// queryPositive reads an optional integer query parameter in 1..hi.
func queryPositive(c *call, name string, def, hi int) (int, *apiError) {
	s := c.r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > hi {
		return 0, invalid("%s must be an integer between 1 and %d, got %q", name, hi, s)
	}
	return n, nil
}

// page returns items[(num-1)*size : num*size], clamped.
func page[T any](items []T, num, size int) []T {
	start := (num - 1) * size
	if start >= len(items) {
		return []T{}
	}
	end := min(start+size, len(items))
	return items[start:end]
}

const (
	defaultPageSize = 20
	maxPageSize     = 100
)
