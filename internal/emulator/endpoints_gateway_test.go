package emulator_test

import (
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
)

// An async endpoint's url is the emulator's job gateway under "<id>-<app_name>"; the gateway takes
// that name and the bare id alike.
func TestEndpointURLIsTheJobGatewayBothNamesWork(t *testing.T) {
	h := newHarness(t, emulator.Options{ColdStart: -1})
	id := h.mustCreateEndpoint(keyA, set(endpointSpec(), "app_name", "jobs"))
	u := h.getEndpoint(keyA, id)["url"].(string)
	if u != h.url+"/v1/"+id+"-jobs" {
		t.Fatalf("url = %q, want the gateway's %s/v1/%s-jobs", u, h.url, id)
	}
	// The url works as the base of the job API, as a client would use it.
	r := mustOK(t, h.post(strings.TrimPrefix(u, h.url)+"/run", keyA, `{"input":{"n":1}}`))
	job := at[string](t, r.body, "id")
	for _, name := range []string{id + "-jobs", id} {
		mustOK(t, h.get("/v1/"+name+"/status/"+job, keyA))
		mustOK(t, h.get("/v1/"+name+"/health", keyA))
	}
	if hl, _ := h.emu.Gateway().Health(id); hl.Jobs.InQueue+hl.Jobs.InProgress+hl.Jobs.Completed != 1 {
		t.Errorf("the two names do not share one queue: %+v", hl)
	}
	for _, name := range []string{id + "-other", id + "-", "jobs", id[:8]} {
		if r := h.get("/v1/"+name+"/health", keyA); r.status != http.StatusNotFound {
			t.Errorf("%s resolved: %d %s", name, r.status, r.raw)
		}
	}
}

func TestDirectoryLookup(t *testing.T) {
	h := newHarness(t, emulator.Options{CreateDelay: time.Second})
	id := h.mustCreateEndpoint(keyA, set(endpointSpec(), "app_name", "jobs"))

	ge, ok := h.emu.LookupJobEndpoint(id + "-jobs")
	if !ok || ge.Serving || ge.Team != "team-a" || ge.ID != id || ge.AppName != "jobs" {
		t.Fatalf("while creating: %+v %v", ge, ok)
	}
	h.clock.Advance(time.Second)
	ge, _ = h.emu.LookupJobEndpoint(id)
	type view struct {
		serving                           bool
		min, max, free, conc, timeout, pv int
		pt, image, env, typ               string
	}
	want := view{true, 1, 3, 300, 2, 600, 30, "queue", "novitalabs/sleep-worker:latest", "fast", "async"}
	got := view{ge.Serving, ge.MinWorkers, ge.MaxWorkers, ge.FreeTimeoutSec, ge.MaxConcurrent, ge.RequestTimeoutSec,
		ge.PolicyValue, ge.PolicyType, ge.Image, ge.Env["MODE"], ge.Type}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if _, ok := h.emu.LookupJobEndpoint(id + "-" + id); ok {
		t.Error("the default-name form must not match an endpoint with a custom app_name")
	}
	if _, ok := h.emu.LookupJobEndpoint("nope"); ok {
		t.Error("unknown name found")
	}
}

// Ids from a hand-edited state file may contain "-": the bare id wins, then every split of the
// name is tried. (The file also understates seq: new endpoints still list after the loaded ones.)
func TestDirectoryLookupByJobNameWithDashedIDs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	state := `{"version": 2, "seq": 0, "endpoints": [
	  {"ID": "ab", "AppName": "cd-x", "Team": "team-a", "Type": "async", "Status": "running", "Seq": 1},
	  {"ID": "ab-cd", "AppName": "y", "Team": "team-a", "Type": "async", "Status": "running", "Seq": 2}],
	  "cloudStorages": [], "registryCredentials": []}`
	if err := os.WriteFile(path, []byte(state), 0o600); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, emulator.Options{StateFile: path, DeleteDelay: time.Second})
	for name, wantID := range map[string]string{"ab-cd-x": "ab", "ab-cd-y": "ab-cd", "ab-cd": "ab-cd", "ab": "ab", "ab-cd-z": "", "ab-y": ""} {
		ge, ok := h.emu.LookupJobEndpoint(name)
		if ok != (wantID != "") || ge.ID != wantID {
			t.Errorf("lookup %q: %q %v, want %q", name, ge.ID, ok, wantID)
		}
	}

	// A lookup settles the endpoint it finds: once its delete has completed it is gone.
	id := h.mustCreateEndpoint(keyA, endpointSpec())
	if got, _ := h.listAll(keyA, ""); !slices.Equal(got, []string{"ab", "ab-cd", id}) {
		t.Errorf("listed %v, want the loaded endpoints, then the new one", got)
	}
	mustOK(t, h.deleteEndpoint(keyA, id))
	if _, ok := h.emu.LookupJobEndpoint(id + "-" + id); !ok {
		t.Fatal("a deleting endpoint is not found")
	}
	h.clock.Advance(time.Second)
	if ge, ok := h.emu.LookupJobEndpoint(id); ok {
		t.Fatalf("a deleted endpoint is found: %+v", ge)
	}
	if n := h.emu.Counts().Endpoints; n != 2 {
		t.Errorf("%d endpoints stored, want the 2 others", n)
	}
}
