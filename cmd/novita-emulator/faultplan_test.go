package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestServeFaultPlanFromTheCommandLine(t *testing.T) {
	clusters := "/gpu-instance/openapi/v1/clusters"
	base, stdout := startServe(t, "-api-key", "sk_k", "-fault-plan", "seed=3,path="+clusters+",429=1,retry-after=2")
	for i := range 3 {
		if code := callAPI(t, "GET", base+clusters, "sk_k", "", nil); code != http.StatusTooManyRequests {
			t.Errorf("request %d to %s: %d, want 429 from the plan", i+1, clusters, code)
		}
	}
	if code := callAPI(t, "GET", base+"/gpu-instance/openapi/v1/repository/auths", "sk_k", "", nil); code != http.StatusOK {
		t.Errorf("a route outside the plan: %d, want 200", code)
	}
	if !strings.Contains(stdout.String(), "Fault plan from -fault-plan in force: 1 rule(s), seed 3") {
		t.Errorf("start-up output does not mention the plan:\n%s", stdout)
	}
	if _, err := parseFlags([]string{"-fault-plan", "error=2"}, env(nil), io.Discard); err == nil || !strings.Contains(err.Error(), "between 0 and 1") {
		t.Errorf("-fault-plan error=2: %v, want a fraction error", err)
	}
}
