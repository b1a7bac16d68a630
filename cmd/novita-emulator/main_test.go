package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
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
	want := config{addr: "127.0.0.1:0", apiKey: emulator.DefaultAPIKey, speed: 1,
		createDelay: 5 * time.Second, updateDelay: 3 * time.Second, deleteDelay: 2 * time.Second}
	if cfg != want {
		t.Errorf("defaults = %+v, want %+v", cfg, want)
	}
	cfg, _ = parseFlags(nil, env(map[string]string{"NOVITA_EMULATOR_API_KEY": "sk_from_env"}), io.Discard)
	if cfg.apiKey != "sk_from_env" {
		t.Errorf("key from env = %q", cfg.apiKey)
	}
	cfg, err = parseFlags([]string{"-api-key", "sk_flag", "-speed", "10", "-create-delay", "0s", "-state-file", "s.json", "-port-file", "p", "-addr", "[::1]:0"},
		env(map[string]string{"NOVITA_EMULATOR_API_KEY": "sk_from_env"}), io.Discard)
	if err != nil || cfg.apiKey != "sk_flag" || cfg.speed != 10 || cfg.createDelay != 0 || cfg.stateFile != "s.json" || cfg.portFile != "p" {
		t.Errorf("flags = %+v, %v", cfg, err)
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
