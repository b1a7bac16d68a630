package emulator

import "github.com/novitalabs/terraform-provider-novita/internal/emulator/gateway"

// directory lets the job gateway look endpoints up in the store. The gateway calls it with its own
// lock held, so it must never call back into the gateway.
type directory struct{ e *Emulator }

var _ gateway.Directory = directory{}

// LookupJobEndpoint resolves a job name, "<endpoint id>-<app name>" or the bare endpoint id, to the
// endpoint, whatever its team and type (the gateway compares Team with the caller's and serves
// only async endpoints).
func (d directory) LookupJobEndpoint(name string) (gateway.Endpoint, bool) {
	e := d.e
	e.mu.Lock()
	defer e.mu.Unlock()
	// Only the endpoint asked for is settled: the gateway looks endpoints up on every job request,
	// which must not cost O(endpoints).
	rec := e.endpointByJobNameLocked(name)
	if rec == nil {
		return gateway.Endpoint{}, false
	}
	e.settleRecordLocked(rec, e.now())
	_ = e.saveIfDirtyLocked() // a failed save is retried on the next mutation
	if e.endpoints[rec.ID] != rec {
		return gateway.Endpoint{}, false // its delete has just completed
	}
	env := map[string]string{}
	for _, kv := range rec.Envs {
		env[kv.Key] = kv.Value
	}
	wc := rec.WorkerConfig
	return gateway.Endpoint{
		ID:                rec.ID,
		AppName:           rec.AppName,
		Team:              rec.Team,
		Type:              rec.Type,
		Serving:           rec.Status == StatusRunning,
		MinWorkers:        wc.MinReplicas,
		MaxWorkers:        wc.MaxReplicas,
		FreeTimeoutSec:    wc.IdleTimeout,
		MaxConcurrent:     wc.MaxConcurrentPerWorker,
		RequestTimeoutSec: wc.RequestTimeout,
		PolicyType:        rec.Policy.Type,
		PolicyValue:       rec.Policy.Value,
		Image:             rec.Image,
		Env:               env,
		ImagePrewarmed:    e.imagePrewarmedLocked(rec.Team, rec.RegionID, rec.ProductID, rec.Image, e.now()),
	}, true
}

// endpointByJobNameLocked finds the endpoint whose id is name, or whose job name is name by
// trying each "-" in it as the end of the id (ids are hex, but ids from a hand-edited state file
// need not be), so a lookup does not scan every endpoint.
func (e *Emulator) endpointByJobNameLocked(name string) *endpointRecord {
	if rec := e.endpoints[name]; rec != nil {
		return rec
	}
	for i := range len(name) {
		if name[i] != '-' {
			continue
		}
		if rec := e.endpoints[name[:i]]; rec != nil && rec.jobName() == name {
			return rec
		}
	}
	return nil
}
