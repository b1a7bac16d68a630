package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Image prewarm task states.
const (
	PrewarmPending   = "Pending"
	PrewarmRunning   = "Running"
	PrewarmSucceeded = "Succeeded"
	PrewarmFailed    = "Failed"
)

// ImagePrewarm is an image prewarm task: an image copied into a cluster's cache so that new
// serverless workers there load it locally instead of pulling it.
type ImagePrewarm struct {
	ID             string           `json:"id"`
	ImageName      string           `json:"imageName"` // last segment of the image URL, without tag
	ImageURL       string           `json:"imageUrl"`
	RepositoryAuth string           `json:"repositoryAuth"` // registry credential id, if any
	ClusterID      string           `json:"clusterId"`
	ClusterName    string           `json:"clusterName"`
	Products       []PrewarmProduct `json:"products"`
	ImageSize      Int              `json:"imageSize"`    // bytes; 0 until known
	CreateTime     Int              `json:"createTime"`   // unix seconds
	CompleteTime   Int              `json:"completeTime"` // unix seconds; 0 until finished
	State          string           `json:"state"`
	Note           string           `json:"note"`
	Reasons        PrewarmReasons   `json:"reason"` // why it failed
}

// PrewarmProduct is a GPU product (card type) a task caches the image for.
type PrewarmProduct struct {
	ProductID   string `json:"productId"`
	ProductName string `json:"productName"`
}

// ProductIDs lists the ids of the task's products.
func (p *ImagePrewarm) ProductIDs() []string {
	ids := make([]string, 0, len(p.Products))
	for _, prod := range p.Products {
		ids = append(ids, prod.ProductID)
	}
	return ids
}

// PrewarmReasons is a task's failure reasons. The API documents a list of strings; an example
// shows {} when there is none. A bare string is accepted too, and any other value is kept as
// compact JSON rather than failing the read.
type PrewarmReasons []string

// UnmarshalJSON accepts ["a", "b"], "a", {}, [] and null.
func (r *PrewarmReasons) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	*r = nil
	var list []json.RawMessage
	if json.Unmarshal(data, &list) == nil {
		for _, item := range list {
			if s := jsonText(item); s != "" {
				*r = append(*r, s)
			}
		}
		return nil
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(data, &obj) == nil && len(obj) == 0 {
		return nil
	}
	if s := jsonText(data); s != "" {
		*r = PrewarmReasons{s}
	}
	return nil
}

// CreateImagePrewarmRequest starts a prewarm task. An empty ProductIDs means every card type in
// the cluster.
type CreateImagePrewarmRequest struct {
	ImageURL       string   `json:"imageUrl"`
	RepositoryAuth string   `json:"repositoryAuth,omitempty"`
	ClusterID      string   `json:"clusterId"`
	ProductIDs     []string `json:"productIds"`
	Note           string   `json:"note,omitempty"`
}

// ImagePrewarmFilter narrows a task listing; empty fields do not filter. Name matches the image
// name or the note, loosely (the API's own fuzzy match).
type ImagePrewarmFilter struct {
	State     string
	ClusterID string
	Name      string
}

// ImagePrewarmQuota is the account's prewarm quota.
type ImagePrewarmQuota struct {
	Total          Int `json:"total"`        // tasks that exist
	Limit          Int `json:"limit"`        // most tasks allowed
	PerImageSizeGB Int `json:"perImageSize"` // largest image one task may cache, GB
}

// ImagePrewarmFailedError is the error of a wait on a task that ended Failed.
type ImagePrewarmFailedError struct {
	ID      string
	Image   string
	Reasons []string
}

func (e *ImagePrewarmFailedError) Error() string {
	reasons := "Novita gave no reason"
	if len(e.Reasons) > 0 {
		reasons = strings.Join(e.Reasons, "; ")
	}
	return fmt.Sprintf("image prewarm task %s (%s) failed: %s", e.ID, e.Image, reasons)
}

// ImageName is the name the API gives a task for an image reference: its last path segment
// without tag or digest ("novitalabs/comfyui-worker:v1" -> "comfyui-worker").
func ImageName(ref string) string {
	ref, _, _ = strings.Cut(ref, "@")
	name := ref[strings.LastIndex(ref, "/")+1:]
	name, _, _ = strings.Cut(name, ":")
	return name
}

// CreateImagePrewarm starts a prewarm task and returns its id. A failure after the server may
// have acted wraps ErrMaybeCreated.
func (c *Client) CreateImagePrewarm(ctx context.Context, req CreateImagePrewarmRequest) (string, error) {
	if req.ProductIDs == nil {
		req.ProductIDs = []string{}
	}
	r := c.v1(http.MethodPost, "/image/prewarm")
	r.creates = true
	r.body = req
	var resp struct {
		ID   string `json:"id"`
		Data struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	r.out = &resp
	if err := c.do(ctx, r); err != nil {
		return "", err
	}
	id := resp.ID
	if id == "" {
		id = resp.Data.ID
	}
	if id == "" {
		return "", fmt.Errorf("%w: novita API POST /image/prewarm: the answer carried no task id", ErrMaybeCreated)
	}
	return id, nil
}

// ListImagePrewarms lists the account's prewarm tasks matching f, page by page.
func (c *Client) ListImagePrewarms(ctx context.Context, f ImagePrewarmFilter) ([]ImagePrewarm, error) {
	return collectPages(func(page int) ([]ImagePrewarm, int64, error) {
		r := c.v1(http.MethodGet, "/image/prewarm")
		r.query = url.Values{"page": {strconv.Itoa(page)}, "pageSize": {strconv.Itoa(listPageSize)}}
		for key, v := range map[string]string{"state": f.State, "clusterId": f.ClusterID, "name": f.Name} {
			if v != "" {
				r.query.Set(key, v)
			}
		}
		var resp struct {
			Data  []ImagePrewarm `json:"data"`
			Total Int            `json:"total"`
		}
		r.out = &resp
		err := c.do(ctx, r)
		return resp.Data, int64(resp.Total), err
	})
}

// GetImagePrewarm reads one task by listing (the API has no get). near narrows the listing (the
// task's cluster and image name); when the narrowed list lacks the id, the whole list is read
// before the task is declared missing, so a filter the API reads differently cannot hide it. A
// missing task gives an error for which IsNotFound is true.
func (c *Client) GetImagePrewarm(ctx context.Context, id string, near ImagePrewarmFilter) (*ImagePrewarm, error) {
	filters := []ImagePrewarmFilter{near}
	if near != (ImagePrewarmFilter{}) {
		filters = append(filters, ImagePrewarmFilter{})
	}
	for _, f := range filters {
		all, err := c.ListImagePrewarms(ctx, f)
		if err != nil {
			return nil, err
		}
		for i := range all {
			if all[i].ID == id {
				return &all[i], nil
			}
		}
	}
	return nil, notFound(http.MethodGet, "/image/prewarm", "RESOURCE_NOT_FOUND", "image prewarm task "+id)
}

// EditImagePrewarmNote sets a task's note, the only field the API edits.
func (c *Client) EditImagePrewarmNote(ctx context.Context, id, note string) error {
	r := c.v1(http.MethodPost, "/image/prewarm/edit")
	r.body = map[string]string{"id": id, "note": note}
	return c.do(ctx, r)
}

// DeleteImagePrewarms deletes tasks (the API takes several ids at once).
func (c *Client) DeleteImagePrewarms(ctx context.Context, ids ...string) error {
	if ids == nil {
		ids = []string{}
	}
	r := c.v1(http.MethodPost, "/image/prewarm/delete")
	r.body = map[string][]string{"ids": ids}
	return c.do(ctx, r)
}

// GetImagePrewarmQuota reads the account's prewarm quota.
func (c *Client) GetImagePrewarmQuota(ctx context.Context) (*ImagePrewarmQuota, error) {
	r := c.v1(http.MethodGet, "/image/prewarm/quota")
	var q ImagePrewarmQuota
	r.out = &q
	if err := c.do(ctx, r); err != nil {
		return nil, err
	}
	return &q, nil
}

// WaitForImagePrewarm polls until the task is Succeeded and returns it. A task that ends Failed
// returns it with an *ImagePrewarmFailedError carrying the API's reasons; a task that disappears
// is a not-found error. near is passed to GetImagePrewarm. It honours ctx.
func (c *Client) WaitForImagePrewarm(ctx context.Context, id string, near ImagePrewarmFilter) (*ImagePrewarm, error) {
	task, err := Poll(ctx, c.endpointPolicy(), func(ctx context.Context) (*ImagePrewarm, PollState, error) {
		task, err := c.GetImagePrewarm(ctx, id, near)
		switch {
		case err != nil:
			return nil, PollAgain, err
		case task.State == PrewarmSucceeded:
			return task, PollDone, nil
		case task.State == PrewarmFailed:
			return task, PollDone, &ImagePrewarmFailedError{ID: id, Image: task.ImageURL, Reasons: task.Reasons}
		}
		return task, PollAgain, nil
	})
	var failed *ImagePrewarmFailedError
	if err != nil && !errors.As(err, &failed) {
		return nil, fmt.Errorf("waiting for image prewarm task %s: %w", id, err)
	}
	return task, err
}
