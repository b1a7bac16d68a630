package gateway

import (
	"testing"
	"time"
)

// A worker whose image is prewarmed in its cluster cold-starts in a fifth of the time: the job
// waits 2 s instead of 10 s, and health shows the worker throttled only that long.
func TestPrewarmedImageColdStartsInAFifth(t *testing.T) {
	h := newHarness(t, Options{ColdStart: 10 * time.Second})
	cold := h.endpoint(Endpoint{ID: "cold", MaxWorkers: 1, Image: SleepWorkerImage})
	warm := h.endpoint(Endpoint{ID: "warm", MaxWorkers: 1, Image: SleepWorkerImage, ImagePrewarmed: true})
	coldJob := h.run(cold, map[string]any{"seconds": 1})
	warmJob := h.run(warm, map[string]any{"seconds": 1})
	h.wantHealth("cold submitted", cold, Health{Workers: workers(0, 0, 1), Jobs: JobCounts{InQueue: 1}})
	h.wantHealth("warm submitted", warm, Health{Workers: workers(0, 0, 1), Jobs: JobCounts{InQueue: 1}})

	h.clock.Advance(2 * time.Second)
	h.wantHealth("warm started", warm, Health{Workers: workers(0, 1, 0), Jobs: JobCounts{InProgress: 1}})
	h.wantHealth("cold still starting", cold, Health{Workers: workers(0, 0, 1), Jobs: JobCounts{InQueue: 1}})

	h.clock.Advance(10 * time.Second)
	if st := h.wantStatus(warm, warmJob, StatusCompleted); *st.DelayTime != 2000 {
		t.Errorf("prewarmed delayTime = %d ms, want 2000", *st.DelayTime)
	}
	if st := h.wantStatus(cold, coldJob, StatusCompleted); *st.DelayTime != 10000 {
		t.Errorf("cold delayTime = %d ms, want 10000", *st.DelayTime)
	}
}

// The prewarm applies from the moment the gateway learns of it: a worker started before keeps
// its full cold start, the next one starts fast (and takes the oldest job, FIFO).
func TestPrewarmAppliesToWorkersStartedAfterIt(t *testing.T) {
	h := newHarness(t, Options{ColdStart: 10 * time.Second})
	name := h.endpoint(Endpoint{MaxWorkers: 2, Image: SleepWorkerImage})
	first := h.run(name, map[string]any{"seconds": 60})
	h.update(name, func(ep *Endpoint) { ep.ImagePrewarmed = true })
	second := h.run(name, map[string]any{"seconds": 60})
	h.clock.Advance(2 * time.Second)
	h.wantHealth("fast worker ready", name, Health{Workers: workers(0, 1, 1), Jobs: JobCounts{InProgress: 1, InQueue: 1}})
	h.wantStatus(name, first, StatusInProgress)
	h.wantStatus(name, second, StatusPending)
}
