package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// credentialServer is a small fake of the credential API: save answers {} after a pause (to widen
// races), list answers everything. extraOnSave adds that many more same-named credentials on each
// save, as another client creating at the same moment would.
type credentialServer struct {
	mu          sync.Mutex
	creds       []RegistryCredential
	next        int
	extraOnSave int
	hideNew     bool // never list saved credentials (a lagging list)
	lists       atomic.Int32
	listDelay   time.Duration
}

func (s *credentialServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/gpu-instance/openapi/v1/repository/auth/save":
		var req CreateRegistryCredentialRequest
		_ = json.NewDecoder(r.Body).Decode(&req)
		time.Sleep(10 * time.Millisecond)
		s.mu.Lock()
		for i := 0; i <= s.extraOnSave; i++ {
			s.next++
			if !s.hideNew {
				s.creds = append(s.creds, RegistryCredential{ID: fmt.Sprintf("auth-%d", s.next), Name: req.Name, Username: req.Username, Password: req.Password})
			}
		}
		s.mu.Unlock()
		writeJSON(w, 200, `{}`)
	case "/gpu-instance/openapi/v1/repository/auths":
		s.lists.Add(1)
		time.Sleep(s.listDelay)
		s.mu.Lock()
		b, _ := json.Marshal(map[string]any{"data": s.creds})
		s.mu.Unlock()
		writeJSON(w, 200, string(b))
	case "/gpu-instance/openapi/v1/repository/auth/delete":
		var req struct{ ID string }
		_ = json.NewDecoder(r.Body).Decode(&req)
		s.mu.Lock()
		defer s.mu.Unlock()
		for i, cr := range s.creds {
			if cr.ID == req.ID {
				s.creds = append(s.creds[:i], s.creds[i+1:]...)
				writeJSON(w, 200, `{}`)
				return
			}
		}
		writeJSON(w, 400, `{"reason":"RESOURCE_NOT_FOUND","message":"no such auth"}`)
	default:
		writeJSON(w, 404, `{}`)
	}
}

func (s *credentialServer) byID(id string) (RegistryCredential, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, cr := range s.creds {
		if cr.ID == id {
			return cr, true
		}
	}
	return RegistryCredential{}, false
}

func TestRegistryCredentialLifecycle(t *testing.T) {
	srv := &credentialServer{creds: []RegistryCredential{{ID: "old", Name: "hub", Username: "me", Password: "p0"}}}
	c := newTestClient(t, srv)
	ctx := context.Background()
	id, err := c.CreateRegistryCredential(ctx, CreateRegistryCredentialRequest{Name: "hub", Username: "me", Password: "p1"})
	if err != nil {
		t.Fatal(err)
	}
	if cr, ok := srv.byID(id); !ok || cr.Password != "p1" || id == "old" {
		t.Fatalf("CreateRegistryCredential returned %q (%+v)", id, cr)
	}
	got, err := c.GetRegistryCredential(ctx, id)
	if err != nil || got.Name != "hub" || got.Username != "me" {
		t.Fatalf("GetRegistryCredential = %+v, %v", got, err)
	}
	all, err := c.ListRegistryCredentials(ctx)
	if err != nil || len(all) != 2 {
		t.Fatalf("ListRegistryCredentials = %d, %v", len(all), err)
	}
	if err := c.DeleteRegistryCredential(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetRegistryCredential(ctx, id); !IsNotFound(err) {
		t.Errorf("after delete: %v, want not found", err)
	}
	if err := c.DeleteRegistryCredential(ctx, id); !IsNotFound(err) {
		t.Errorf("second delete: %v, want not found", err)
	}
}

func TestConcurrentCredentialCreatesGetTheirOwnIDs(t *testing.T) {
	srv := &credentialServer{}
	c := newTestClient(t, srv)
	// A second client in the same process shares the serialization.
	other, err := New(c.cfg)
	if err != nil {
		t.Fatal(err)
	}
	const n = 6
	ids := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl := c
			if i%2 == 1 {
				cl = other
			}
			ids[i], errs[i] = cl.CreateRegistryCredential(context.Background(),
				CreateRegistryCredentialRequest{Name: "same", Username: "same", Password: fmt.Sprintf("pw-%d", i)})
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for i := 0; i < n; i++ {
		if errs[i] != nil {
			t.Fatalf("create %d: %v", i, errs[i])
		}
		cr, ok := srv.byID(ids[i])
		if !ok || cr.Password != fmt.Sprintf("pw-%d", i) {
			t.Errorf("create %d got id %q which holds %+v", i, ids[i], cr)
		}
		if seen[ids[i]] {
			t.Errorf("id %q returned twice", ids[i])
		}
		seen[ids[i]] = true
	}
}

func TestCredentialCreateAmbiguousOrMissingID(t *testing.T) {
	srv := &credentialServer{extraOnSave: 1}
	c := newTestClient(t, srv)
	_, err := c.CreateRegistryCredential(context.Background(), CreateRegistryCredentialRequest{Name: "n", Username: "u", Password: "secretpw"})
	if !errors.Is(err, ErrMaybeCreated) || !strings.Contains(err.Error(), "2 new objects") {
		t.Errorf("several new ids: %v", err)
	}

	srv = &credentialServer{hideNew: true}
	c = newTestClient(t, srv)
	_, err = c.CreateRegistryCredential(context.Background(), CreateRegistryCredentialRequest{Name: "n", Username: "u", Password: "secretpw"})
	if !errors.Is(err, ErrMaybeCreated) || !strings.Contains(err.Error(), "never appeared") {
		t.Errorf("no new id: %v", err)
	}
	if err != nil && strings.Contains(err.Error(), "secretpw") {
		t.Errorf("error leaks the password: %v", err)
	}
}

func TestCredentialCreateHonoursContextWhileQueued(t *testing.T) {
	unlock, err := createLocks.lock(context.Background(), "registry-credential") // another save holds the lock
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	c := newTestClient(t, &credentialServer{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = c.CreateRegistryCredential(ctx, CreateRegistryCredentialRequest{Name: "n"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the context's deadline", err)
	}
}

// TestCredentialReadsShareOneList: a refresh of many credentials at once costs one list (two if
// one read arrives just as the first list finishes), not one list each.
func TestCredentialReadsShareOneList(t *testing.T) {
	const n = 50
	srv := &credentialServer{listDelay: 20 * time.Millisecond}
	for i := range n {
		srv.creds = append(srv.creds, RegistryCredential{ID: fmt.Sprintf("auth-%d", i), Name: "hub", Username: "u"})
	}
	c := newTestClient(t, srv)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("auth-%d", i)
			if cred, err := c.GetRegistryCredential(t.Context(), id); err != nil || cred.ID != id {
				t.Errorf("read %s: %+v, %v", id, cred, err)
			}
		}()
	}
	wg.Wait()
	if got := srv.lists.Load(); got < 1 || got > 2 {
		t.Errorf("%d concurrent reads made %d list calls, want 1 or 2", n, got)
	}
	// Within the list's lifetime reads cost nothing more.
	if _, err := c.GetRegistryCredential(t.Context(), "auth-7"); err != nil || srv.lists.Load() > 2 {
		t.Errorf("a read right after: %v, %d lists", err, srv.lists.Load())
	}
}

// TestCredentialReadsSeeOwnChanges: a create or delete by any client of the process makes the
// next read list again, so it sees the change; a list is reused only for credentialListTTL.
func TestCredentialReadsSeeOwnChanges(t *testing.T) {
	srv := &credentialServer{creds: []RegistryCredential{{ID: "old", Name: "hub", Username: "u"}}}
	c := newTestClient(t, srv)
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	c.now = func() time.Time { return now }
	ctx := t.Context()
	read := func(id string) error { _, err := c.GetRegistryCredential(ctx, id); return err }

	// createThenRead creates a credential through cl, then reads it through c.
	createThenRead := func(cl *Client, username string) string {
		t.Helper()
		id, err := cl.CreateRegistryCredential(ctx, CreateRegistryCredentialRequest{Name: "hub", Username: username, Password: "p"})
		if err != nil {
			t.Fatal(err)
		}
		if err := read(id); err != nil {
			t.Errorf("reading the credential just created by %s: %v", username, err)
		}
		return id
	}
	if err := read("old"); err != nil {
		t.Fatal(err)
	}
	id := createThenRead(c, "this client")
	other, err := New(c.cfg) // another client of the process, as an acceptance test's own
	if err != nil {
		t.Fatal(err)
	}
	createThenRead(other, "another client")
	lists := srv.lists.Load()
	if err := c.DeleteRegistryCredential(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := read(id); !IsNotFound(err) {
		t.Errorf("reading the credential just deleted: %v, want not found", err)
	}
	if srv.lists.Load() != lists+1 {
		t.Errorf("the delete did not cost exactly one new list")
	}

	// A change made elsewhere shows once the list is older than credentialListTTL.
	srv.mu.Lock()
	srv.creds = append(srv.creds, RegistryCredential{ID: "elsewhere"})
	srv.mu.Unlock()
	now = now.Add(credentialListTTL - time.Millisecond)
	if err := read("elsewhere"); !IsNotFound(err) {
		t.Errorf("a fresh list was not reused: %v", err)
	}
	now = now.Add(time.Millisecond)
	if err := read("elsewhere"); err != nil {
		t.Errorf("a list older than the TTL was reused: %v", err)
	}
}

func TestCredentialListFailureIsNotShared(t *testing.T) {
	var calls atomic.Int32
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			writeJSON(w, 403, `{"reason":"FORBIDDEN","message":"not yet"}`)
			return
		}
		writeJSON(w, 200, `{"data":[{"id":"a1","name":"hub"}]}`)
	}))
	if _, err := c.GetRegistryCredential(t.Context(), "a1"); !HasReason(err, "FORBIDDEN") {
		t.Fatalf("first read: %v, want the 403", err)
	}
	if _, err := c.GetRegistryCredential(t.Context(), "a1"); err != nil || calls.Load() != 2 {
		t.Errorf("second read: %v after %d calls; a failed list must not be reused", err, calls.Load())
	}
}

// TestCredentialListOutlivesTheReaderThatStartedIt: the reader whose call started the shared list
// gives up; the list goes on for the others.
func TestCredentialListOutlivesTheReaderThatStartedIt(t *testing.T) {
	release := make(chan struct{})
	var calls atomic.Int32
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		<-release
		writeJSON(w, 200, `{"data":[{"id":"a1","name":"hub"}]}`)
	}))
	first, cancel := context.WithCancel(t.Context())
	firstErr := make(chan error)
	go func() { _, err := c.GetRegistryCredential(first, "a1"); firstErr <- err }()
	for calls.Load() == 0 { // the first reader's list is in flight
		time.Sleep(time.Millisecond)
	}
	second := make(chan error)
	go func() { _, err := c.GetRegistryCredential(t.Context(), "a1"); second <- err }()
	cancel()
	if err := <-firstErr; !errors.Is(err, context.Canceled) {
		t.Errorf("the reader that gave up: %v", err)
	}
	close(release)
	if err := <-second; err != nil || calls.Load() != 1 {
		t.Errorf("the other reader: %v after %d lists", err, calls.Load())
	}
}
