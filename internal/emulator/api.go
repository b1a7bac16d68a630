package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// apiError is an error answer: {"code", "reason", "message", "metadata": {}}.
type apiError struct {
	Status     int
	Reason     string
	Message    string
	RetryAfter string
}

func (e *apiError) Error() string { return e.Reason + ": " + e.Message }

// invalid is the VALIDATOR_PARAM answer for a bad input field.
func invalid(format string, args ...any) *apiError {
	return &apiError{Status: http.StatusBadRequest, Reason: "VALIDATOR_PARAM", Message: fmt.Sprintf(format, args...)}
}

// badRequest is a 400 answer with a specific reason (not-found answers included, as Novita does).
func badRequest(reason, format string, args ...any) *apiError {
	return &apiError{Status: http.StatusBadRequest, Reason: reason, Message: fmt.Sprintf(format, args...)}
}

func noRoute(method, path string) *apiError {
	for key := range routes {
		if _, p, _ := strings.Cut(key, " "); p == path {
			return &apiError{Status: http.StatusMethodNotAllowed, Reason: "REQUEST", Message: fmt.Sprintf("method %s is not allowed on %s", method, path)}
		}
	}
	return &apiError{Status: http.StatusNotFound, Reason: "NOT_FOUND", Message: fmt.Sprintf("no such API: %s %s", method, path)}
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

// decode parses a JSON body into v. Wrong JSON types name the field; prefix (for example
// "endpoint.") is dropped from field paths so messages use the names of the flat shape.
func decode(body []byte, v any, prefix string) *apiError {
	if len(strings.TrimSpace(string(body))) == 0 {
		return badRequest("REQUEST", "request body is empty: a JSON object is required")
	}
	err := json.Unmarshal(body, v)
	if err == nil {
		return nil
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		field := strings.TrimPrefix(typeErr.Field, prefix)
		if field == "" {
			return badRequest("REQUEST", "request body must be a JSON object")
		}
		return invalid("%s must be %s, got a JSON %s", field, jsonKind(typeErr.Type.Kind().String()), typeErr.Value)
	}
	var portErr *portError
	if errors.As(err, &portErr) {
		return invalid("%s", portErr.Error())
	}
	return badRequest("REQUEST", "request body is not valid JSON")
}

// jsonKind names a Go kind the way an API user thinks of it.
func jsonKind(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"), strings.HasPrefix(kind, "float"):
		return "a number"
	case kind == "string":
		return "a string"
	case kind == "bool":
		return "a boolean"
	case kind == "slice":
		return "a list"
	default:
		return "an object"
	}
}

// portValue is a port in a request: a JSON number or a numeric string (the doc types it as a
// string, clients send numbers; both are accepted).
type portValue int

type portError struct{ raw string }

func (e *portError) Error() string {
	return fmt.Sprintf("ports[].port must be a port number, got %s", e.raw)
}

func (p *portValue) UnmarshalJSON(b []byte) error {
	raw := strings.TrimSpace(string(b))
	s := raw
	if strings.HasPrefix(raw, `"`) {
		if err := json.Unmarshal(b, &s); err != nil {
			return &portError{raw: raw}
		}
	}
	if s == "null" {
		return nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return &portError{raw: raw}
	}
	*p = portValue(n)
	return nil
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
