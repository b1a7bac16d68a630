package client

import "context"

// CreateRegistryCredential saves a credential and returns its id. The API returns no id, so the
// client lists before and after, serialized within the process.
func (c *Client) CreateRegistryCredential(ctx context.Context, req CreateRegistryCredentialRequest) (string, error) {
	return "", errNotImplemented
}

// ListRegistryCredentials lists credentials (with passwords: handle with care).
func (c *Client) ListRegistryCredentials(ctx context.Context) ([]RegistryCredential, error) {
	return nil, errNotImplemented
}

// GetRegistryCredential finds one credential by id in the list; IsNotFound when absent.
func (c *Client) GetRegistryCredential(ctx context.Context, id string) (*RegistryCredential, error) {
	return nil, errNotImplemented
}

// DeleteRegistryCredential deletes a credential.
func (c *Client) DeleteRegistryCredential(ctx context.Context, id string) error {
	return errNotImplemented
}
