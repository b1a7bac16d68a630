package emulator

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestStateFileRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	clock := newFakeClock()
	opts := Options{StateFile: path, Now: clock.Now, CreateDelay: 5 * time.Second,
		Keys: map[string]string{keyA: "team-a", keyB: "team-b"}}

	h := newHarness(t, opts)
	st := h.mustCreateStorage(keyA, "eu-frankfurt-1", "models", 50)
	cred := h.mustCreateCredential(keyA, "reg")
	spec := set(endpointSpec(), "clusterID", "eu-frankfurt-1")
	set(spec, "volumeMounts", []any{map[string]any{"type": "network", "id": st, "mountPath": "/m"}})
	set(spec, "image.authId", cred)
	ep := h.mustCreateEndpoint(keyA, spec)
	second := h.mustCreateEndpoint(keyA, set(endpointSpec(), "appName", "second"))

	// Written after each mutation, privately (it holds passwords).
	info, err := os.Stat(path)
	if err != nil {
		t.Fatalf("state file not written: %v", err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("state file mode %v, want 0600", info.Mode().Perm())
	}
	want, _ := h.emu.Endpoint(ep)

	// A second emulator over the same file sees everything, including the pending transition.
	h2 := newHarness(t, opts)
	got, ok := h2.emu.Endpoint(ep)
	if !ok || got.State != "creating" || got.Image != want.Image || got.VolumeMounts[0].ID != st || got.Team != "team-a" {
		t.Fatalf("reloaded endpoint = %+v", got)
	}
	if c, ok := h2.emu.RegistryCredential(cred); !ok || c.Password != "pw-secret" {
		t.Errorf("reloaded credential = %+v", c)
	}
	if s, ok := h2.emu.CloudStorage(st); !ok || s.SizeGB != 50 || s.ClusterName != "EU-Frankfurt-1" {
		t.Errorf("reloaded storage = %+v", s)
	}
	clock.Advance(5 * time.Second)
	if got, _ := h2.emu.Endpoint(ep); got.State != "serving" {
		t.Errorf("reloaded endpoint did not finish creating: %q", got.State)
	}
	// Listing order and team scoping survive the reload.
	r := mustOK(t, h2.get(v1+"/endpoints", keyA))
	eps := objects(t, r.body, "endpoints")
	if len(eps) != 2 || eps[0]["id"] != ep || eps[1]["id"] != second {
		t.Errorf("reloaded list = %s", r.raw)
	}
	wantError(t, h2.get(v1+"/endpoint?id="+ep, keyB), 400, "SERVERLESS_ENDPOINT_NOT_FOUND")
	// The in-use rules still hold.
	wantError(t, h2.post(v1+"/networkstorage/delete", keyA, `{"storageId":"`+st+`"}`), 400, "NETWORK_STORAGE_IN_USE")

	// Deletions are saved too.
	h2.emu.RemoveEndpoint(second)
	h3 := newHarness(t, opts)
	if _, ok := h3.emu.Endpoint(second); ok {
		t.Error("removed endpoint came back")
	}
	if n := h3.emu.Counts(); n != (Counts{Endpoints: 1, CloudStorages: 1, RegistryCredentials: 1}) {
		t.Errorf("counts = %+v", n)
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".novita-emulator-state-*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestStateFileErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Options{StateFile: bad}); err == nil || !strings.Contains(err.Error(), "bad.json") {
		t.Errorf("New with a corrupt state file: %v", err)
	}
	old := filepath.Join(dir, "old.json")
	if err := os.WriteFile(old, []byte(`{"version":99}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Options{StateFile: old}); err == nil || !strings.Contains(err.Error(), "version") {
		t.Errorf("New with an unknown version: %v", err)
	}
	// A missing file is a fresh start, created on the first change.
	fresh := filepath.Join(dir, "fresh.json")
	h := newHarness(t, Options{StateFile: fresh})
	if _, err := os.Stat(fresh); err == nil {
		t.Error("state file written before any change")
	}
	h.mustCreateCredential(keyA, "x")
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("state file not written after a change: %v", err)
	}
}
