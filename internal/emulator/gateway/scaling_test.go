package gateway_test

import (
	"testing"
	"time"

	"github.com/novitalabs/terraform-provider-novita/internal/emulator/gateway"
)

// A burst of 6 five-second jobs on an endpoint that scales from zero to three workers, one
// request per worker: three workers cold-start together, run two waves, then go idle and are
// released after the free timeout.
func TestConcurrencyPolicyBurstScalesUpAndBackToZero(t *testing.T) {
	h := newHarness(t, gateway.Options{ColdStart: 10 * time.Second})
	name := h.endpoint(gateway.Endpoint{
		MinWorkers: 0, MaxWorkers: 3, MaxConcurrent: 1, FreeTimeoutSec: 30,
		PolicyType: "concurrency", PolicyValue: 1, Image: gateway.SleepWorkerImage,
	})
	h.wantHealth("idle endpoint", name, gateway.Health{})

	var ids []string
	for range 6 {
		ids = append(ids, h.run(name, map[string]any{"seconds": 5}))
	}
	h.wantHealth("burst submitted", name, gateway.Health{Workers: workers(0, 0, 3), Jobs: gateway.JobCounts{InQueue: 6}})

	h.clock.Advance(10*time.Second - time.Millisecond)
	h.wantHealth("still cold", name, gateway.Health{Workers: workers(0, 0, 3), Jobs: gateway.JobCounts{InQueue: 6}})

	h.clock.Advance(time.Millisecond)
	h.wantHealth("first wave", name, gateway.Health{Workers: workers(0, 3, 0), Jobs: gateway.JobCounts{InProgress: 3, InQueue: 3}})
	for i, id := range ids {
		want := gateway.StatusInProgress
		if i >= 3 {
			want = gateway.StatusPending
		}
		h.wantStatus(name, id, want)
	}

	h.clock.Advance(5 * time.Second)
	h.wantHealth("second wave", name, gateway.Health{Workers: workers(0, 3, 0), Jobs: gateway.JobCounts{Completed: 3, InProgress: 3}})

	h.clock.Advance(5 * time.Second)
	h.wantHealth("all done", name, gateway.Health{Workers: workers(3, 0, 0), Jobs: gateway.JobCounts{Completed: 6}})
	for i, id := range ids {
		st := h.wantStatus(name, id, gateway.StatusCompleted)
		wantDelay := int64(10000)
		if i >= 3 {
			wantDelay = 15000
		}
		if *st.DelayTime != wantDelay || *st.ExecutionTime != 5000 {
			t.Errorf("job %d: delayTime %d executionTime %d, want %d and 5000", i, *st.DelayTime, *st.ExecutionTime, wantDelay)
		}
	}

	h.clock.Advance(30*time.Second - time.Millisecond)
	h.wantHealth("idle, before free timeout", name, gateway.Health{Workers: workers(3, 0, 0), Jobs: gateway.JobCounts{Completed: 6}})
	h.clock.Advance(time.Millisecond)
	h.wantHealth("released", name, gateway.Health{Jobs: gateway.JobCounts{Completed: 6}})
}

// The simulation is lazy: polling often or jumping straight to the end gives the same result.
func TestSimulationIsIndependentOfPolling(t *testing.T) {
	scenario := func(poll time.Duration) ([]gateway.Job, gateway.Health) {
		h := newHarness(t, gateway.Options{ColdStart: 7 * time.Second})
		name := h.endpoint(gateway.Endpoint{MaxWorkers: 3, MaxConcurrent: 2, PolicyValue: 2, FreeTimeoutSec: 20, Image: gateway.SleepWorkerImage, RequestTimeoutSec: 8})
		var ids []string
		for i := range 9 {
			ids = append(ids, h.run(name, map[string]any{"seconds": 1 + i}))
			h.clock.Advance(1500 * time.Millisecond)
		}
		for end := h.clock.Now().Add(2 * time.Minute); h.clock.Now().Before(end); h.clock.Advance(poll) {
			h.gw.Advance()
		}
		var jobs []gateway.Job
		for _, id := range ids {
			j, _ := h.gw.Job(id)
			j.ID, j.WorkerID, j.Input = "", "", nil
			jobs = append(jobs, j)
		}
		hl, _ := h.gw.Health(name)
		return jobs, hl
	}
	polledJobs, polledHealth := scenario(100 * time.Millisecond)
	jumpJobs, jumpHealth := scenario(2 * time.Minute)
	if polledHealth != jumpHealth {
		t.Errorf("health polled %+v, jumped %+v", polledHealth, jumpHealth)
	}
	timedOut := 0
	for i := range polledJobs {
		p, j := polledJobs[i], jumpJobs[i]
		if p.Status != j.Status || p.DelayTime != j.DelayTime || p.ExecutionTime != j.ExecutionTime || p.Error != j.Error || string(p.Output) != string(j.Output) {
			t.Errorf("job %d polled %+v, jumped %+v", i, p, j)
		}
		if p.Status == gateway.StatusTimedOut {
			timedOut++
		}
	}
	if timedOut != 1 || polledHealth.Jobs.Failed != 1 || polledHealth.Jobs.Completed != 8 {
		t.Errorf("want 8 completed and the 9 s job timed out: %+v", polledHealth)
	}
}

// Queue policy: a worker is added once the oldest queued job has waited PolicyValue seconds, and
// again each PolicyValue seconds while the queue outgrows the workers already starting.
func TestQueuePolicyScalesUpAfterWaitThreshold(t *testing.T) {
	h := newHarness(t, gateway.Options{ColdStart: 10 * time.Second})
	name := h.endpoint(gateway.Endpoint{
		MinWorkers: 1, MaxWorkers: 3, MaxConcurrent: 1,
		PolicyType: "queue", PolicyValue: 5, Image: gateway.SleepWorkerImage,
	})
	h.wantHealth("min worker warm", name, gateway.Health{Workers: workers(1, 0, 0)})
	var ids []string
	for range 3 {
		ids = append(ids, h.run(name, map[string]any{"seconds": 100}))
	}
	h.wantHealth("submitted", name, gateway.Health{Workers: workers(0, 1, 0), Jobs: gateway.JobCounts{InProgress: 1, InQueue: 2}})

	h.clock.Advance(5*time.Second - time.Millisecond)
	h.wantHealth("below threshold", name, gateway.Health{Workers: workers(0, 1, 0), Jobs: gateway.JobCounts{InProgress: 1, InQueue: 2}})
	h.clock.Advance(time.Millisecond)
	h.wantHealth("threshold reached", name, gateway.Health{Workers: workers(0, 1, 1), Jobs: gateway.JobCounts{InProgress: 1, InQueue: 2}})

	h.clock.Advance(5*time.Second - time.Millisecond)
	h.wantHealth("one scale-up per wait period", name, gateway.Health{Workers: workers(0, 1, 1), Jobs: gateway.JobCounts{InProgress: 1, InQueue: 2}})
	h.clock.Advance(time.Millisecond)
	h.wantHealth("second scale-up", name, gateway.Health{Workers: workers(0, 1, 2), Jobs: gateway.JobCounts{InProgress: 1, InQueue: 2}})

	h.clock.Advance(5 * time.Second) // first added worker ready at 15 s
	h.wantHealth("second worker ready", name, gateway.Health{Workers: workers(0, 2, 1), Jobs: gateway.JobCounts{InProgress: 2, InQueue: 1}})
	h.clock.Advance(5 * time.Second) // the third at 20 s; max reached
	h.wantHealth("at max", name, gateway.Health{Workers: workers(0, 3, 0), Jobs: gateway.JobCounts{InProgress: 3}})
	if st := h.status(name, ids[2]); *st.DelayTime != 20000 {
		t.Errorf("third job waited %d ms, want 20000", *st.DelayTime)
	}
}

func TestQueuePolicyScalesFromZeroAtOnceAndCountsStartingWorkers(t *testing.T) {
	h := newHarness(t, gateway.Options{ColdStart: 10 * time.Second})
	name := h.endpoint(gateway.Endpoint{MaxWorkers: 3, PolicyType: "queue", PolicyValue: 2})
	id := h.run(name, 1)
	h.wantHealth("from zero", name, gateway.Health{Workers: workers(0, 0, 1), Jobs: gateway.JobCounts{InQueue: 1}})
	// The job has waited past the threshold, but the starting worker will take it: no more workers.
	h.clock.Advance(9 * time.Second)
	h.wantHealth("starting worker covers the queue", name, gateway.Health{Workers: workers(0, 0, 1), Jobs: gateway.JobCounts{InQueue: 1}})
	h.clock.Advance(time.Second)
	h.wantStatus(name, id, gateway.StatusInProgress)
}

func TestMaxConcurrentPerWorkerIsRespected(t *testing.T) {
	h := newHarness(t, gateway.Options{ColdStart: -1})
	name := h.endpoint(gateway.Endpoint{MaxWorkers: 2, MaxConcurrent: 2, PolicyValue: 2, Image: gateway.SleepWorkerImage})
	var ids []string
	for range 5 {
		ids = append(ids, h.run(name, map[string]any{"seconds": 10}))
	}
	h.wantHealth("loaded", name, gateway.Health{Workers: workers(0, 2, 0), Jobs: gateway.JobCounts{InProgress: 4, InQueue: 1}})
	ws, _ := h.gw.Workers(name)
	for _, w := range ws {
		if w.Jobs != 2 {
			t.Errorf("worker %s runs %d jobs, want 2", w.ID, w.Jobs)
		}
	}
	h.clock.Advance(10 * time.Second)
	h.wantStatus(name, ids[4], gateway.StatusInProgress)
	h.wantHealth("last job", name, gateway.Health{Workers: workers(1, 1, 0), Jobs: gateway.JobCounts{Completed: 4, InProgress: 1}})
}

func TestMinWorkersStayWarmAndConfigChangesApply(t *testing.T) {
	h := newHarness(t, gateway.Options{ColdStart: 10 * time.Second})
	name := h.endpoint(gateway.Endpoint{MinWorkers: 2, MaxWorkers: 4, FreeTimeoutSec: 5, Image: gateway.SleepWorkerImage})
	h.wantHealth("first sight", name, gateway.Health{Workers: workers(2, 0, 0)})
	h.clock.Advance(time.Hour)
	h.wantHealth("an hour idle", name, gateway.Health{Workers: workers(2, 0, 0)})

	h.update(name, func(ep *gateway.Endpoint) { ep.MinWorkers = 3 })
	h.wantHealth("min raised", name, gateway.Health{Workers: workers(2, 0, 1)})
	h.clock.Advance(10 * time.Second)
	h.wantHealth("new worker warm", name, gateway.Health{Workers: workers(3, 0, 0)})

	// Lowering max below the pool releases idle workers at once but lets busy ones finish.
	h.run(name, map[string]any{"seconds": 20})
	h.run(name, map[string]any{"seconds": 20})
	h.update(name, func(ep *gateway.Endpoint) { ep.MinWorkers, ep.MaxWorkers = 0, 1 })
	h.wantHealth("max lowered", name, gateway.Health{Workers: workers(0, 2, 0), Jobs: gateway.JobCounts{InProgress: 2}})
	h.clock.Advance(20 * time.Second)
	h.wantHealth("busy workers done", name, gateway.Health{Workers: workers(1, 0, 0), Jobs: gateway.JobCounts{Completed: 2}})
	h.clock.Advance(5 * time.Second)
	h.wantHealth("min 0: idle worker released", name, gateway.Health{Jobs: gateway.JobCounts{Completed: 2}})
}

// With the concurrency policy the pool keeps what the current load wants: an idle worker is not
// released (to be cold-started again) while queued plus running jobs still call for it.
func TestConcurrencyPolicyKeepsWorkersTheLoadNeeds(t *testing.T) {
	h := newHarness(t, gateway.Options{ColdStart: -1})
	name := h.endpoint(gateway.Endpoint{MaxWorkers: 2, MaxConcurrent: 2, PolicyValue: 1, FreeTimeoutSec: 1, Image: gateway.SleepWorkerImage})
	h.run(name, map[string]any{"seconds": 60})
	h.run(name, map[string]any{"seconds": 60})
	// Both jobs fit on the first worker (MaxConcurrent 2); the policy still wants a second one.
	h.wantHealth("two jobs", name, gateway.Health{Workers: workers(1, 1, 0), Jobs: gateway.JobCounts{InProgress: 2}})
	before, _ := h.gw.Workers(name)
	h.clock.Advance(30 * time.Second)
	h.wantHealth("load unchanged", name, gateway.Health{Workers: workers(1, 1, 0), Jobs: gateway.JobCounts{InProgress: 2}})
	// Same workers, not released and started again (cold start is instant here, so only the
	// worker ids can tell).
	if after, _ := h.gw.Workers(name); len(after) != 2 || after[0].ID != before[0].ID || after[1].ID != before[1].ID {
		t.Errorf("workers changed from %+v to %+v", before, after)
	}
	// At 60 s the jobs end: the long-idle worker goes at once, the other after its free timeout.
	h.clock.Advance(30 * time.Second)
	h.wantHealth("load gone", name, gateway.Health{Workers: workers(1, 0, 0), Jobs: gateway.JobCounts{Completed: 2}})
	h.clock.Advance(time.Second)
	h.wantHealth("both released", name, gateway.Health{Jobs: gateway.JobCounts{Completed: 2}})
}

// A configuration change applies from the moment the gateway learns it, not from the endpoint's
// last processed instant: a worker added after an hour of quiet still pays its cold start.
func TestConfigChangeAppliesWhenLearned(t *testing.T) {
	h := newHarness(t, gateway.Options{ColdStart: 10 * time.Second})
	name := h.endpoint(gateway.Endpoint{MaxWorkers: 2})
	h.wantHealth("first sight", name, gateway.Health{})
	h.clock.Advance(time.Hour)
	h.update(name, func(ep *gateway.Endpoint) { ep.MinWorkers = 1 })
	h.wantHealth("min raised after an hour", name, gateway.Health{Workers: workers(0, 0, 1)})
	h.clock.Advance(10 * time.Second)
	h.wantHealth("cold start over", name, gateway.Health{Workers: workers(1, 0, 0)})
}

// Each call replays only the endpoint it concerns; an endpoint left alone while others are busy
// ends up exactly where one followed step by step does.
func TestEndpointReplayedLateMatchesOneFollowedClosely(t *testing.T) {
	type outcome struct {
		health gateway.Health
		jobs   []statusBody
	}
	play := func(followTarget bool) outcome {
		h := newHarness(t, gateway.Options{ColdStart: 10 * time.Second})
		target := h.endpoint(gateway.Endpoint{MaxWorkers: 3, FreeTimeoutSec: 15, PolicyType: "queue", PolicyValue: 5, Image: gateway.SleepWorkerImage})
		other := h.endpoint(gateway.Endpoint{MinWorkers: 1})
		var ids []string
		for i := range 6 {
			ids = append(ids, h.run(target, map[string]any{"seconds": 20 + i}))
		}
		for range 120 {
			h.clock.Advance(time.Second)
			if followTarget {
				h.health(target)
			} else {
				h.health(other)
			}
		}
		out := outcome{health: h.health(target)}
		for _, id := range ids {
			st := h.status(target, id)
			st.ID = "" // ids are random
			out.jobs = append(out.jobs, st)
		}
		return out
	}
	closely, late := play(true), play(false)
	if closely.health != late.health {
		t.Errorf("health followed closely %+v, replayed late %+v", closely.health, late.health)
	}
	for i := range closely.jobs {
		c, l := closely.jobs[i], late.jobs[i]
		if c.Status != gateway.StatusCompleted || c.Status != l.Status || *c.DelayTime != *l.DelayTime || *c.ExecutionTime != *l.ExecutionTime || string(c.Output) != string(l.Output) {
			t.Errorf("job %d: followed closely %+v, replayed late %+v", i, c, l)
		}
	}
}
