package emulator

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// CloudStorage is a network storage volume.
type CloudStorage struct {
	ID, Team, Name         string
	SizeGB                 int
	ClusterID, ClusterName string
	Price                  string
	CreatedAt              time.Time
}

type storageRecord struct {
	CloudStorage
	Seq int64
}

var storageNamePattern = regexp.MustCompile(`^[A-Za-z0-9-]{1,255}$`)

// storagePrice is the monthly price in USD as a decimal string (0.07 USD per GB).
func storagePrice(sizeGB int) string { return fmt.Sprintf("%.2f", float64(sizeGB)*0.07) }

func checkStorageName(name string) *apiError {
	if !storageNamePattern.MatchString(name) {
		return invalid("storageName must be 1-255 letters, digits and hyphens, got %q", name)
	}
	return nil
}

func checkStorageSize(size int) *apiError {
	if size < minStorageGB {
		return invalid("storageSize must be at least %d GB, got %d", minStorageGB, size)
	}
	if size > maxStorageGB {
		return badRequest("NETWORK_STORAGE_TOO_LARGE", "storageSize must be at most %d GB, got %d", maxStorageGB, size)
	}
	return nil
}

func (e *Emulator) findStorageLocked(team, id string) (*storageRecord, *apiError) {
	if id == "" {
		return nil, invalid("storageId is required")
	}
	st, ok := e.storages[id]
	if !ok || st.Team != team {
		return nil, badRequest("NETWORK_STORAGE_NOT_FOUND", "network storage %q not found", id)
	}
	return st, nil
}

func (e *Emulator) createStorage(c *call) (any, *apiError) {
	var in struct {
		ClusterID   string `json:"clusterId"`
		StorageName string `json:"storageName"`
		StorageSize int    `json:"storageSize"`
	}
	if err := decodeBody(c.body, &in, false); err != nil {
		return nil, err
	}
	if in.ClusterID == "" {
		return nil, invalid("clusterId is required")
	}
	cluster, ok := findCluster(in.ClusterID)
	if !ok {
		return nil, invalid("clusterId %q is not a known cluster", in.ClusterID)
	}
	if !cluster.SupportNetworkStorage {
		return nil, badRequest("CUR_CLUSTER_NETWORK_STORAGE_NOT_SUPPORT", "cluster %q does not support network storage", cluster.ID)
	}
	if err := checkStorageName(in.StorageName); err != nil {
		return nil, err
	}
	if err := checkStorageSize(in.StorageSize); err != nil {
		return nil, err
	}
	id := uuid.NewString()
	e.seq++
	e.storages[id] = &storageRecord{Seq: e.seq, CloudStorage: CloudStorage{
		ID: id, Team: c.team, Name: in.StorageName, SizeGB: in.StorageSize,
		ClusterID: cluster.ID, ClusterName: cluster.Name, Price: storagePrice(in.StorageSize),
		CreatedAt: e.now().UTC().Truncate(time.Second),
	}}
	e.dirty = true
	return id, nil // a bare JSON string, as documented
}

// listStorages filters by storageId (exact) and storageName (substring), then pages.
func (e *Emulator) listStorages(c *call) (any, *apiError) {
	num, err := queryPositive(c, "pageNo", 1, 1<<30)
	if err != nil {
		return nil, err
	}
	size, err := queryPositive(c, "pageSize", defaultPageSize, maxPageSize)
	if err != nil {
		return nil, err
	}
	q := c.r.URL.Query()
	var match []*storageRecord
	for _, st := range e.storages {
		if st.Team != c.team ||
			(q.Get("storageId") != "" && st.ID != q.Get("storageId")) ||
			!strings.Contains(st.Name, q.Get("storageName")) {
			continue
		}
		match = append(match, st)
	}
	slices.SortFunc(match, func(a, b *storageRecord) int { return int(a.Seq - b.Seq) })
	data := []map[string]any{}
	for _, st := range page(match, num, size) {
		data = append(data, map[string]any{
			"storageId":   st.ID,
			"storageName": st.Name,
			"storageSize": st.SizeGB,
			"clusterId":   st.ClusterID,
			"clusterName": st.ClusterName,
			"price":       st.Price,
			"createdAt":   strconv.FormatInt(st.CreatedAt.Unix(), 10),
		})
	}
	return map[string]any{"data": data, "total": len(match)}, nil
}

// updateStorage renames and grows; shrinking is refused because it would lose data.
func (e *Emulator) updateStorage(c *call) (any, *apiError) {
	var in struct {
		StorageID   string `json:"storageId"`
		StorageName string `json:"storageName"`
		StorageSize int    `json:"storageSize"`
	}
	if err := decodeBody(c.body, &in, false); err != nil {
		return nil, err
	}
	st, err := e.findStorageLocked(c.team, in.StorageID)
	if err != nil {
		return nil, err
	}
	if err := checkStorageName(in.StorageName); err != nil {
		return nil, err
	}
	if in.StorageSize < st.SizeGB {
		return nil, invalid("storageSize can only grow: it is %d GB, got %d", st.SizeGB, in.StorageSize)
	}
	if err := checkStorageSize(in.StorageSize); err != nil {
		return nil, err
	}
	st.Name, st.SizeGB, st.Price = in.StorageName, in.StorageSize, storagePrice(in.StorageSize)
	e.dirty = true
	return map[string]any{}, nil
}

// deleteStorage refuses while an endpoint that is not fully deleted still mounts the storage.
func (e *Emulator) deleteStorage(c *call) (any, *apiError) {
	var in struct {
		StorageID string `json:"storageId"`
	}
	if err := decodeBody(c.body, &in, false); err != nil {
		return nil, err
	}
	st, err := e.findStorageLocked(c.team, in.StorageID)
	if err != nil {
		return nil, err
	}
	for _, rec := range e.endpoints {
		for _, vm := range rec.Volumes {
			if vm.Type == "network" && vm.ID == st.ID {
				return nil, badRequest("NETWORK_STORAGE_IN_USE", "network storage %q is mounted by endpoint %q (%s)", st.ID, rec.ID, rec.Status)
			}
		}
	}
	delete(e.storages, st.ID)
	e.dirty = true
	return map[string]any{}, nil
}
