package client

import "context"

// CreateCloudStorage creates a network storage volume and returns its id.
func (c *Client) CreateCloudStorage(ctx context.Context, req CreateCloudStorageRequest) (string, error) {
	return "", errNotImplemented
}

// GetCloudStorage reads one storage by listing with its id (the API has no get). A missing
// storage gives an error for which IsNotFound is true.
func (c *Client) GetCloudStorage(ctx context.Context, id string) (*CloudStorage, error) {
	return nil, errNotImplemented
}

// ListCloudStorages lists storages, page by page; name filters by storage name when not empty.
func (c *Client) ListCloudStorages(ctx context.Context, name string) ([]CloudStorage, error) {
	return nil, errNotImplemented
}

// UpdateCloudStorage renames or grows a storage.
func (c *Client) UpdateCloudStorage(ctx context.Context, req UpdateCloudStorageRequest) error {
	return errNotImplemented
}

// DeleteCloudStorage deletes a storage.
func (c *Client) DeleteCloudStorage(ctx context.Context, id string) error {
	return errNotImplemented
}
