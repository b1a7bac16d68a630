package main

import (
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
)

func TestParseFault(t *testing.T) {
	for spec, want := range map[string]emulator.Fault{
		"POST /gpu-instance/openapi/v1/networkstorage/create 429": {Method: "POST", Path: "/gpu-instance/openapi/v1/networkstorage/create", Status: 429, Times: 1},
		"* /v1/a-b/health 503 times=3 retry-after=2":              {Path: "/v1/a-b/health", Status: 503, Times: 3, RetryAfter: "2"},
		"get /gpus/v2/products 400 reason=OPERATION_LIMIT":        {Method: "GET", Path: "/gpus/v2/products", Status: 400, Times: 1, Reason: "OPERATION_LIMIT"},
	} {
		got, err := parseFault(spec)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("parseFault(%q) = %+v, %v; want %+v", spec, got, err, want)
		}
	}
	for spec, wantInError := range map[string]string{
		"POST /x":                   "METHOD PATH STATUS",
		"POST x 500":                "starting with /",
		"POST /x 200":               "400 to 599",
		"POST /x abc":               "not a number",
		"PO-ST /x 500":              "HTTP method",
		"POST /x 500 times=0":       "1 or more",
		"POST /x 500 retry-after=x": "whole seconds",
		"POST /x 500 colour=red":    "allowed: times=N",
	} {
		if _, err := parseFault(spec); err == nil || !strings.Contains(err.Error(), wantInError) {
			t.Errorf("parseFault(%q) = %v; want an error mentioning %q", spec, err, wantInError)
		}
	}
	if _, err := parseFlags([]string{"-fault", "POST /x 200"}, env(nil), io.Discard); err == nil {
		t.Error("-fault with a success status accepted")
	}
}

func TestServeFaultFromTheCommandLine(t *testing.T) {
	clusters := "/gpu-instance/openapi/v1/clusters"
	base, stdout := startServe(t, "-api-key", "sk_k", "-fault", "GET "+clusters+" 503 times=2")
	for i, want := range []int{http.StatusServiceUnavailable, http.StatusServiceUnavailable, http.StatusOK} {
		if code := callAPI(t, "GET", base+clusters, "sk_k", "", nil); code != want {
			t.Errorf("request %d to %s: %d, want %d", i+1, clusters, code, want)
		}
	}
	if !strings.Contains(stdout.String(), "1 fault(s) queued") {
		t.Errorf("start-up output does not mention the queued fault:\n%s", stdout)
	}
}

func TestServeFaultOverHTTP(t *testing.T) {
	base, _ := startServe(t, "-api-key", "sk_k")
	faults := base + faultsPath
	storages := "/gpu-instance/openapi/v1/networkstorages/list"
	body := `{"method": "GET", "path": "` + storages + `", "status": 429, "retry_after": "1", "reason": "RATE_LIMIT_EXCEEDED"}`

	if code := callAPI(t, "POST", faults, "sk_wrong", body, nil); code != http.StatusUnauthorized {
		t.Errorf("a fault with an unknown key: %d, want 401", code)
	}
	if code := callAPI(t, "POST", faults, "sk_k", `{"path": "/x", "status": 200}`, nil); code != http.StatusBadRequest {
		t.Errorf("a fault with status 200: %d, want 400", code)
	}
	if code := callAPI(t, "POST", faults, "sk_k", `{"path": "/x", "status": 500, "colour": "red"}`, nil); code != http.StatusBadRequest {
		t.Errorf("a fault with an unknown field: %d, want 400", code)
	}
	if code := callAPI(t, "GET", faults, "sk_k", "", nil); code != http.StatusMethodNotAllowed {
		t.Errorf("GET %s: %d, want 405", faultsPath, code)
	}
	var queued struct{ Queued faultRequest }
	if code := callAPI(t, "POST", faults, "sk_k", body, &queued); code != http.StatusOK || queued.Queued.Times != 1 || queued.Queued.Path != storages {
		t.Fatalf("queue a fault: %d, %+v", code, queued)
	}

	req, _ := http.NewRequest("GET", base+storages, nil)
	req.Header.Set("Authorization", "Bearer sk_k")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "1" {
		t.Errorf("first request after the fault: %d, Retry-After %q; want 429 and 1", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if code := callAPI(t, "GET", base+storages, "sk_k", "", nil); code != http.StatusOK {
		t.Errorf("second request: %d, want 200 (the fault was for one request)", code)
	}
}
