package emulator_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
)

// listStorages returns the data and total of GET /networkstorages/list?query.
func (h *harness) listStorages(key, query string) ([]map[string]any, int) {
	h.t.Helper()
	r := mustOK(h.t, h.get(v1+"/networkstorages/list?"+query, key))
	return objects(h.t, r.body, "data"), int(at[float64](h.t, r.body, "total"))
}

func TestStorageCreateAndList(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	id := h.mustCreateStorage(keyA, "us-dallas-1", "my-models-1", 20)
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(id) {
		t.Errorf("storage id %q is not a uuid", id)
	}
	items, total := h.listStorages(keyA, "storageId="+id)
	if total != 1 || len(items) != 1 {
		t.Fatalf("list by id: %d items, total %d", len(items), total)
	}
	st := items[0]
	if st["storageId"] != id || st["storageName"] != "my-models-1" || st["storageSize"] != 20.0 ||
		st["clusterId"] != "us-dallas-1" || st["clusterName"] != "US-Dallas-1" {
		t.Errorf("record = %v", st)
	}
	if p, ok := st["price"].(string); !ok || p == "" {
		t.Errorf("price = %#v, want a string", st["price"])
	}
	created, _ := st["createdAt"].(string)
	if sec, err := strconv.ParseInt(created, 10, 64); err != nil || sec != h.clock.Now().Unix() {
		t.Errorf("createdAt = %#v, want unix seconds as a string", st["createdAt"])
	}
	got, ok := h.emu.CloudStorage(id)
	if !ok || got.Team != "team-a" || got.SizeGB != 20 || !got.CreatedAt.Equal(h.clock.Now()) {
		t.Errorf("hook = %+v", got)
	}
}

func TestStorageCreateValidation(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	create := func(cluster, name string, size int) response {
		return h.post(v1+"/networkstorage/create", keyA, mustJSON(map[string]any{"clusterId": cluster, "storageName": name, "storageSize": size}))
	}
	wantInvalid(t, create("us-dallas-1", "small", 9), "storageSize", "10")
	wantError(t, create("us-dallas-1", "huge", emulator.MaxStorageGB+1), http.StatusBadRequest, "NETWORK_STORAGE_TOO_LARGE")
	wantInvalid(t, create("us-dallas-1", "under_score", 10), "storageName", "letters, digits and hyphens")
	wantInvalid(t, create("us-dallas-1", "", 10), "storageName")
	wantInvalid(t, create("", "x", 10), "clusterId")
	wantInvalid(t, create("mars-1", "x", 10), "clusterId", "mars-1")
	wantError(t, create("ap-singapore-1", "x", 10), http.StatusBadRequest, "CUR_CLUSTER_NETWORK_STORAGE_NOT_SUPPORT")
	wantInvalid(t, h.post(v1+"/networkstorage/create", keyA, `{"clusterId":"us-dallas-1","storageName":"x","storageSize":"10"}`), "storageSize", "integer")
	if n := h.emu.Counts().CloudStorages; n != 0 {
		t.Errorf("%d storages created by invalid requests", n)
	}
	mustOK(t, create("us-dallas-1", "Exactly-10", 10))
}

func TestStorageListFiltersPagingAndTeams(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	var ids []string
	for i := range 5 {
		ids = append(ids, h.mustCreateStorage(keyA, "eu-frankfurt-1", fmt.Sprintf("vol-%d", i), 10+i))
	}
	other := h.mustCreateStorage(keyB, "eu-frankfurt-1", "vol-9", 10)

	var got []string
	for p := 1; p <= 3; p++ {
		items, total := h.listStorages(keyA, fmt.Sprintf("pageNo=%d&pageSize=2", p))
		if total != 5 {
			t.Fatalf("total = %d, want 5", total)
		}
		for _, it := range items {
			got = append(got, at[string](t, it, "storageId"))
		}
	}
	if strings.Join(got, ",") != strings.Join(ids, ",") {
		t.Errorf("paged %v, want %v", got, ids)
	}
	if items, total := h.listStorages(keyA, "storageName=vol-3"); total != 1 || items[0]["storageId"] != ids[3] {
		t.Errorf("name filter: %v", items)
	}
	if _, total := h.listStorages(keyA, "storageName=vol"); total != 5 {
		t.Errorf("name filter is a substring match: total %d", total)
	}
	if _, total := h.listStorages(keyA, "storageId="+other); total != 0 {
		t.Errorf("team A sees team B's storage")
	}
	if items, total := h.listStorages(keyB, ""); total != 1 || items[0]["storageId"] != other {
		t.Errorf("team B lists %v", items)
	}
	if _, total := h.listStorages(keyA, ""); total != 5 {
		t.Errorf("no parameters: total %d", total)
	}
	wantInvalid(t, h.get(v1+"/networkstorages/list?pageNo=0", keyA), "pageNo")
}

func TestStorageUpdateGrowOnly(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	id := h.mustCreateStorage(keyA, "us-dallas-1", "data", 20)
	update := func(key, name string, size int) response {
		return h.post(v1+"/networkstorage/update", key, mustJSON(map[string]any{"storageId": id, "storageName": name, "storageSize": size}))
	}
	mustOK(t, update(keyA, "data-renamed", 30))
	st, _ := h.emu.CloudStorage(id)
	if st.Name != "data-renamed" || st.SizeGB != 30 {
		t.Errorf("after update: %+v", st)
	}
	mustOK(t, update(keyA, "data-renamed", 30)) // same size is fine
	wantInvalid(t, update(keyA, "data", 29), "only grow", "30", "29")
	wantError(t, update(keyA, "data", emulator.MaxStorageGB+1), http.StatusBadRequest, "NETWORK_STORAGE_TOO_LARGE")
	wantInvalid(t, update(keyA, "bad name", 40), "storageName")
	wantError(t, update(keyB, "data", 40), http.StatusBadRequest, "NETWORK_STORAGE_NOT_FOUND")
	wantError(t, h.post(v1+"/networkstorage/update", keyA, `{"storageId":"nope","storageName":"x","storageSize":40}`), http.StatusBadRequest, "NETWORK_STORAGE_NOT_FOUND")
	if st, _ := h.emu.CloudStorage(id); st.SizeGB != 30 || st.Name != "data-renamed" {
		t.Errorf("rejected updates changed the storage: %+v", st)
	}
}

func TestStorageDeleteInUse(t *testing.T) {
	h := newHarness(t, emulator.Options{DeleteDelay: 2 * time.Second})
	id := h.mustCreateStorage(keyA, "eu-frankfurt-1", "models", 50)
	spec := set(endpointSpec(), "region_id", "eu-frankfurt-1")
	set(spec, "volumes", []any{map[string]any{"type": "network", "id": id, "mount_point": "/models"}})
	ep := h.mustCreateEndpoint(keyA, spec)
	del := func(key string) response {
		return h.post(v1+"/networkstorage/delete", key, `{"storageId":"`+id+`"}`)
	}

	wantError(t, del(keyB), http.StatusBadRequest, "NETWORK_STORAGE_NOT_FOUND")
	wantError(t, del(keyA), http.StatusBadRequest, "NETWORK_STORAGE_IN_USE")
	mustOK(t, h.deleteEndpoint(keyA, ep))
	// Still in use while the endpoint is deleting.
	wantError(t, del(keyA), http.StatusBadRequest, "NETWORK_STORAGE_IN_USE")
	h.clock.Advance(2 * time.Second)
	mustOK(t, del(keyA))
	if _, ok := h.emu.CloudStorage(id); ok {
		t.Error("storage still stored")
	}
	wantError(t, del(keyA), http.StatusBadRequest, "NETWORK_STORAGE_NOT_FOUND")
}

func TestStorageHooks(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	id := h.mustCreateStorage(keyA, "us-dallas-1", "data", 20)
	if !h.emu.ChangeCloudStorage(id, func(s *emulator.CloudStorage) { s.SizeGB = 99; s.ID = "x" }) {
		t.Fatal("ChangeCloudStorage failed")
	}
	if items, _ := h.listStorages(keyA, "storageId="+id); len(items) != 1 || items[0]["storageSize"] != 99.0 {
		t.Errorf("drift not visible: %v", items)
	}
	if !h.emu.RemoveCloudStorage(id) || h.emu.RemoveCloudStorage(id) || h.emu.Counts().CloudStorages != 0 {
		t.Error("RemoveCloudStorage should succeed once")
	}
}
