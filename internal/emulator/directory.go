package emulator

import "github.com/novitalabs/terraform-provider-novita/internal/emulator/gateway"

// directory lets the job gateway look endpoints up in the store. The gateway calls it with its own
// lock held, so it must never call back into the gateway.
type directory struct{ e *Emulator }

var _ gateway.Directory = directory{}

// LookupJobEndpoint resolves "<endpoint id>-<app name>" to the endpoint, whatever its team (the
// gateway compares Team with the caller's).
func (d directory) LookupJobEndpoint(name string) (gateway.Endpoint, bool) {
	e := d.e
	e.mu.Lock()
	defer e.mu.Unlock()
	e.settleLocked()
	_ = e.saveIfDirtyLocked() // a failed save is retried on the next mutation
	for _, rec := range e.endpoints {
		if rec.jobName() != name {
			continue
		}
		env := map[string]string{}
		for _, kv := range rec.Envs {
			env[kv.Key] = kv.Value
		}
		return gateway.Endpoint{
			ID:                rec.ID,
			AppName:           rec.AppName,
			Team:              rec.Team,
			Type:              rec.Type,
			Serving:           rec.State == stateServing,
			MinWorkers:        rec.WorkerConfig.MinNum,
			MaxWorkers:        rec.WorkerConfig.MaxNum,
			FreeTimeoutSec:    rec.WorkerConfig.FreeTimeout,
			MaxConcurrent:     rec.WorkerConfig.MaxConcurrent,
			RequestTimeoutSec: rec.WorkerConfig.RequestTimeout,
			PolicyType:        rec.Policy.Type,
			PolicyValue:       rec.Policy.Value,
			Image:             rec.Image.Image,
			Env:               env,
		}, true
	}
	return gateway.Endpoint{}, false
}
