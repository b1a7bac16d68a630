package gateway_test

import (
	"testing"
	"time"

	"github.com/novitalabs/terraform-provider-novita/internal/emulator/gateway"
)

// A worker whose image is prewarmed in its cluster cold-starts in a fifth of the time: the job
// waits 2 s instead of 10 s, and health shows the worker throttled only that long.
func TestPrewarmedImageColdStartsInAFifth(t *testing.T) {
	h := newHarness(t, gateway.Options{ColdStart: 10 * time.Second})
	cold := h.endpoint(gateway.Endpoint{ID: "cold", MaxWorkers: 1, Image: gateway.SleepWorkerImage})
	warm := h.endpoint(gateway.Endpoint{ID: "warm", MaxWorkers: 1, Image: gateway.SleepWorkerImage, ImagePrewarmed: true})
	coldJob := h.run(cold, map[string]any{"seconds": 1})
	warmJob := h.run(warm, map[string]any{"seconds": 1})
	h.wantHealth("cold submitted", cold, gateway.Health{Workers: workers(0, 0, 1), Jobs: gateway.JobCounts{InQueue: 1}})
	h.wantHealth("warm submitted", warm, gateway.Health{Workers: workers(0, 0, 1), Jobs: gateway.JobCounts{InQueue: 1}})

	h.clock.Advance(2 * time.Second)
	h.wantHealth("warm started", warm, gateway.Health{Workers: workers(0, 1, 0), Jobs: gateway.JobCounts{InProgress: 1}})
	h.wantHealth("cold still starting", cold, gateway.Health{Workers: workers(0, 0, 1), Jobs: gateway.JobCounts{InQueue: 1}})

	h.clock.Advance(10 * time.Second)
	if st := h.wantStatus(warm, warmJob, gateway.StatusCompleted); *st.DelayTime != 2000 {
		t.Errorf("prewarmed delayTime = %d ms, want 2000", *st.DelayTime)
	}
	if st := h.wantStatus(cold, coldJob, gateway.StatusCompleted); *st.DelayTime != 10000 {
		t.Errorf("cold delayTime = %d ms, want 10000", *st.DelayTime)
	}
}

// The prewarm applies from the moment the gateway learns of it: a worker started before keeps
// its full cold start, the next one starts fast (and takes the oldest job, FIFO).
func TestPrewarmAppliesToWorkersStartedAfterIt(t *testing.T) {
	h := newHarness(t, gateway.Options{ColdStart: 10 * time.Second})
	name := h.endpoint(gateway.Endpoint{MaxWorkers: 2, Image: gateway.SleepWorkerImage})
	first := h.run(name, map[string]any{"seconds": 60})
	h.update(name, func(ep *gateway.Endpoint) { ep.ImagePrewarmed = true })
	second := h.run(name, map[string]any{"seconds": 60})
	h.clock.Advance(2 * time.Second)
	h.wantHealth("fast worker ready", name, gateway.Health{Workers: workers(0, 1, 1), Jobs: gateway.JobCounts{InProgress: 1, InQueue: 1}})
	h.wantStatus(name, first, gateway.StatusInProgress)
	h.wantStatus(name, second, gateway.StatusPending)
}
