package emulator_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/novitalabs/terraform-provider-novita/internal/emulator/emulatortest"

	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
)

func TestStateFileRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	clock := emulatortest.NewClock()
	opts := emulator.Options{StateFile: path, Now: clock.Now, CreateDelay: 5 * time.Second,
		Keys: map[string]string{keyA: "team-a", keyB: "team-b"}}

	h := newHarness(t, opts)
	st := h.mustCreateStorage(keyA, "eu-frankfurt-1", "models", 50)
	cred := h.mustCreateCredential(keyA, "reg")
	spec := set(endpointSpec(), "region_id", "eu-frankfurt-1")
	set(spec, "volumes", []any{map[string]any{"type": "network", "id": st, "mount_point": "/m"}})
	set(spec, "registry_auth_id", cred)
	ep := h.mustCreateEndpoint(keyA, spec)
	second := h.mustCreateEndpoint(keyA, set(endpointSpec(), "app_name", "second"))

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
	if !ok || got.Status != emulator.StatusCreating || got.Image != want.Image || got.Volumes[0].ID != st || got.Team != "team-a" ||
		got.MemberID != want.MemberID || got.RegistryAuthID != cred || !got.CreatedAt.Equal(want.CreatedAt) {
		t.Fatalf("reloaded endpoint = %+v", got)
	}
	if c, ok := h2.emu.RegistryCredential(cred); !ok || c.Password != "pw-secret" {
		t.Errorf("reloaded credential = %+v", c)
	}
	if s, ok := h2.emu.CloudStorage(st); !ok || s.SizeGB != 50 || s.ClusterName != "EU-Frankfurt-1" {
		t.Errorf("reloaded storage = %+v", s)
	}
	clock.Advance(5 * time.Second)
	if got, _ := h2.emu.Endpoint(ep); got.Status != emulator.StatusRunning {
		t.Errorf("reloaded endpoint did not finish creating: %q", got.Status)
	}
	// Listing order and team scoping survive the reload.
	r := mustOK(t, h2.get(endpoints, keyA))
	eps := objects(t, r.body, "data")
	if len(eps) != 2 || eps[0]["id"] != ep || eps[1]["id"] != second {
		t.Errorf("reloaded list = %s", r.raw)
	}
	wantError(t, h2.get(endpoints+"/"+ep, keyB), 404, "SERVERLESS_ENDPOINT_NOT_FOUND")
	// The in-use rules still hold.
	wantError(t, h2.post(v1+"/networkstorage/delete", keyA, `{"storageId":"`+st+`"}`), 400, "NETWORK_STORAGE_IN_USE")

	// Deletions are saved too.
	h2.emu.RemoveEndpoint(second)
	h3 := newHarness(t, opts)
	if _, ok := h3.emu.Endpoint(second); ok {
		t.Error("removed endpoint came back")
	}
	if n := h3.emu.Counts(); n != (emulator.Counts{Endpoints: 1, CloudStorages: 1, RegistryCredentials: 1}) {
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
	if _, err := emulator.New(emulator.Options{StateFile: bad}); err == nil || !strings.Contains(err.Error(), "bad.json") {
		t.Errorf("New with a corrupt state file: %v", err)
	}
	old := filepath.Join(dir, "old.json")
	if err := os.WriteFile(old, []byte(`{"version":99}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := emulator.New(emulator.Options{StateFile: old}); err == nil || !strings.Contains(err.Error(), "version") {
		t.Errorf("New with an unknown version: %v", err)
	}
	// A file of the v1-endpoint emulator is refused with what to do, not migrated.
	v1File := filepath.Join(dir, "v1.json")
	if err := os.WriteFile(v1File, []byte(`{"version":1,"endpoints":[{"ID":"0123456789abcdef","VolumeMounts":[]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := emulator.New(emulator.Options{StateFile: v1File})
	for _, want := range []string{"v1.json", "version 1", "v1 endpoint API", "GPU API v2", "delete the file"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("New with a version 1 file: %v; want it to say %q", err, want)
		}
	}
	// A missing file is a fresh start, created on the first change.
	fresh := filepath.Join(dir, "fresh.json")
	h := newHarness(t, emulator.Options{StateFile: fresh})
	if _, err := os.Stat(fresh); err == nil {
		t.Error("state file written before any change")
	}
	h.mustCreateCredential(keyA, "x")
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("state file not written after a change: %v", err)
	}
}
