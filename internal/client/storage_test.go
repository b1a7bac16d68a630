package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"testing"
)

func TestCreateCloudStorageIDShapes(t *testing.T) {
	cases := map[string]string{
		`"6c1f0b5e-0000-4000-8000-000000000001"`:        "6c1f0b5e-0000-4000-8000-000000000001",
		`{"storageId":"s-2"}`:                           "s-2",
		`{"id":"s-3"}`:                                  "s-3",
		`{"data":"s-4"}`:                                "s-4",
		`{"data":{"storageId":"s-5"}}`:                  "s-5",
		`{"code":0,"data":{"id":"s-6"},"message":"ok"}`: "s-6",
	}
	for answer, want := range cases {
		var rec recorder
		c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet { // the list before the create (reconcile.go)
				writeJSON(w, 200, `{"data":[],"total":0}`)
				return
			}
			rec.add(r)
			writeJSON(w, 200, answer)
		}))
		id, err := c.CreateCloudStorage(context.Background(), CreateCloudStorageRequest{ClusterID: "c1", Name: "data", SizeGB: 20})
		if err != nil || id != want {
			t.Errorf("answer %s: id %q, %v; want %q", answer, id, err, want)
		}
		req := rec.all()[0]
		if req.Path != "/gpu-instance/openapi/v1/networkstorage/create" ||
			!reflect.DeepEqual(decodeMap(t, req.Body), map[string]any{"clusterId": "c1", "storageName": "data", "storageSize": 20.0}) {
			t.Errorf("request %s %s", req.Path, req.Body)
		}
	}
	for _, answer := range []string{`{}`, `""`, `{"data":null}`} {
		c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet {
				writeJSON(w, 200, `{"data":[],"total":0}`)
				return
			}
			writeJSON(w, 200, answer)
		}))
		if _, err := c.CreateCloudStorage(context.Background(), CreateCloudStorageRequest{}); !errors.Is(err, ErrMaybeCreated) {
			t.Errorf("answer %s: err %v, want ErrMaybeCreated for a missing id that never appears in the list", answer, err)
		}
	}
}

// storageServer serves n storages with paging, honouring the storageId and storageName filters.
func storageServer(n int, rec *recorder) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		q := r.URL.Query()
		no, _ := strconv.Atoi(q.Get("pageNo"))
		size, _ := strconv.Atoi(q.Get("pageSize"))
		var matched []map[string]any
		for i := 0; i < n; i++ {
			id, name := fmt.Sprintf("s%03d", i), fmt.Sprintf("vol-%d", i%3)
			if (q.Get("storageId") != "" && q.Get("storageId") != id) || (q.Get("storageName") != "" && q.Get("storageName") != name) {
				continue
			}
			matched = append(matched, map[string]any{"storageId": id, "storageName": name, "storageSize": "10",
				"clusterId": "c1", "clusterName": "US", "price": "0.07", "createdAt": "1700000000"})
		}
		lo, hi := min((no-1)*size, len(matched)), min(no*size, len(matched))
		b, _ := json.Marshal(map[string]any{"data": matched[lo:hi], "total": len(matched)})
		writeJSON(w, 200, string(b))
	})
}

func TestListCloudStoragesPages(t *testing.T) {
	var rec recorder
	c := newTestClient(t, storageServer(250, &rec))
	all, err := c.ListCloudStorages(context.Background(), "")
	if err != nil || len(all) != 250 || all[249].ID != "s249" || all[0].SizeGB != 10 || all[0].CreatedAt != 1700000000 {
		t.Fatalf("got %d storages, %v", len(all), err)
	}
	reqs := rec.all()
	if len(reqs) != 3 || reqs[0].Query["pageNo"][0] != "1" || reqs[2].Query["pageNo"][0] != "3" || reqs[0].Query["pageSize"] == nil {
		t.Errorf("page requests: %d", len(reqs))
	}
	named, err := c.ListCloudStorages(context.Background(), "vol-1")
	if err != nil || len(named) != 83 || rec.all()[3].Query["storageName"][0] != "vol-1" {
		t.Errorf("filtered list: %d, %v", len(named), err)
	}
}

func TestGetCloudStorage(t *testing.T) {
	var rec recorder
	c := newTestClient(t, storageServer(5, &rec))
	s, err := c.GetCloudStorage(context.Background(), "s003")
	if err != nil || s.ID != "s003" || s.Name != "vol-0" || s.ClusterName != "US" {
		t.Fatalf("GetCloudStorage = %+v, %v", s, err)
	}
	if q := rec.all()[0]; q.Path != "/gpu-instance/openapi/v1/networkstorages/list" || q.Query["storageId"][0] != "s003" {
		t.Errorf("request %s %v", q.Path, q.Query)
	}
	_, err = c.GetCloudStorage(context.Background(), "missing")
	if !IsNotFound(err) {
		t.Errorf("missing storage: %v, want not found", err)
	}
}

func TestGetCloudStorageIgnoresUnfilteredAnswer(t *testing.T) {
	// A server that ignores storageId: the client must still pick the exact id, or report not found.
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"data":[{"storageId":"a"},{"storageId":"b","storageName":"bee"}],"total":"2"}`)
	}))
	s, err := c.GetCloudStorage(context.Background(), "b")
	if err != nil || s.Name != "bee" {
		t.Errorf("got %+v, %v", s, err)
	}
	if _, err := c.GetCloudStorage(context.Background(), "c"); !IsNotFound(err) {
		t.Errorf("got %v, want not found", err)
	}
}

func TestUpdateAndDeleteCloudStorageBodies(t *testing.T) {
	var rec recorder
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		writeJSON(w, 200, `null`)
	}))
	ctx := context.Background()
	if err := c.UpdateCloudStorage(ctx, UpdateCloudStorageRequest{ID: "s1", Name: "data", SizeGB: 30}); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteCloudStorage(ctx, "s1"); err != nil {
		t.Fatal(err)
	}
	reqs := rec.all()
	if reqs[0].Path != "/gpu-instance/openapi/v1/networkstorage/update" ||
		!reflect.DeepEqual(decodeMap(t, reqs[0].Body), map[string]any{"storageId": "s1", "storageName": "data", "storageSize": 30.0}) {
		t.Errorf("update %s %s", reqs[0].Path, reqs[0].Body)
	}
	if reqs[1].Path != "/gpu-instance/openapi/v1/networkstorage/delete" ||
		!reflect.DeepEqual(decodeMap(t, reqs[1].Body), map[string]any{"storageId": "s1"}) {
		t.Errorf("delete %s %s", reqs[1].Path, reqs[1].Body)
	}
}
