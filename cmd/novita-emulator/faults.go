package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
)

// faultsPath is where a running emulator takes faults over HTTP. It lies outside every Novita
// path, so no API route can clash with it.
const faultsPath = "/_emulator/faults"

// faultRequest is the JSON body of POST /_emulator/faults.
type faultRequest struct {
	Method     string `json:"method"`      // "" or "*": any method
	Path       string `json:"path"`        // exact URL path, e.g. /gpu-instance/openapi/v1/clusters
	Status     int    `json:"status"`      // 400..599
	Times      int    `json:"times"`       // how many requests fail; 0 means 1
	RetryAfter string `json:"retry_after"` // Retry-After header, in seconds
	Reason     string `json:"reason"`      // error reason; "" derives one from the status
	Message    string `json:"message"`     // error message; "" means "injected fault"
}

// toFault checks the request and turns it into an emulator fault.
func (r faultRequest) toFault() (emulator.Fault, error) {
	method := strings.ToUpper(strings.TrimSpace(r.Method))
	if method == "*" {
		method = ""
	}
	if strings.Trim(method, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return emulator.Fault{}, fmt.Errorf("method %q: want an HTTP method such as GET or POST, or * for any", r.Method)
	}
	if !strings.HasPrefix(r.Path, "/") {
		return emulator.Fault{}, fmt.Errorf("path %q: want the exact URL path, starting with /", r.Path)
	}
	if r.Status < 400 || r.Status > 599 {
		return emulator.Fault{}, fmt.Errorf("status %d: want an error status, 400 to 599", r.Status)
	}
	if r.Times < 0 {
		return emulator.Fault{}, fmt.Errorf("times %d: want 1 or more", r.Times)
	}
	if r.RetryAfter != "" {
		if secs, err := strconv.Atoi(r.RetryAfter); err != nil || secs < 0 {
			return emulator.Fault{}, fmt.Errorf("retry-after %q: want whole seconds, 0 or more", r.RetryAfter)
		}
	}
	return emulator.Fault{Method: method, Path: r.Path, Status: r.Status, Times: max(r.Times, 1),
		RetryAfter: r.RetryAfter, Reason: r.Reason, Message: r.Message}, nil
}

// parseFault reads a -fault flag: "METHOD PATH STATUS [times=N] [retry-after=SECONDS] [reason=REASON]".
func parseFault(s string) (emulator.Fault, error) {
	fields := strings.Fields(s)
	if len(fields) < 3 {
		return emulator.Fault{}, fmt.Errorf("-fault %q: want \"METHOD PATH STATUS [times=N] [retry-after=SECONDS] [reason=REASON]\"", s)
	}
	req := faultRequest{Method: fields[0], Path: fields[1]}
	var err error
	if req.Status, err = strconv.Atoi(fields[2]); err != nil {
		return emulator.Fault{}, fmt.Errorf("-fault %q: status %q is not a number", s, fields[2])
	}
	for _, opt := range fields[3:] {
		key, value, _ := strings.Cut(opt, "=")
		switch key {
		case "times":
			if req.Times, err = strconv.Atoi(value); err != nil || req.Times < 1 {
				return emulator.Fault{}, fmt.Errorf("-fault %q: times %q: want 1 or more", s, value)
			}
		case "retry-after":
			req.RetryAfter = value
		case "reason":
			req.Reason = value
		default:
			return emulator.Fault{}, fmt.Errorf("-fault %q: unknown option %q; allowed: times=N, retry-after=SECONDS, reason=REASON", s, opt)
		}
	}
	f, err := req.toFault()
	if err != nil {
		return emulator.Fault{}, fmt.Errorf("-fault %q: %w", s, err)
	}
	return f, nil
}

// faultsHandler serves POST /_emulator/faults: it queues one fault, for a caller holding one of
// the emulator's keys. Answers use Novita's error shape.
func faultsHandler(emu *emulator.Emulator, keys map[string]string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			writeAdminError(w, http.StatusMethodNotAllowed, "REQUEST", "use POST "+faultsPath)
			return
		}
		key, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if _, known := keys[strings.TrimSpace(key)]; !ok || !known {
			writeAdminError(w, http.StatusUnauthorized, "UNAUTHORIZED", "send Authorization: Bearer <one of the emulator's keys>")
			return
		}
		var req faultRequest
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			writeAdminError(w, http.StatusBadRequest, "REQUEST", "body: want a JSON object with method, path, status, times, retry_after, reason, message: "+err.Error())
			return
		}
		f, err := req.toFault()
		if err != nil {
			writeAdminError(w, http.StatusBadRequest, "VALIDATOR_PARAM", err.Error())
			return
		}
		emu.InjectFault(f)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"queued": faultRequest{Method: f.Method, Path: f.Path,
			Status: f.Status, Times: f.Times, RetryAfter: f.RetryAfter, Reason: f.Reason, Message: f.Message}})
	})
}

func writeAdminError(w http.ResponseWriter, status int, reason, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"code": status, "reason": reason, "message": message, "metadata": map[string]any{}})
}
