package main

import (
	"io"
	"net/http"
	"strings"
	"sync"
)

// statePrefix is where the harness serves Terraform's state: an http backend kept in memory.
//
// With the default local backend, Terraform rewrites and fsyncs the whole state file after every
// object it creates or destroys, a cost of Terraform's that grows with N² and with the size of
// each object's state, and dwarfs the provider's in large applies. Teams with large states keep
// them in a remote backend, which writes a snapshot every 20 s of an apply and at its end; the http
// backend behaves like those. -local-state measures with the local backend instead.
const statePrefix = "/terraform-state/"

// stateStore is a Terraform http backend (GET, POST, DELETE; no locking) over memory.
type stateStore struct {
	mu     sync.Mutex
	states map[string][]byte
}

func (s *stateStore) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := strings.TrimPrefix(r.URL.Path, statePrefix)
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.Method {
	case http.MethodGet:
		state, ok := s.states[key]
		if !ok {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(state)
	case http.MethodPost:
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.states[key] = body
	case http.MethodDelete:
		delete(s.states, key)
	default:
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}
