package client

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// credentialListTries is how many times the list is read after a save before concluding that no
// credential appeared (the list may lag the save).
const credentialListTries = 3

// CreateRegistryCredential saves a credential and returns its id. The API returns no id, so the
// client reconciles every save (see createReconciled): it lists before and after, one save at a
// time in the process, and takes the one new credential with this name and username; a save that
// failed and provably made nothing is sent again. When it cannot tell (several appeared, for
// instance because another process saved one at the same moment), the error wraps ErrMaybeCreated.
func (c *Client) CreateRegistryCredential(ctx context.Context, req CreateRegistryCredentialRequest) (string, error) {
	defer credentialChanged() // whatever the outcome, a credential may have appeared
	return c.createReconciled(ctx, creation{
		what:    fmt.Sprintf("registry credential %q", req.Name),
		lockKey: "registry-credential", // any save changes the list the id is found in
		matching: func(ctx context.Context) ([]string, error) {
			all, err := c.ListRegistryCredentials(ctx)
			var ids []string
			for _, cred := range all {
				if cred.Name == req.Name && cred.Username == req.Username {
					ids = append(ids, cred.ID)
				}
			}
			return ids, err
		},
		create: func(ctx context.Context) (string, error) {
			r := c.v1(http.MethodPost, "/repository/auth/save")
			r.creates = true
			r.body = req
			return "", c.do(ctx, r)
		},
		listTries: credentialListTries,
	})
}

// ListRegistryCredentials lists credentials (with passwords: handle with care).
func (c *Client) ListRegistryCredentials(ctx context.Context) ([]RegistryCredential, error) {
	r := c.v1(http.MethodGet, "/repository/auths")
	var resp struct {
		Data []RegistryCredential `json:"data"`
	}
	r.out = &resp
	if err := c.do(ctx, r); err != nil {
		return nil, err
	}
	if resp.Data == nil {
		resp.Data = []RegistryCredential{}
	}
	return resp.Data, nil
}

// GetRegistryCredential finds one credential by id in the list; IsNotFound when absent. The API
// has no get, so concurrent reads share one list (see credentialCache).
func (c *Client) GetRegistryCredential(ctx context.Context, id string) (*RegistryCredential, error) {
	all, err := c.credentials.list(ctx, c)
	if err != nil {
		return nil, err
	}
	for _, cred := range all {
		if cred.ID == id {
			return &cred, nil // a copy: the list is shared
		}
	}
	return nil, notFound(http.MethodGet, "/repository/auths", "RESOURCE_NOT_FOUND", "registry credential "+id)
}

// DeleteRegistryCredential deletes a credential.
func (c *Client) DeleteRegistryCredential(ctx context.Context, id string) error {
	defer credentialChanged() // whatever the outcome, the credential may be gone
	r := c.v1(http.MethodPost, "/repository/auth/delete")
	r.body = map[string]string{"id": id}
	return c.do(ctx, r)
}

// credentialListTTL is how long a finished credential list keeps answering reads: a plan's
// refresh of hundreds of credentials fits in it, and a change made outside this process shows
// after at most this long.
const credentialListTTL = 5 * time.Second

// credentialChanges counts the credential creates and deletes of every Client in the process. A
// list started before one of them no longer answers new reads, so a read that starts after a
// change made in this process sees it, whichever client made the change (an acceptance test's
// own client checks what the provider's client did).
var credentialChanges atomic.Uint64

// credentialCache makes a refresh of N credentials cost a constant number of list calls instead
// of N lists of N records: reads join the list in flight, or reuse one that finished less than
// credentialListTTL ago with no credential change in this process since it started.
type credentialCache struct {
	mu      sync.Mutex
	current *credentialList // nil: none yet
}

// credentialList is one list call and its result, shared by every read that joins it.
type credentialList struct {
	changes uint64        // credentialChanges when the list started
	done    chan struct{} // closed once creds, err and at are set
	creds   []RegistryCredential
	err     error
	at      time.Time // when the list finished
}

// list returns the shared list, starting a new one when the current one is stale.
func (cc *credentialCache) list(ctx context.Context, c *Client) ([]RegistryCredential, error) {
	cc.mu.Lock()
	l := cc.current
	if l == nil || l.stale(c.now()) {
		l = &credentialList{changes: credentialChanges.Load(), done: make(chan struct{})}
		cc.current = l
		// The call outlives the read that started it, so one caller giving up does not fail the
		// others; do's retries bound it.
		go func(ctx context.Context) {
			l.creds, l.err = c.ListRegistryCredentials(ctx)
			l.at = c.now()
			close(l.done)
		}(context.WithoutCancel(ctx))
	}
	cc.mu.Unlock()
	select {
	case <-l.done:
		return l.creds, l.err
	case <-ctx.Done():
		return nil, fmt.Errorf("novita client: reading registry credentials: %w", ctx.Err())
	}
}

// stale reports whether l may no longer answer new reads: a credential changed in this process
// since it started, or it finished with an error or more than credentialListTTL ago.
func (l *credentialList) stale(now time.Time) bool {
	if credentialChanges.Load() != l.changes {
		return true
	}
	select {
	case <-l.done:
		return l.err != nil || now.Sub(l.at) >= credentialListTTL
	default:
		return false // in flight
	}
}

// credentialChanged marks a create or delete; reads already waiting on a list still get it.
func credentialChanged() { credentialChanges.Add(1) }
