package main

import (
	"strings"
	"testing"
)

func TestRouteOf_idsCountTogether(t *testing.T) {
	for path, want := range map[string]string{
		"/gpu-instance/openapi/v1/endpoint":                                    "/gpu-instance/openapi/v1/endpoint",
		"/gpus/v2/endpoints/0123456789abcdef":                                  "/gpus/v2/endpoints/{id}",
		"/v1/0123456789abcdef-app/status/1b4e28ba-2fa1-41d2-883f-0016d3cca427": "/v1/0123456789abcdef-app/status/{id}",
		"/gpus/v2/products":                                                    "/gpus/v2/products",
	} {
		if got := routeOf(path); got != want {
			t.Errorf("routeOf(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestReplaceBetweenMarkers(t *testing.T) {
	doc := "# Benchmarks\n\nby hand\n\n" + beginMarker + "\nold\n" + endMarker + "\n\n## Profile\nby hand too\n"
	got := replaceBetweenMarkers(doc, "new\n")
	want := "# Benchmarks\n\nby hand\n\n" + beginMarker + "\nnew\n" + endMarker + "\n\n## Profile\nby hand too\n"
	if got != want {
		t.Errorf("replaced:\n%s\nwant:\n%s", got, want)
	}
	if got := replaceBetweenMarkers("# Benchmarks\n", "new"); got != "# Benchmarks\n\n"+beginMarker+"\nnew\n"+endMarker+"\n" {
		t.Errorf("without markers:\n%s", got)
	}
}

func TestWorkloadConfig(t *testing.T) {
	mix := workload{kind: kindMix, count: 7}.config()
	for _, want := range []string{`"novita_endpoint" "bench"`, `"novita_cloud_storage" "bench"`, `"novita_registry_credential" "bench"`, "count          = 7", `source = "novitalabs/novita"`} {
		if !strings.Contains(mix, want) {
			t.Errorf("the mix has no %q:\n%s", want, mix)
		}
	}
	if got := (workload{kind: kindMix, count: 7}).objects(); got != 21 {
		t.Errorf("the mix of 7 holds %d objects, want 21", got)
	}
	storage := workload{kind: kindStorage, count: 3}.config()
	if strings.Contains(storage, "novita_endpoint") || !strings.Contains(storage, "count      = 3") {
		t.Errorf("storage workload:\n%s", storage)
	}
	if noop := (workload{kind: kindNoop, count: 2}).config(); !strings.Contains(noop, `"noop_object" "bench"`) || !strings.Contains(noop, `source = "novitalabs/noop"`) {
		t.Errorf("noop workload:\n%s", noop)
	}
}

func TestCleanEnv_dropsWhatChangesBehaviour(t *testing.T) {
	got := cleanEnv([]string{"PATH=/bin", "TF_LOG=debug", "TF_LOG_SDK_PROTO=off", "TF_CLI_CONFIG_FILE=x", "NOVITA_API_KEY=k", "TF_CLI_ARGS_plan=-refresh=false", "HOME=/root"})
	if strings.Join(got, " ") != "PATH=/bin HOME=/root" {
		t.Errorf("cleanEnv kept %v", got)
	}
}
