package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Fault modes of flaky, for one create request each.
const (
	fine       = ""           // served
	failBefore = "fail"       // answered 500 without acting
	actedThen  = "acted-502"  // served, then answered 502 instead of the answer
	actedDrop  = "acted-drop" // served, then the connection is dropped without an answer
)

// flaky serves next, except that the n-th request to path (counting from 0) meets modes[n].
type flaky struct {
	next  http.Handler
	path  string
	mu    sync.Mutex
	modes []string
	calls int
}

func (f *flaky) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	mode := fine
	if r.URL.Path == f.path && r.Method == http.MethodPost {
		f.mu.Lock()
		if f.calls < len(f.modes) {
			mode = f.modes[f.calls]
		}
		f.calls++
		f.mu.Unlock()
	}
	switch mode {
	case failBefore:
		writeJSON(w, 500, `{"reason":"UNKNOWN","message":"injected"}`)
		return
	case actedThen, actedDrop:
		f.next.ServeHTTP(httptest.NewRecorder(), r)
		if mode == actedDrop {
			panic(http.ErrAbortHandler)
		}
		writeJSON(w, 502, `{"reason":"UNKNOWN","message":"bad gateway"}`)
		return
	}
	f.next.ServeHTTP(w, r)
}

func (f *flaky) creates() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// storageStore is a small fake of the storage API: create answers the bare id, list filters by
// storageName.
type storageStore struct {
	mu    sync.Mutex
	items []CloudStorage
}

func (s *storageStore) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.URL.Path {
	case "/gpu-instance/openapi/v1/networkstorage/create":
		var req CreateCloudStorageRequest
		_ = json.NewDecoder(r.Body).Decode(&req)
		id := fmt.Sprintf("st-%d", len(s.items)+1)
		s.items = append(s.items, CloudStorage{ID: id, Name: req.Name, ClusterID: req.ClusterID, SizeGB: Int(req.SizeGB)})
		writeJSON(w, 200, `"`+id+`"`)
	case "/gpu-instance/openapi/v1/networkstorages/list":
		name := r.URL.Query().Get("storageName")
		data := []CloudStorage{}
		for _, it := range s.items {
			if name == "" || it.Name == name {
				data = append(data, it)
			}
		}
		b, _ := json.Marshal(map[string]any{"data": data, "total": len(data)})
		writeJSON(w, 200, string(b))
	default:
		writeJSON(w, 404, `{}`)
	}
}

func (s *storageStore) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.items)
}

// TestStorageCreateReconciles: whatever the fault, one create call leaves exactly one storage and
// returns its id; a failure that made nothing is sent again.
func TestStorageCreateReconciles(t *testing.T) {
	for _, tc := range []struct {
		modes   []string
		creates int
	}{
		{[]string{failBefore}, 2},
		{[]string{failBefore, failBefore}, 3},
		{[]string{actedThen}, 1},
		{[]string{actedDrop}, 1},
	} {
		t.Run(strings.Join(tc.modes, ","), func(t *testing.T) {
			store := &storageStore{items: []CloudStorage{
				{ID: "old", Name: "data", ClusterID: "c1"},   // existed before: never adopted
				{ID: "other", Name: "data", ClusterID: "c2"}, // another cluster: not a match
			}}
			f := &flaky{next: store, path: "/gpu-instance/openapi/v1/networkstorage/create", modes: tc.modes}
			c := newTestClient(t, f)
			id, err := c.CreateCloudStorage(context.Background(), CreateCloudStorageRequest{ClusterID: "c1", Name: "data", SizeGB: 10})
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			if store.count() != 3 || f.creates() != tc.creates {
				t.Errorf("%d storages after %d create requests, want 3 after %d", store.count(), f.creates(), tc.creates)
			}
			if id != "st-3" {
				t.Errorf("id %q, want the new storage st-3", id)
			}
		})
	}
}

// TestStorageCreateGivesUpWhenEveryAttemptFails: after MaxRetries+1 attempts that provably made
// nothing, the error is the cause alone (nothing to reconcile).
func TestStorageCreateGivesUpWhenEveryAttemptFails(t *testing.T) {
	store := &storageStore{}
	f := &flaky{next: store, path: "/gpu-instance/openapi/v1/networkstorage/create", modes: []string{failBefore, failBefore, failBefore}}
	c := newTestClient(t, f)
	c.cfg.MaxRetries = 2
	_, err := c.CreateCloudStorage(context.Background(), CreateCloudStorageRequest{ClusterID: "c1", Name: "data", SizeGB: 10})
	var apiErr *APIError
	if errors.Is(err, ErrMaybeCreated) || !errors.As(err, &apiErr) || apiErr.StatusCode != 500 || !strings.Contains(err.Error(), "nothing was created") {
		t.Errorf("err = %v, want the 500 saying nothing was created", err)
	}
	if store.count() != 0 || f.creates() != 3 {
		t.Errorf("%d storages after %d creates, want 0 after 3", store.count(), f.creates())
	}
}

// TestStorageCreateAmbiguousWhenTwoAppear: another client's storage with the same name and
// cluster appearing at the same moment cannot be told from ours.
func TestStorageCreateAmbiguousWhenTwoAppear(t *testing.T) {
	store := &storageStore{}
	var f *flaky
	intruder := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/gpu-instance/openapi/v1/networkstorage/create" {
			store.mu.Lock()
			store.items = append(store.items, CloudStorage{ID: "theirs", Name: "data", ClusterID: "c1"})
			store.mu.Unlock()
		}
		store.ServeHTTP(w, r)
	})
	f = &flaky{next: intruder, path: "/gpu-instance/openapi/v1/networkstorage/create", modes: []string{actedThen}}
	c := newTestClient(t, f)
	_, err := c.CreateCloudStorage(context.Background(), CreateCloudStorageRequest{ClusterID: "c1", Name: "data", SizeGB: 10})
	if !errors.Is(err, ErrMaybeCreated) || !strings.Contains(err.Error(), "2 new objects") {
		t.Errorf("err = %v, want ErrMaybeCreated naming 2 new objects", err)
	}
}

// TestConcurrentStorageCreatesOfOneNameGetTheirOwnIDs: creates of the same name and cluster in one
// process take turns, so each one's list diff sees only its own storage, faults or not.
func TestConcurrentStorageCreatesOfOneNameGetTheirOwnIDs(t *testing.T) {
	store := &storageStore{}
	f := &flaky{next: store, path: "/gpu-instance/openapi/v1/networkstorage/create",
		modes: []string{actedThen, fine, actedDrop, failBefore, actedThen, fine}}
	c := newTestClient(t, f)
	const n = 6
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id, err := c.CreateCloudStorage(context.Background(), CreateCloudStorageRequest{ClusterID: "c1", Name: "same", SizeGB: 10})
			if err != nil {
				t.Errorf("create %d: %v", i, err)
			}
			ids[i] = id
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Errorf("id %q returned twice: %v", id, ids)
		}
		seen[id] = true
	}
	if store.count() != n {
		t.Errorf("%d storages, want %d", store.count(), n)
	}
}

// TestCredentialSaveReconciles: a save that failed without acting is sent again; one that acted
// and then failed is found in the list; either way there is one credential.
func TestCredentialSaveReconciles(t *testing.T) {
	for _, mode := range []string{failBefore, actedThen, actedDrop} {
		t.Run(mode, func(t *testing.T) {
			srv := &credentialServer{}
			f := &flaky{next: srv, path: "/gpu-instance/openapi/v1/repository/auth/save", modes: []string{mode}}
			c := newTestClient(t, f)
			id, err := c.CreateRegistryCredential(context.Background(), CreateRegistryCredentialRequest{Name: "hub", Username: "u", Password: "pw"})
			if err != nil {
				t.Fatalf("save: %v", err)
			}
			want := 1
			if mode == failBefore {
				want = 2
			}
			if len(srv.creds) != 1 || f.creates() != want || srv.creds[0].ID != id {
				t.Errorf("%d credentials after %d saves, id %q; want 1 after %d, with that id", len(srv.creds), f.creates(), id, want)
			}
		})
	}
}

// endpointServer is a small fake of the v2 endpoint API: app names are unique, list filters by
// keyword.
type endpointServer struct {
	mu      sync.Mutex
	eps     []Endpoint
	lagging int // how many lists after a create still omit it
	hidden  string
}

func (s *endpointServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.Method {
	case http.MethodPost:
		var spec EndpointSpec
		_ = json.NewDecoder(r.Body).Decode(&spec)
		for _, e := range s.eps {
			if e.AppName == spec.AppName {
				writeJSON(w, 400, `{"reason":"SERVERLESS_APP_NAME_IS_EXIST","message":"app name exists"}`)
				return
			}
		}
		id := fmt.Sprintf("ep-%d", len(s.eps)+1)
		s.eps = append(s.eps, Endpoint{ID: id, AppName: spec.AppName})
		if s.lagging > 0 {
			s.hidden = id
		}
		writeJSON(w, 200, `{"id":"`+id+`"}`)
	case http.MethodGet:
		kw := r.URL.Query().Get("keyword")
		data := []Endpoint{}
		for _, e := range s.eps {
			if strings.Contains(e.AppName, kw) && e.ID != s.hidden {
				data = append(data, e)
			}
		}
		if s.hidden != "" {
			if s.lagging--; s.lagging == 0 {
				s.hidden = ""
			}
		}
		b, _ := json.Marshal(map[string]any{"data": data, "has_more": false})
		writeJSON(w, 200, string(b))
	}
}

// TestEndpointCreateReconcilesByAppName: an ambiguous create is found by its app name, or sent
// again when nothing has it; an endpoint that had the app name before is never adopted.
func TestEndpointCreateReconcilesByAppName(t *testing.T) {
	for _, tc := range []struct {
		mode    string
		creates int
	}{{failBefore, 2}, {actedThen, 1}, {actedDrop, 1}} {
		t.Run(tc.mode, func(t *testing.T) {
			srv := &endpointServer{eps: []Endpoint{{ID: "ep-0", AppName: "demo-old"}}}
			f := &flaky{next: srv, path: endpointsPath, modes: []string{tc.mode}}
			c := newTestClient(t, f)
			id, err := c.CreateEndpoint(context.Background(), EndpointSpec{AppName: "demo"})
			if err != nil || id != "ep-2" || len(srv.eps) != 2 || f.creates() != tc.creates {
				t.Errorf("id %q, err %v, %d endpoints after %d creates; want ep-2, 2 endpoints after %d", id, err, len(srv.eps), f.creates(), tc.creates)
			}
		})
	}

	srv := &endpointServer{eps: []Endpoint{{ID: "ep-1", AppName: "taken"}}}
	f := &flaky{next: srv, path: endpointsPath, modes: []string{failBefore}}
	c := newTestClient(t, f)
	id, err := c.CreateEndpoint(context.Background(), EndpointSpec{AppName: "taken"})
	if !HasReason(err, "SERVERLESS_APP_NAME_IS_EXIST") || id != "" {
		t.Errorf("create with a taken app name: id %q, err %v; want the API's refusal, not the existing endpoint", id, err)
	}
}

// TestEndpointCreateFoundWhenTheListLagged: an endpoint made by an attempt whose answer was lost
// but missing from the next list is not orphaned: the second attempt is refused because its app
// name is taken, and the next list finds it.
func TestEndpointCreateFoundWhenTheListLagged(t *testing.T) {
	srv := &endpointServer{lagging: 1}
	f := &flaky{next: srv, path: endpointsPath, modes: []string{actedThen}}
	c := newTestClient(t, f)
	id, err := c.CreateEndpoint(context.Background(), EndpointSpec{AppName: "late"})
	if err != nil || id != "ep-1" || len(srv.eps) != 1 || f.creates() != 2 {
		t.Errorf("id %q, err %v, %d endpoints after %d creates; want ep-1, 1 endpoint after 2", id, err, len(srv.eps), f.creates())
	}
}

// TestSubmitJobLostAnswerIsSubmittedAgain: the gateway has no list to reconcile with, so a submit
// whose answer was lost is sent again (a duplicate job is the documented price).
func TestSubmitJobLostAnswerIsSubmittedAgain(t *testing.T) {
	var mu sync.Mutex
	submitted := 0
	jobs := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		submitted++
		n := submitted
		mu.Unlock()
		writeJSON(w, 200, fmt.Sprintf(`{"id":"job-%d","status":"PENDING"}`, n))
	})
	f := &flaky{next: jobs, path: "/v1/ep-app/run", modes: []string{actedDrop}}
	c := newTestClient(t, f)
	job, err := c.SubmitJob(context.Background(), "ep-app", json.RawMessage(`{}`))
	if err != nil || job.ID != "job-2" || submitted != 2 {
		t.Errorf("job %+v, err %v after %d submits; want job-2 after 2", job, err, submitted)
	}
}
