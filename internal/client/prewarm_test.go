package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"sync/atomic"
	"testing"
)

func TestPrewarmTaskLenientDecoding(t *testing.T) {
	for name, tc := range map[string]struct {
		body    string
		reasons []string
	}{
		"documented list":    {`{"reason":["pull failed","retry later"]}`, []string{"pull failed", "retry later"}},
		"empty object":       {`{"reason":{}}`, nil},
		"empty list":         {`{"reason":[]}`, nil},
		"null":               {`{"reason":null}`, nil},
		"absent":             {`{}`, nil},
		"bare string":        {`{"reason":"rate limited"}`, []string{"rate limited"}},
		"object with detail": {`{"reason":{"code":42}}`, []string{`{"code":42}`}},
		"list of non-text":   {`{"reason":[{"code":1},""]}`, []string{`{"code":1}`}},
	} {
		var task ImagePrewarm
		if err := json.Unmarshal([]byte(tc.body), &task); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !reflect.DeepEqual([]string(task.Reasons), tc.reasons) {
			t.Errorf("%s: reasons %q, want %q", name, task.Reasons, tc.reasons)
		}
	}

	var task ImagePrewarm
	body := `{"id":"p1","imageSize":"9600000000","createTime":"1700000000","completeTime":"","products":[{"productId":"SL-1","productName":"RTX 4090"}]}`
	if err := json.Unmarshal([]byte(body), &task); err != nil {
		t.Fatal(err)
	}
	if task.ImageSize != 9600000000 || task.CreateTime != 1700000000 || task.CompleteTime != 0 || !reflect.DeepEqual(task.ProductIDs(), []string{"SL-1"}) {
		t.Errorf("decoded %+v", task)
	}
	if err := json.Unmarshal([]byte(`{"imageSize":9600000000,"createTime":1700000000}`), &task); err != nil || task.ImageSize != 9600000000 {
		t.Errorf("numbers as numbers: %+v, %v", task, err)
	}
}

func TestImageName(t *testing.T) {
	for ref, want := range map[string]string{
		"novitalabs/comfyui-worker:v0.0.1":          "comfyui-worker",
		"redis":                                     "redis",
		"registry.example.com:5000/team/app:1.2":    "app",
		"ghcr.io/org/model@sha256:abc":              "model",
		"docker.io/library/python:3.12-slim":        "python",
		"registry.example.com:5000/team/app":        "app",
		"registry.example.com:5000/team/app@sha256": "app",
	} {
		if got := ImageName(ref); got != want {
			t.Errorf("ImageName(%q) = %q, want %q", ref, got, want)
		}
	}
}

func TestCreateImagePrewarmRequest(t *testing.T) {
	var rec recorder
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		writeJSON(w, 200, `{"id":"p-1"}`)
	}))
	id, err := c.CreateImagePrewarm(context.Background(), CreateImagePrewarmRequest{ImageURL: "a/b:1", ClusterID: "c1"})
	if err != nil || id != "p-1" {
		t.Fatalf("create: %q, %v", id, err)
	}
	req := rec.all()[0]
	// productIds goes out as [] (every product), optional fields are left out.
	if req.Method != "POST" || req.Path != "/gpu-instance/openapi/v1/image/prewarm" ||
		!reflect.DeepEqual(decodeMap(t, req.Body), map[string]any{"imageUrl": "a/b:1", "clusterId": "c1", "productIds": []any{}}) {
		t.Errorf("request %s %s %s", req.Method, req.Path, req.Body)
	}

	for _, answer := range []string{`{}`, `{"id":""}`} {
		c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, answer) }))
		if _, err := c.CreateImagePrewarm(context.Background(), CreateImagePrewarmRequest{}); !errors.Is(err, ErrMaybeCreated) {
			t.Errorf("answer %s: err %v, want ErrMaybeCreated", answer, err)
		}
	}
	// A 5xx on create is never retried: the task may exist.
	var calls atomic.Int32
	c = newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeJSON(w, 502, `{"message":"bad gateway"}`)
	}))
	if _, err := c.CreateImagePrewarm(context.Background(), CreateImagePrewarmRequest{}); !errors.Is(err, ErrMaybeCreated) || calls.Load() != 1 {
		t.Errorf("5xx create: err %v after %d calls, want ErrMaybeCreated after 1", err, calls.Load())
	}
}

// prewarmServer serves n tasks in cluster c1 (ids p000...) with paging. When ignoreFilters is
// set it answers every filtered listing with nothing, like an API that reads filters differently.
func prewarmServer(n int, ignoreFilters bool, rec *recorder) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		q := r.URL.Query()
		if ignoreFilters && (q.Get("clusterId") != "" || q.Get("name") != "") {
			writeJSON(w, 200, `{"data":[],"total":"0"}`)
			return
		}
		pageNo, _ := strconv.Atoi(q.Get("page"))
		size, _ := strconv.Atoi(q.Get("pageSize"))
		var data []map[string]any
		for i := (pageNo - 1) * size; i < min(pageNo*size, n); i++ {
			data = append(data, map[string]any{"id": fmt.Sprintf("p%03d", i), "clusterId": "c1", "state": "Running", "reason": map[string]any{}})
		}
		out, _ := json.Marshal(map[string]any{"data": data, "total": strconv.Itoa(n)})
		writeJSON(w, 200, string(out))
	})
}

func TestGetImagePrewarmByListing(t *testing.T) {
	var rec recorder
	c := newTestClient(t, prewarmServer(250, false, &rec))
	task, err := c.GetImagePrewarm(context.Background(), "p201", ImagePrewarmFilter{ClusterID: "c1", Name: "app"})
	if err != nil || task.ID != "p201" {
		t.Fatalf("get: %+v, %v", task, err)
	}
	reqs := rec.all()
	if len(reqs) != 3 || reqs[2].Query["page"][0] != "3" || reqs[0].Query["clusterId"][0] != "c1" || reqs[0].Query["name"][0] != "app" {
		t.Errorf("requests %+v, want 3 filtered pages", reqs)
	}
	if _, err := c.GetImagePrewarm(context.Background(), "nope", ImagePrewarmFilter{}); !IsNotFound(err) {
		t.Errorf("missing task: %v, want not found", err)
	}

	// A filtered listing that misses the task is followed by an unfiltered one.
	var rec2 recorder
	c = newTestClient(t, prewarmServer(3, true, &rec2))
	if task, err := c.GetImagePrewarm(context.Background(), "p002", ImagePrewarmFilter{ClusterID: "c1"}); err != nil || task.ID != "p002" {
		t.Fatalf("get past a misread filter: %+v, %v", task, err)
	}
	if n := len(rec2.all()); n != 2 {
		t.Errorf("%d requests, want the filtered and the unfiltered listing", n)
	}
}

func TestEditAndDeleteImagePrewarmRequests(t *testing.T) {
	var rec recorder
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		writeJSON(w, 200, `{}`)
	}))
	ctx := context.Background()
	if err := c.EditImagePrewarmNote(ctx, "p1", ""); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteImagePrewarms(ctx, "p1", "p2"); err != nil {
		t.Fatal(err)
	}
	reqs := rec.all()
	if reqs[0].Path != "/gpu-instance/openapi/v1/image/prewarm/edit" || !reflect.DeepEqual(decodeMap(t, reqs[0].Body), map[string]any{"id": "p1", "note": ""}) {
		t.Errorf("edit: %s %s", reqs[0].Path, reqs[0].Body)
	}
	if reqs[1].Path != "/gpu-instance/openapi/v1/image/prewarm/delete" || !reflect.DeepEqual(decodeMap(t, reqs[1].Body), map[string]any{"ids": []any{"p1", "p2"}}) {
		t.Errorf("delete: %s %s", reqs[1].Path, reqs[1].Body)
	}
}

func TestGetImagePrewarmQuota(t *testing.T) {
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"total":"3","limit":10,"perImageSize":"30"}`)
	}))
	q, err := c.GetImagePrewarmQuota(context.Background())
	if err != nil || *q != (ImagePrewarmQuota{Total: 3, Limit: 10, PerImageSizeGB: 30}) {
		t.Errorf("quota %+v, %v", q, err)
	}
}

func TestWaitForImagePrewarm(t *testing.T) {
	states := []string{`"Pending"`, `"Running"`, `"Succeeded"`}
	var polls atomic.Int32
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := min(int(polls.Add(1))-1, len(states)-1)
		writeJSON(w, 200, `{"data":[{"id":"p1","state":`+states[i]+`,"reason":{}}],"total":1}`)
	}))
	task, err := c.WaitForImagePrewarm(context.Background(), "p1", ImagePrewarmFilter{})
	if err != nil || task.State != PrewarmSucceeded || polls.Load() != 3 {
		t.Errorf("wait: %+v, %v after %d polls", task, err, polls.Load())
	}

	c = newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"data":[{"id":"p1","imageUrl":"a/b:1","state":"Failed","reason":["manifest unknown","auth required"]}],"total":1}`)
	}))
	task, err = c.WaitForImagePrewarm(context.Background(), "p1", ImagePrewarmFilter{})
	var failed *ImagePrewarmFailedError
	if !errors.As(err, &failed) || task == nil || !reflect.DeepEqual(failed.Reasons, []string{"manifest unknown", "auth required"}) {
		t.Fatalf("failed wait: %+v, %v", task, err)
	}
	if want := "image prewarm task p1 (a/b:1) failed: manifest unknown; auth required"; err.Error() != want {
		t.Errorf("error text %q, want %q", err, want)
	}
	if got := (&ImagePrewarmFailedError{ID: "p2", Image: "x"}).Error(); got != "image prewarm task p2 (x) failed: Novita gave no reason" {
		t.Errorf("no reasons: %q", got)
	}

	// A task that disappears ends the wait.
	c = newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"data":[],"total":0}`) }))
	if _, err := c.WaitForImagePrewarm(context.Background(), "p1", ImagePrewarmFilter{}); !IsNotFound(err) {
		t.Errorf("vanished task: %v, want not found", err)
	}
}
