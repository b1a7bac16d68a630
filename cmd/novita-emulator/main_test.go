package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestParseFlagsDefaults(t *testing.T) {
	cfg, err := parseFlags(nil, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := config{addr: "127.0.0.1:0", apiKeys: []apiKey{{emulator.DefaultAPIKey, "default"}}, speed: 1,
		createDelay: 5 * time.Second, updateDelay: 3 * time.Second, deleteDelay: 2 * time.Second, prewarmTime: 10 * time.Second}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("defaults = %+v, want %+v", cfg, want)
	}
	cfg, _ = parseFlags(nil, env(map[string]string{"NOVITA_EMULATOR_API_KEY": "sk_from_env"}), io.Discard)
	if want := []apiKey{{"sk_from_env", "default"}}; !reflect.DeepEqual(cfg.apiKeys, want) {
		t.Errorf("key from env = %+v, want %+v", cfg.apiKeys, want)
	}
	cfg, err = parseFlags([]string{"-api-key", "sk_flag", "-speed", "10", "-create-delay", "0s", "-prewarm-time", "2s", "-state-file", "s.json", "-port-file", "p", "-addr", "[::1]:0"},
		env(map[string]string{"NOVITA_EMULATOR_API_KEY": "sk_from_env"}), io.Discard)
	if err != nil || !reflect.DeepEqual(cfg.apiKeys, []apiKey{{"sk_flag", "default"}}) || cfg.speed != 10 || cfg.createDelay != 0 || cfg.prewarmTime != 2*time.Second || cfg.stateFile != "s.json" || cfg.portFile != "p" {
		t.Errorf("flags = %+v, %v", cfg, err)
	}
}

func TestParseFlagsSeveralKeys(t *testing.T) {
	cfg, err := parseFlags([]string{"-api-key", "sk_a", "-api-key", "sk_b=team-b"}, env(map[string]string{"NOVITA_EMULATOR_API_KEY": "sk_env"}), io.Discard)
	if want := []apiKey{{"sk_a", "default"}, {"sk_b", "team-b"}}; err != nil || !reflect.DeepEqual(cfg.apiKeys, want) {
		t.Errorf("flags: %+v, %v; want %+v (flags replace the environment)", cfg.apiKeys, err, want)
	}
	cfg, err = parseFlags(nil, env(map[string]string{"NOVITA_EMULATOR_API_KEY": " sk_a=one, sk_b ,,sk_c=two,"}), io.Discard)
	if want := []apiKey{{"sk_a", "one"}, {"sk_b", "default"}, {"sk_c", "two"}}; err != nil || !reflect.DeepEqual(cfg.apiKeys, want) {
		t.Errorf("env list: %+v, %v; want %+v", cfg.apiKeys, err, want)
	}
	for _, list := range []string{"sk_a,=team", "sk_a=", "sk_a,sk_a=other"} {
		if _, err := parseFlags(nil, env(map[string]string{"NOVITA_EMULATOR_API_KEY": list}), io.Discard); err == nil {
			t.Errorf("NOVITA_EMULATOR_API_KEY=%q accepted", list)
		}
	}
}

func TestParseFlagsRefusals(t *testing.T) {
	for _, args := range [][]string{
		{"-addr", "0.0.0.0:8080"},
		{"-addr", ":8080"},
		{"-addr", "192.168.1.5:0"},
		{"-addr", "example.com:80"},
		{"-addr", "no-port"},
		{"-speed", "0"},
		{"-api-key", ""},
		{"-api-key", "=team"},
		{"-api-key", "sk_a="},
		{"-api-key", "sk_a", "-api-key", "sk_a=other"},
		{"extra"},
		{"-bogus"},
	} {
		if _, err := parseFlags(args, env(nil), io.Discard); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
	for _, addr := range []string{"localhost:0", "127.0.0.1:0", "[::1]:0", "127.0.0.2:9999"} {
		if err := checkLoopback(addr); err != nil {
			t.Errorf("%s refused: %v", addr, err)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServeOnPickedPort(t *testing.T) {
	portFile := filepath.Join(t.TempDir(), "url")
	cfg, err := parseFlags([]string{"-api-key", "sk_test_key", "-port-file", portFile}, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, &stdout, &stderr, func(u string) { ready <- u }) }()

	var base string
	select {
	case base = <-ready:
	case err := <-done:
		t.Fatalf("serve ended early: %v", err)
	}
	if !strings.HasPrefix(base, "http://127.0.0.1:") || strings.HasSuffix(base, ":0") {
		t.Fatalf("base URL %q", base)
	}
	out := stdout.String()
	for _, line := range []string{
		"export NOVITA_BASE_URL=" + base + "\n",
		"export NOVITA_ASYNC_BASE_URL=" + base + "/v1\n",
		"export NOVITA_API_KEY=sk_test_key\n",
	} {
		if !strings.Contains(out, line) {
			t.Errorf("stdout lacks %q:\n%s", line, out)
		}
	}
	if b, err := os.ReadFile(portFile); err != nil || strings.TrimSpace(string(b)) != base {
		t.Errorf("port file = %q, %v", b, err)
	}

	req, _ := http.NewRequest("GET", base+"/gpu-instance/openapi/v1/clusters", nil)
	req.Header.Set("Authorization", "Bearer sk_test_key")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("clusters: %d", resp.StatusCode)
	}

	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve returned %v after shutdown", err)
	}
	logs := stderr.String()
	if !strings.Contains(logs, "GET /gpu-instance/openapi/v1/clusters 200") {
		t.Errorf("request not logged:\n%s", logs)
	}
	if strings.Contains(logs, "sk_test_key") {
		t.Error("the log contains the API key")
	}
}

// startServe runs serve in the background until the test ends and returns the base URL and stdout.
func startServe(t *testing.T, args ...string) (string, *syncBuffer) {
	t.Helper()
	cfg, err := parseFlags(args, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var stdout syncBuffer
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, &stdout, io.Discard, func(u string) { ready <- u }) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve returned %v after shutdown", err)
		}
	})
	select {
	case base := <-ready:
		return base, &stdout
	case err := <-done:
		t.Fatalf("serve ended early: %v", err)
		return "", nil
	}
}

// callAPI sends a request with a key and decodes the JSON answer into out (if set).
func callAPI(t *testing.T, method, url, key, body string, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil && resp.StatusCode == http.StatusOK {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatalf("%s %s: %v", method, url, err)
		}
	}
	return resp.StatusCode
}

func TestServeKeysOfTwoTeamsDoNotSeeEachOther(t *testing.T) {
	base, stdout := startServe(t, "-api-key", "sk_team_a=a", "-api-key", "sk_team_b=b", "-create-delay", "0s")
	out := stdout.String()
	for _, want := range []string{"export NOVITA_API_KEY=sk_team_a\n", "sk_team_a  team a\n", "sk_team_b  team b\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}

	eps := base + "/gpus/v2/endpoints"
	spec := `{"type": "async", "name": "team-a-only", "app_name": "team-a-only", "product_id": "SL-serverless-1",
		"image": "novitalabs/sleep-worker:latest", "ports": [8080],
		"worker_config": {"min_replicas": 0, "max_replicas": 1, "idle_timeout": 60, "max_concurrent_per_worker": 1, "gpu_num": 1}}`
	var created struct{ ID string }
	if code := callAPI(t, "POST", eps, "sk_team_a", spec, &created); code != http.StatusOK || created.ID == "" {
		t.Fatalf("create with team a's key: %d, id %q", code, created.ID)
	}

	type list struct{ Data []struct{ ID string } }
	var a, b list
	if code := callAPI(t, "GET", eps, "sk_team_a", "", &a); code != http.StatusOK || len(a.Data) != 1 {
		t.Errorf("team a lists %d endpoints (status %d), want its 1", len(a.Data), code)
	}
	if code := callAPI(t, "GET", eps, "sk_team_b", "", &b); code != http.StatusOK || len(b.Data) != 0 {
		t.Errorf("team b lists %d endpoints (status %d), want 0", len(b.Data), code)
	}
	if code := callAPI(t, "GET", eps+"/"+created.ID, "sk_team_b", "", nil); code != http.StatusNotFound {
		t.Errorf("team b reads team a's endpoint %s: %d, want 404", created.ID, code)
	}
	if code := callAPI(t, "GET", eps+"/"+created.ID, "sk_team_a", "", nil); code != http.StatusOK {
		t.Errorf("team a cannot read its own endpoint: %d", code)
	}
	if code := callAPI(t, "GET", eps, "sk_unknown", "", nil); code != http.StatusUnauthorized {
		t.Errorf("an unknown key got %d, want 401", code)
	}
}

func TestServeRefusesBadStateFile(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(bad, []byte("nope"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, _ := parseFlags([]string{"-state-file", bad}, env(nil), io.Discard)
	if err := serve(context.Background(), cfg, io.Discard, io.Discard, nil); err == nil {
		t.Error("serve started over a corrupt state file")
	}
}
