package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
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
	if !errors.Is(err, ErrMaybeCreated) || !strings.Contains(err.Error(), "2 new credentials") {
		t.Errorf("several new ids: %v", err)
	}

	srv = &credentialServer{hideNew: true}
	c = newTestClient(t, srv)
	_, err = c.CreateRegistryCredential(context.Background(), CreateRegistryCredentialRequest{Name: "n", Username: "u", Password: "secretpw"})
	if !errors.Is(err, ErrMaybeCreated) || !strings.Contains(err.Error(), "could not be found") {
		t.Errorf("no new id: %v", err)
	}
	if err != nil && strings.Contains(err.Error(), "secretpw") {
		t.Errorf("error leaks the password: %v", err)
	}
}

func TestCredentialCreateHonoursContextWhileQueued(t *testing.T) {
	credentialCreateLock <- struct{}{} // another create holds the lock
	defer func() { <-credentialCreateLock }()
	c := newTestClient(t, &credentialServer{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := c.CreateRegistryCredential(ctx, CreateRegistryCredentialRequest{Name: "n"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the context's deadline", err)
	}
}
