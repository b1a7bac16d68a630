package emulator

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// Endpoint is a serverless endpoint as the emulator stores it; field names follow GPU API v2.
type Endpoint struct {
	ID, Team, MemberID                         string
	Type, Name, AppName                        string
	ProductID, RegionID                        string
	Image, RegistryAuthID, Entrypoint, Command string
	WorkerConfig                               WorkerConfig
	Policy                                     Policy
	Port                                       int // ports[0]: one port, as v1 required
	HealthCheck                                HealthCheck
	Volumes                                    []Volume
	Envs                                       []Env
	Status, StatusError, StatusMessage         string // status{status, error, message}
	CreatedAt, UpdatedAt                       time.Time
}

// WorkerConfig is an endpoint's worker_config.
type WorkerConfig struct {
	MinReplicas, MaxReplicas, IdleTimeout, MaxConcurrentPerWorker int
	GPUNum, RootfsSizeGB, RequestTimeout                          int
	MinCUDAVersion                                                string
}

// Policy is an endpoint's scaling policy: Type "queue" (Value: seconds of queue wait) or
// "concurrency" (Value: queued requests per worker).
type Policy struct {
	Type  string
	Value int
}

// Volume is a local volume (SizeGB of local disk) or a network volume (ID of a cloud storage,
// SizeGB that storage's size).
type Volume struct {
	ID, Type   string
	SizeGB     int
	MountPoint string
}

// Env is one environment variable.
type Env struct{ Key, Value string }

// HealthCheck is the HTTP path and port a worker's health is probed on.
type HealthCheck struct {
	Path string
	Port int
}

// Endpoint statuses (status.status) and worker statuses; the package doc has the table.
const (
	StatusCreating = "creating"
	StatusUpdating = "updating"
	StatusDeleting = "deleting"
	StatusRunning  = "running"
	StatusFailed   = "failed"

	WorkerStarting = "starting"
	WorkerReady    = "ready"
)

// pending is the lifecycle transition an endpoint is in; it settles lazily against the clock.
type pending string

const (
	pendingNone   pending = ""
	pendingCreate pending = "create"
	pendingUpdate pending = "update"
	pendingDelete pending = "delete"
)

// status is the endpoint status shown while p is under way.
func (p pending) status() string {
	switch p {
	case pendingCreate:
		return StatusCreating
	case pendingUpdate:
		return StatusUpdating
	case pendingDelete:
		return StatusDeleting
	}
	return ""
}

// delay is how long p takes.
func (p pending) delay(o Options) time.Duration {
	switch p {
	case pendingCreate:
		return o.CreateDelay
	case pendingUpdate:
		return o.UpdateDelay
	}
	return o.DeleteDelay
}

// endpointRecord is a stored endpoint plus its pending transition (no goroutines: it settles when
// the store is next used after its delay).
type endpointRecord struct {
	Endpoint
	Pending      pending
	PendingSince time.Time // when the pending transition started
	Seq          int64     // creation order
}

func (rec *endpointRecord) copy() Endpoint {
	ep := rec.Endpoint
	ep.Volumes = slices.Clone(ep.Volumes)
	ep.Envs = slices.Clone(ep.Envs)
	return ep
}

// jobName is the endpoint's name on the job gateway; the bare id is accepted too.
func (ep *Endpoint) jobName() string { return ep.ID + "-" + ep.AppName }

// addEndpointLocked stores a new endpoint with the next sequence number.
func (e *Emulator) addEndpointLocked(rec *endpointRecord) {
	e.seq++
	rec.Seq = e.seq
	e.endpoints[rec.ID] = rec
	e.order = append(e.order, rec)
	e.dirty = true
}

// dropEndpointLocked removes an endpoint from the store and tells the gateway later.
func (e *Emulator) dropEndpointLocked(rec *endpointRecord) {
	delete(e.endpoints, rec.ID)
	delete(e.pending, rec.ID)
	for i := e.orderIndex(rec.Seq); i < len(e.order) && e.order[i].Seq == rec.Seq; i++ {
		if e.order[i] == rec { // a hand-edited state file may repeat a Seq
			e.order = slices.Delete(e.order, i, i+1)
			break
		}
	}
	e.forget = append(e.forget, rec.ID)
	e.dirty = true
}

// orderIndex finds the first position in e.order whose Seq is at least seq.
func (e *Emulator) orderIndex(seq int64) int {
	return sort.Search(len(e.order), func(i int) bool { return e.order[i].Seq >= seq })
}

// startTransition marks rec as being created, updated or deleted from now on.
func (e *Emulator) startTransition(rec *endpointRecord, p pending) {
	rec.Pending = p
	rec.PendingSince = e.now()
	rec.Status, rec.StatusError, rec.StatusMessage = p.status(), "", ""
	e.pending[rec.ID] = rec
	e.dirty = true
}

// settleLocked completes every transition whose delay has passed. It looks only at endpoints in
// transition, so a request does not cost O(endpoints).
func (e *Emulator) settleLocked() {
	now := e.now()
	for _, rec := range e.pending {
		e.settleRecordLocked(rec, now)
	}
}

// settleRecordLocked completes rec's transition if its delay has passed: a delete removes it, a
// create or update leaves it running, or failed when its image cannot be pulled.
func (e *Emulator) settleRecordLocked(rec *endpointRecord, now time.Time) {
	if rec.Pending == pendingNone || now.Before(rec.PendingSince.Add(rec.Pending.delay(e.opts))) {
		return
	}
	if rec.Pending == pendingDelete {
		e.dropEndpointLocked(rec)
		e.noteClusterEmptied(rec)
		return
	}
	rec.Pending = pendingNone
	delete(e.pending, rec.ID)
	e.dirty = true
	if strings.Contains(rec.Image, "unpullable") {
		rec.Status, rec.StatusError = StatusFailed, "IMAGE_PULL_FAILED"
		rec.StatusMessage = fmt.Sprintf("failed to pull image %q: manifest unknown", rec.Image)
		return
	}
	rec.Status, rec.StatusError, rec.StatusMessage = StatusRunning, "", ""
}

// findEndpointLocked returns the team's endpoint; other teams' endpoints do not exist for it.
func (e *Emulator) findEndpointLocked(team, id string) (*endpointRecord, *apiError) {
	rec, ok := e.endpoints[id]
	if !ok || rec.Team != team {
		return nil, notFound("SERVERLESS_ENDPOINT_NOT_FOUND", "serverless endpoint %q not found", id)
	}
	return rec, nil
}

// noteClusterEmptied starts the ClusterReactivation window when rec was its team's last endpoint
// in its cluster.
func (e *Emulator) noteClusterEmptied(rec *endpointRecord) {
	if e.opts.ClusterReactivation <= 0 {
		return
	}
	for _, other := range e.endpoints {
		if other.Team == rec.Team && other.RegionID == rec.RegionID {
			return
		}
	}
	goneAt := rec.PendingSince.Add(e.opts.DeleteDelay)
	e.inactive[rec.Team+"/"+rec.RegionID] = goneAt.Add(e.opts.ClusterReactivation)
}

// refuseInactiveCluster fails the first create in a cluster that was just emptied, once.
func (e *Emulator) refuseInactiveCluster(team, cluster string) *apiError {
	key := team + "/" + cluster
	until, ok := e.inactive[key]
	if !ok {
		return nil
	}
	delete(e.inactive, key)
	if !e.now().Before(until) {
		return nil
	}
	return badRequest("REQUEST", "cluster is not active, please retry later")
}
