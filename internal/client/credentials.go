package client

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// credentialCreateLock serializes CreateRegistryCredential across every Client in the process:
// the API returns no id, so the id is found by diffing the list around the save, which is only
// sound when no other create runs in between. A channel (not a mutex) so waiting honours ctx.
var credentialCreateLock = make(chan struct{}, 1)

// credentialListTries is how many times the list is read after a save before giving up on
// seeing the new credential (the list may lag the save).
const credentialListTries = 3

// CreateRegistryCredential saves a credential and returns its id. The API returns no id, so the
// client lists before and after, serialized within the process, and takes the one new id with
// this name and username. When it cannot tell (none or several appeared, for instance because
// another process created one at the same moment), the error wraps ErrMaybeCreated.
func (c *Client) CreateRegistryCredential(ctx context.Context, req CreateRegistryCredentialRequest) (string, error) {
	select {
	case credentialCreateLock <- struct{}{}:
		defer func() { <-credentialCreateLock }()
	case <-ctx.Done():
		return "", fmt.Errorf("novita client: waiting to create registry credential: %w", ctx.Err())
	}

	before, err := c.ListRegistryCredentials(ctx)
	if err != nil {
		return "", err
	}
	known := make(map[string]bool, len(before))
	for _, cred := range before {
		known[cred.ID] = true
	}

	r := c.v1(http.MethodPost, "/repository/auth/save")
	r.creates = true
	r.body = req
	if err := c.do(ctx, r); err != nil {
		return "", err
	}

	var lastErr error
	for try := 0; try < credentialListTries; try++ {
		if try > 0 {
			if err := sleep(ctx, c.cfg.PollFloor); err != nil {
				return "", fmt.Errorf("%w: registry credential %q saved but its id is unknown: %w", ErrMaybeCreated, req.Name, err)
			}
		}
		after, err := c.ListRegistryCredentials(ctx)
		if err != nil {
			lastErr = err
			continue
		}
		var fresh []string
		for _, cred := range after {
			if !known[cred.ID] && cred.Name == req.Name && cred.Username == req.Username {
				fresh = append(fresh, cred.ID)
			}
		}
		switch len(fresh) {
		case 1:
			return fresh[0], nil
		case 0:
			lastErr = fmt.Errorf("no new credential with that name and username appeared in the list")
		default:
			return "", fmt.Errorf("%w: registry credential %q saved, but %d new credentials with that name and "+
				"username appeared (ids %s), probably from another client at the same moment; cannot tell which one is "+
				"this one", ErrMaybeCreated, req.Name, len(fresh), strings.Join(fresh, ", "))
		}
	}
	return "", fmt.Errorf("%w: registry credential %q saved but its id could not be found: %w", ErrMaybeCreated, req.Name, lastErr)
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

// GetRegistryCredential finds one credential by id in the list; IsNotFound when absent.
func (c *Client) GetRegistryCredential(ctx context.Context, id string) (*RegistryCredential, error) {
	all, err := c.ListRegistryCredentials(ctx)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].ID == id {
			return &all[i], nil
		}
	}
	return nil, notFound(http.MethodGet, "/repository/auths", "RESOURCE_NOT_FOUND", "registry credential "+id)
}

// DeleteRegistryCredential deletes a credential.
func (c *Client) DeleteRegistryCredential(ctx context.Context, id string) error {
	r := c.v1(http.MethodPost, "/repository/auth/delete")
	r.body = map[string]string{"id": id}
	return c.do(ctx, r)
}
