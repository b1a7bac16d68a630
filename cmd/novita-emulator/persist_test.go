package main

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseFlagsPersistKeepsOneAddressAndState(t *testing.T) {
	cache := t.TempDir()
	orig := userCacheDir
	userCacheDir = func() (string, error) { return cache, nil }
	t.Cleanup(func() { userCacheDir = orig })

	cfg, err := parseFlags([]string{"-persist"}, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(cache, "novita-emulator", "state.json"); cfg.addr != persistAddr || cfg.stateFile != want {
		t.Errorf("-persist: addr %q, state %q; want %q, %q", cfg.addr, cfg.stateFile, persistAddr, want)
	}
	cfg, err = parseFlags([]string{"-persist", "-addr", "127.0.0.1:9999", "-state-file", "mine.json"}, env(nil), io.Discard)
	if err != nil || cfg.addr != "127.0.0.1:9999" || cfg.stateFile != "mine.json" {
		t.Errorf("-persist with -addr and -state-file: %+v, %v; the given flags must win", cfg, err)
	}
	cfg, _ = parseFlags(nil, env(nil), io.Discard)
	if cfg.addr != "127.0.0.1:0" || cfg.stateFile != "" {
		t.Errorf("without -persist: addr %q, state %q; want a free port and no state file", cfg.addr, cfg.stateFile)
	}
}

func TestPrintEnvNeedsAFixedPortAndQuotesOddKeys(t *testing.T) {
	cfg, err := parseFlags([]string{"-addr", "127.0.0.1:8787", "-env"}, env(nil), io.Discard)
	if err != nil || !cfg.printEnv {
		t.Fatalf("-env: %+v, %v", cfg, err)
	}
	var out bytes.Buffer
	if err := printEnv(&out, cfg); err != nil {
		t.Fatal(err)
	}
	want := "export NOVITA_BASE_URL=http://127.0.0.1:8787\nexport NOVITA_ASYNC_BASE_URL=http://127.0.0.1:8787/v1\nexport NOVITA_API_KEY=sk_emulator_local_key\n"
	if out.String() != want {
		t.Errorf("-env printed\n%s\nwant\n%s", out.String(), want)
	}

	cfg, _ = parseFlags([]string{"-env"}, env(nil), io.Discard)
	if err := printEnv(io.Discard, cfg); err == nil || !strings.Contains(err.Error(), "-persist") {
		t.Errorf("-env on a free port: %v; want an error that names -persist", err)
	}

	cfg, _ = parseFlags([]string{"-addr", "[::1]:8787", "-api-key", "it's $HOME"}, env(nil), io.Discard)
	out.Reset()
	if err := printEnv(&out, cfg); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"export NOVITA_BASE_URL='http://[::1]:8787'\n", `export NOVITA_API_KEY='it'\''s $HOME'` + "\n"} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("-env printed\n%s\nwant the line %q", out.String(), line)
		}
	}
}

func TestServeKeepsStateAcrossRestarts(t *testing.T) {
	state := filepath.Join(t.TempDir(), "not", "yet", "state.json") // serve creates the directory
	base, _ := startServe(t, "-state-file", state, "-api-key", "sk_k")
	body := `{"clusterId": "us-dallas-1", "storageName": "kept", "storageSize": 10}`
	if code := callAPI(t, "POST", base+"/gpu-instance/openapi/v1/networkstorage/create", "sk_k", body, nil); code != http.StatusOK {
		t.Fatalf("create storage: %d", code)
	}

	// A second emulator over the same file (the first still runs: the file is what carries state).
	base2, stdout := startServe(t, "-state-file", state, "-api-key", "sk_k")
	var list struct {
		Data []struct{ StorageName string }
	}
	if code := callAPI(t, "GET", base2+"/gpu-instance/openapi/v1/networkstorages/list", "sk_k", "", &list); code != http.StatusOK {
		t.Fatalf("list storage: %d", code)
	}
	if len(list.Data) != 1 || list.Data[0].StorageName != "kept" {
		t.Errorf("after a restart the storage list is %+v, want the one storage created before", list.Data)
	}
	if !strings.Contains(stdout.String(), "State: "+state) {
		t.Errorf("start-up output does not say where the state is:\n%s", stdout)
	}
}

func TestServeSaysWhenItsPortIsTaken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cfg, err := parseFlags([]string{"-addr", ln.Addr().String()}, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	err = serve(t.Context(), cfg, io.Discard, io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), "another novita-emulator") {
		t.Errorf("serve on a taken port: %v; want a hint about another emulator", err)
	}
}

func TestBuildVersion(t *testing.T) {
	orig := version
	t.Cleanup(func() { version = orig })
	version = "1.2.3"
	if got := buildVersion(); got != "1.2.3" {
		t.Errorf("buildVersion() = %q with the release's ldflags version 1.2.3", got)
	}
	version = ""
	if got := buildVersion(); got == "" {
		t.Error("buildVersion() is empty without a release version")
	}
}
