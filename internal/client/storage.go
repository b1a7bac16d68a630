package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// CreateCloudStorage creates a network storage volume and returns its id. An answer without an
// id, or a failure after the server may have acted, is reconciled (see createReconciled) through
// the list of storages with this name in this cluster; an error wraps ErrMaybeCreated only when
// the client cannot tell whether, or which, storage was made.
func (c *Client) CreateCloudStorage(ctx context.Context, req CreateCloudStorageRequest) (string, error) {
	return c.createReconciled(ctx, creation{
		what:    fmt.Sprintf("cloud storage %q in cluster %s", req.Name, req.ClusterID),
		lockKey: "cloud-storage\x00" + req.ClusterID + "\x00" + req.Name,
		matching: func(ctx context.Context) ([]string, error) {
			all, err := c.ListCloudStorages(ctx, req.Name)
			var ids []string
			for _, s := range all {
				if s.Name == req.Name && s.ClusterID == req.ClusterID {
					ids = append(ids, s.ID)
				}
			}
			return ids, err
		},
		create: func(ctx context.Context) (string, error) {
			r := c.v1(http.MethodPost, "/networkstorage/create")
			r.creates = true
			r.body = req
			var raw json.RawMessage
			r.out = &raw
			err := c.do(ctx, r)
			return storageIDFrom(raw), err
		},
		listTries: 1,
	})
}

// storageIDFrom reads the id from a create answer: documented as a bare JSON string, also accepted
// as {"storageId"}, {"id"} or {"data"} holding either form.
func storageIDFrom(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	var id string
	if json.Unmarshal(raw, &id) == nil {
		return id
	}
	var obj struct {
		StorageID string          `json:"storageId"`
		ID        string          `json:"id"`
		Data      json.RawMessage `json:"data"`
	}
	if json.Unmarshal(raw, &obj) != nil {
		return ""
	}
	switch {
	case obj.StorageID != "":
		return obj.StorageID
	case obj.ID != "":
		return obj.ID
	case len(obj.Data) > 0 && !bytes.Equal(bytes.TrimSpace(obj.Data), raw):
		return storageIDFrom(obj.Data)
	}
	return ""
}

// GetCloudStorage reads one storage by listing with its id (the API has no get). A missing
// storage gives an error for which IsNotFound is true.
func (c *Client) GetCloudStorage(ctx context.Context, id string) (*CloudStorage, error) {
	all, err := c.listCloudStorages(ctx, "", id)
	if err != nil {
		return nil, err
	}
	// The filter is not trusted: pick the exact id.
	for i := range all {
		if all[i].ID == id {
			return &all[i], nil
		}
	}
	return nil, notFound(http.MethodGet, "/networkstorages/list", "NETWORK_STORAGE_NOT_FOUND", "cloud storage "+id)
}

// ListCloudStorages lists storages, page by page; name filters by storage name when not empty.
func (c *Client) ListCloudStorages(ctx context.Context, name string) ([]CloudStorage, error) {
	return c.listCloudStorages(ctx, name, "")
}

func (c *Client) listCloudStorages(ctx context.Context, name, id string) ([]CloudStorage, error) {
	return collectPages(func(page int) ([]CloudStorage, int64, error) {
		r := c.v1(http.MethodGet, "/networkstorages/list")
		r.query = url.Values{"pageNo": {strconv.Itoa(page)}, "pageSize": {strconv.Itoa(listPageSize)}}
		if name != "" {
			r.query.Set("storageName", name)
		}
		if id != "" {
			r.query.Set("storageId", id)
		}
		var resp struct {
			Data  []CloudStorage `json:"data"`
			Total Int            `json:"total"`
		}
		r.out = &resp
		err := c.do(ctx, r)
		return resp.Data, int64(resp.Total), err
	})
}

// UpdateCloudStorage renames or grows a storage.
func (c *Client) UpdateCloudStorage(ctx context.Context, req UpdateCloudStorageRequest) error {
	r := c.v1(http.MethodPost, "/networkstorage/update")
	r.body = req
	return c.do(ctx, r)
}

// DeleteCloudStorage deletes a storage.
func (c *Client) DeleteCloudStorage(ctx context.Context, id string) error {
	r := c.v1(http.MethodPost, "/networkstorage/delete")
	r.body = map[string]string{"storageId": id}
	return c.do(ctx, r)
}
