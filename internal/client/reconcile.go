package client

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// creation is one create that reconciles by listing: the objects a create could have made are
// listable, so the ids listed before the create tell which one appeared after it. The rule (see
// DESIGN.md): list the matching objects; create; when the answer carries no id (the API sends
// none, or a failure happened after the server may have acted), list again: one new object is
// adopted, none means the attempt made nothing and it is tried again, several cannot be told apart.
type creation struct {
	what    string // for messages, e.g. `cloud storage "data" in cluster c1`
	lockKey string // creates with the same key run one at a time in the process (see createLocks)
	// matching lists the ids of existing objects that this create could have made.
	matching func(ctx context.Context) ([]string, error)
	// create makes one attempt; an empty id with a nil error means the answer carried none.
	create func(ctx context.Context) (string, error)
	// listTries is how many lists (PollFloor apart) may show nothing new before the client
	// concludes that nothing appeared: more than 1 where the list may lag the create.
	listTries int
	// taken, when set, recognises the refusal of a create because a matching object exists: on a
	// second attempt it means the first one made it after all (the list lagged), so it is looked
	// for again instead of reported.
	taken func(error) bool
}

// createLocks serializes, within the process, the creates that could make matching objects, so
// that no other create of this process adds one between the list before and the list after (the
// objects of other processes are the rule's limit). A channel per key, so waiting honours ctx.
var createLocks = keyedLocks{m: map[string]chan struct{}{}}

type keyedLocks struct {
	mu sync.Mutex
	m  map[string]chan struct{}
}

// lock takes the lock of key, or fails when ctx ends first.
func (k *keyedLocks) lock(ctx context.Context, key string) (unlock func(), err error) {
	k.mu.Lock()
	ch := k.m[key]
	if ch == nil {
		ch = make(chan struct{}, 1)
		k.m[key] = ch
	}
	k.mu.Unlock()
	select {
	case ch <- struct{}{}:
		return func() { <-ch }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// createReconciled runs k as the rule says and returns the id of the one object it made. An
// error wraps ErrMaybeCreated only when an object may exist that the caller does not know of.
func (c *Client) createReconciled(ctx context.Context, k creation) (string, error) {
	unlock, err := createLocks.lock(ctx, k.lockKey)
	if err != nil {
		return "", fmt.Errorf("novita client: waiting to create %s: %w", k.what, err)
	}
	defer unlock()
	before, err := k.matching(ctx)
	if err != nil {
		return "", err // nothing was sent yet
	}
	known := make(map[string]bool, len(before))
	for _, id := range before {
		known[id] = true
	}
	for n := 0; ; n++ {
		id, err := k.create(ctx)
		var mc *maybeCreated
		switch {
		case err == nil && id != "":
			return id, nil
		case n > 0 && k.taken != nil && k.taken(err):
			mc = maybeCreatedBy(err) // an earlier attempt made it: find it
			err = mc
		case err != nil && !errors.As(err, &mc):
			return "", err // the server refused: nothing was made
		}
		fresh, listErr := c.appeared(ctx, k, known)
		switch {
		case len(fresh) == 1:
			if c.cfg.Logf != nil {
				c.cfg.Logf(ctx, "novita API: found the object of a create whose answer carried no id", map[string]any{"object": k.what, "id": fresh[0], "attempt": n + 1})
			}
			return fresh[0], nil
		case listErr != nil && err != nil:
			return "", fmt.Errorf("%w (and listing to find what it made failed: %w)", err, listErr)
		case listErr != nil:
			return "", fmt.Errorf("%w: %s was created but listing to learn its id failed: %w", ErrMaybeCreated, k.what, listErr)
		case len(fresh) > 1:
			return "", fmt.Errorf("%w: %d new objects match %s (ids %s), probably because another client created one at the same moment; "+
				"cannot tell which one is this one", ErrMaybeCreated, len(fresh), k.what, strings.Join(fresh, ", "))
		case err == nil:
			return "", fmt.Errorf("%w: %s was created but it never appeared in the list, so its id is unknown", ErrMaybeCreated, k.what)
		case n >= c.cfg.MaxRetries:
			return "", fmt.Errorf("%w (nothing was created: checked after each of %d attempts)", mc.cause, n+1)
		}
		// The failed attempt provably made nothing: try again after the usual backoff.
		if err := c.sleep(ctx, c.retryPace.Wait(n)); err != nil {
			return "", fmt.Errorf("%w (while waiting to retry after: %w)", err, mc.cause)
		}
	}
}

// appeared lists the matching objects up to k.listTries times, PollFloor apart, until one that is
// not in known shows up, and returns the new ids (none when nothing appeared).
func (c *Client) appeared(ctx context.Context, k creation, known map[string]bool) ([]string, error) {
	var lastErr error
	for try := 0; try < max(k.listTries, 1); try++ {
		if try > 0 {
			if err := c.sleep(ctx, c.cfg.PollFloor); err != nil {
				return nil, err
			}
		}
		after, err := k.matching(ctx)
		if err != nil {
			lastErr = err
			continue
		}
		lastErr = nil
		var fresh []string
		for _, id := range after {
			if !known[id] {
				fresh = append(fresh, id)
			}
		}
		if len(fresh) > 0 {
			return fresh, nil
		}
	}
	return nil, lastErr
}
