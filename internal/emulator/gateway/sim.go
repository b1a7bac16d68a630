package gateway

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// job is the gateway's record of one job. All times are clock times (Options.Now).
type job struct {
	id          string
	endpointID  string
	status      string
	input       json.RawMessage
	output      json.RawMessage
	errMsg      string
	submittedAt time.Time
	startedAt   time.Time
	finishedAt  time.Time
	worker      *worker

	// Decided when the job starts: when it ends and how.
	endAt     time.Time
	endStatus string
	endOutput json.RawMessage
	endError  string
}

func (j *job) terminal() bool {
	switch j.status {
	case StatusCompleted, StatusFailed, StatusCancelled, StatusTimedOut:
		return true
	}
	return false
}

func (j *job) snapshot(speed float64) Job {
	out := Job{
		ID:          j.id,
		EndpointID:  j.endpointID,
		Status:      j.status,
		Input:       bytes.Clone(j.input),
		Output:      bytes.Clone(j.output),
		Error:       j.errMsg,
		SubmittedAt: j.submittedAt,
		StartedAt:   j.startedAt,
		FinishedAt:  j.finishedAt,
	}
	if j.worker != nil {
		out.WorkerID = j.worker.id
	}
	if !j.startedAt.IsZero() {
		out.DelayTime = simulated(j.startedAt.Sub(j.submittedAt), speed)
		if !j.finishedAt.IsZero() {
			out.ExecutionTime = simulated(j.finishedAt.Sub(j.startedAt), speed)
		}
	}
	return out
}

// worker is one simulated worker of an endpoint.
type worker struct {
	id        string
	readyAt   time.Time // end of cold start
	ready     bool
	jobs      []*job    // running now, at most MaxConcurrent
	idleSince time.Time // meaningful when ready and without jobs
}

func (w *worker) idle() bool { return w.ready && len(w.jobs) == 0 }

// endpointState is the queue and worker pool of one endpoint.
type endpointState struct {
	name        string
	ep          Endpoint  // the latest configuration the Directory gave
	t           time.Time // the simulation has been processed up to here
	workers     []*worker // in creation order
	queue       []*job    // PENDING jobs, oldest first
	lastScaleUp time.Time // last queue-policy scale-up
	nextWorker  int
	completed   int
	failed      int
}

// state returns the endpoint's state brought up to now, creating it (with MinWorkers already
// warm) on first sight. ep is the configuration the Directory gives at this moment. Only this
// endpoint is replayed: endpoints are independent, so a request costs the same however many
// endpoints the gateway knows.
func (g *Gateway) state(name string, ep Endpoint) *endpointState {
	now := g.opts.Now()
	s, ok := g.endpoints[ep.ID]
	if !ok {
		s = &endpointState{name: name, ep: ep, t: now}
		// The endpoint has been serving for an unknown time before its first job request, so its
		// minimum workers are taken to be warm already; later scale-ups pay the cold start.
		lo, _ := s.bounds()
		for range lo {
			w := s.addWorker(now, 0)
			w.ready, w.idleSince = true, now
		}
		g.endpoints[ep.ID] = s
	}
	g.catchUp(s, ep, now)
	g.expireResults(now)
	return s
}

// catchUp replays the endpoint's events up to now under the configuration it had, then applies
// ep: a configuration change takes effect when the gateway learns of it.
func (g *Gateway) catchUp(s *endpointState, ep Endpoint, now time.Time) {
	g.run(s, now)
	s.ep = ep
	g.run(s, now)
}

// refresh catches the endpoint up under the configuration the Directory gives now, or under the
// last one known when the Directory no longer has it (deleted, not yet forgotten).
func (g *Gateway) refresh(s *endpointState, now time.Time) {
	ep, ok := g.dir.LookupJobEndpoint(s.name)
	if !ok || ep.ID != s.ep.ID {
		ep = s.ep
	}
	g.catchUp(s, ep, now)
}

// expireResults drops jobs that finished ResultRetention ago or earlier. It looks at the jobs only
// once the earliest expiry has come, so that requests do not cost O(jobs kept).
func (g *Gateway) expireResults(now time.Time) {
	if g.nextExpiry.IsZero() || now.Before(g.nextExpiry) {
		return
	}
	g.nextExpiry = time.Time{}
	for id, j := range g.jobs {
		if !j.terminal() {
			continue
		}
		if !now.Before(j.finishedAt.Add(ResultRetention)) {
			delete(g.jobs, id)
			continue
		}
		g.noteFinished(j)
	}
}

// noteFinished records when a job that just ended (or survived a sweep) expires.
func (g *Gateway) noteFinished(j *job) {
	if at := j.finishedAt.Add(ResultRetention); g.nextExpiry.IsZero() || at.Before(g.nextExpiry) {
		g.nextExpiry = at
	}
}

// run processes the endpoint's events in time order up to now.
func (g *Gateway) run(s *endpointState, now time.Time) {
	if now.Before(s.t) {
		return // the clock went back: nothing to do until it catches up
	}
	for {
		g.settle(s, s.t)
		next, ok := g.nextEvent(s)
		if !ok || next.After(now) {
			break
		}
		s.t = next
	}
	s.t = now
}

// settle applies everything due at t until nothing changes: jobs end, cold starts finish, queued
// jobs start, the policy adds workers, idle workers go.
func (g *Gateway) settle(s *endpointState, t time.Time) {
	for g.finishJobs(s, t) || s.readyWorkers(t) || g.dispatch(s, t) || g.scaleUp(s, t) || g.release(s, t) {
	}
}

// nextEvent is the earliest instant after s.t at which something can change.
func (g *Gateway) nextEvent(s *endpointState) (time.Time, bool) {
	var next time.Time
	consider := func(at time.Time) {
		if at.After(s.t) && (next.IsZero() || at.Before(next)) {
			next = at
		}
	}
	free := g.real(time.Duration(max0(s.ep.FreeTimeoutSec)) * time.Second)
	for _, w := range s.workers {
		if !w.ready {
			consider(w.readyAt)
		}
		for _, j := range w.jobs {
			consider(j.endAt)
		}
		if w.idle() {
			consider(w.idleSince.Add(free))
		}
	}
	if _, hi := s.bounds(); s.queuePolicy() && len(s.queue) > 0 && len(s.workers) < hi {
		wait := g.queueWait(s)
		at := s.queue[0].submittedAt.Add(wait)
		if !s.lastScaleUp.IsZero() && s.lastScaleUp.Add(wait).After(at) {
			at = s.lastScaleUp.Add(wait)
		}
		consider(at)
	}
	return next, !next.IsZero()
}

func (g *Gateway) finishJobs(s *endpointState, t time.Time) bool {
	changed := false
	for _, w := range s.workers {
		before := len(w.jobs)
		kept := w.jobs[:0]
		for _, j := range w.jobs {
			if j.endAt.After(t) {
				kept = append(kept, j)
				continue
			}
			j.status, j.output, j.errMsg, j.finishedAt = j.endStatus, j.endOutput, j.endError, j.endAt
			g.noteFinished(j)
			if j.status == StatusCompleted {
				s.completed++
			} else {
				s.failed++
			}
		}
		w.jobs = kept
		if len(kept) < before {
			changed = true
			if len(kept) == 0 {
				w.idleSince = t
			}
		}
	}
	return changed
}

func (s *endpointState) readyWorkers(t time.Time) bool {
	changed := false
	for _, w := range s.workers {
		if !w.ready && !w.readyAt.After(t) {
			w.ready, w.idleSince = true, t
			changed = true
		}
	}
	return changed
}

// dispatch starts queued jobs, oldest first, on the least busy started worker with room.
func (g *Gateway) dispatch(s *endpointState, t time.Time) bool {
	changed := false
	limit := max(s.ep.MaxConcurrent, 1)
	for len(s.queue) > 0 {
		var best *worker
		for _, w := range s.workers {
			if w.ready && len(w.jobs) < limit && (best == nil || len(w.jobs) < len(best.jobs)) {
				best = w
			}
		}
		if best == nil {
			break
		}
		j := s.queue[0]
		s.queue = s.queue[1:]
		g.start(s, j, best, t)
		changed = true
	}
	return changed
}

// start runs the job's handler now, deciding when and how it ends.
func (g *Gateway) start(s *endpointState, j *job, w *worker, t time.Time) {
	j.status, j.startedAt, j.worker = StatusInProgress, t, w
	w.jobs = append(w.jobs, j)
	res := runHandler(s.ep, j.id, j.input)
	j.endAt = t.Add(g.real(res.runTime))
	j.endStatus, j.endOutput, j.endError = StatusCompleted, res.output, ""
	if res.err != "" {
		j.endStatus, j.endOutput, j.endError = StatusFailed, nil, res.err
	}
	if s.ep.RequestTimeoutSec > 0 {
		deadline := t.Add(g.real(time.Duration(s.ep.RequestTimeoutSec) * time.Second))
		if j.endAt.After(deadline) {
			j.endAt, j.endStatus, j.endOutput = deadline, StatusTimedOut, nil
			j.endError = fmt.Sprintf("job exceeded the endpoint's request timeout of %ds", s.ep.RequestTimeoutSec)
		}
	}
}

// coldStart is how long a new worker of s takes to start: a fifth of Options.ColdStart when its
// image is prewarmed in its cluster (loaded from the cluster's cache instead of pulled).
func (g *Gateway) coldStart(s *endpointState) time.Duration {
	if s.ep.ImagePrewarmed {
		return g.real(g.opts.ColdStart / PrewarmedColdStartDivisor)
	}
	return g.real(g.opts.ColdStart)
}

// scaleUp adds at most one worker per call, so settle re-evaluates after each.
func (g *Gateway) scaleUp(s *endpointState, t time.Time) bool {
	lo, hi := s.bounds()
	total := len(s.workers)
	switch {
	case total < lo:
		s.addWorker(t, g.coldStart(s))
		return true
	case total >= hi:
		return false
	case !s.queuePolicy():
		if total < s.desired() {
			s.addWorker(t, g.coldStart(s))
			return true
		}
		return false
	}
	// Queue policy: scale from zero at once, then add one worker each time the oldest queued job
	// has waited PolicyValue seconds (and at most one per PolicyValue seconds), unless the
	// workers already starting can take the whole queue.
	if len(s.queue) == 0 {
		return false
	}
	if total > 0 {
		wait := g.queueWait(s)
		if t.Sub(s.queue[0].submittedAt) < wait {
			return false
		}
		if !s.lastScaleUp.IsZero() && t.Sub(s.lastScaleUp) < wait {
			return false
		}
		if len(s.queue) <= s.startingCapacity() {
			return false
		}
	}
	s.addWorker(t, g.coldStart(s))
	s.lastScaleUp = t
	return true
}

// release removes one worker that is no longer needed: above MaxWorkers (cold ones first, then
// idle ones), or idle for FreeTimeoutSec while the pool is above what min and the policy want.
func (g *Gateway) release(s *endpointState, t time.Time) bool {
	_, hi := s.bounds()
	if len(s.workers) > hi {
		for _, w := range s.workers {
			if !w.ready {
				s.removeWorker(w)
				return true
			}
		}
		if w := s.longestIdle(); w != nil {
			s.removeWorker(w)
			return true
		}
		return false
	}
	keep := s.desired()
	if len(s.workers) <= keep {
		return false
	}
	free := g.real(time.Duration(max0(s.ep.FreeTimeoutSec)) * time.Second)
	if w := s.longestIdle(); w != nil && !w.idleSince.Add(free).After(t) {
		s.removeWorker(w)
		return true
	}
	return false
}

func max0(v int) int { return max(v, 0) }

func (s *endpointState) longestIdle() *worker {
	var best *worker
	for _, w := range s.workers {
		if w.idle() && (best == nil || w.idleSince.Before(best.idleSince)) {
			best = w
		}
	}
	return best
}

func (s *endpointState) addWorker(t time.Time, coldStart time.Duration) *worker {
	s.nextWorker++
	w := &worker{id: fmt.Sprintf("%s-w%d", s.ep.ID, s.nextWorker), readyAt: t.Add(coldStart)}
	s.workers = append(s.workers, w)
	return w
}

func (s *endpointState) removeWorker(w *worker) {
	for i, x := range s.workers {
		if x == w {
			s.workers = append(s.workers[:i], s.workers[i+1:]...)
			return
		}
	}
}

// bounds are the endpoint's worker limits, made sane (max never below min).
func (s *endpointState) bounds() (lo, hi int) {
	lo = max0(s.ep.MinWorkers)
	return lo, max(s.ep.MaxWorkers, lo)
}

func (s *endpointState) queuePolicy() bool { return s.ep.PolicyType == "queue" }

// desired is how many workers the endpoint wants now: for the concurrency policy
// ceil((queued + running) / PolicyValue), for the queue policy just MinWorkers; within bounds.
func (s *endpointState) desired() int {
	lo, hi := s.bounds()
	want := lo
	if !s.queuePolicy() {
		per := max(s.ep.PolicyValue, 1)
		load := len(s.queue) + s.running()
		want = (load + per - 1) / per
	}
	return min(max(want, lo), hi)
}

func (s *endpointState) running() int {
	n := 0
	for _, w := range s.workers {
		n += len(w.jobs)
	}
	return n
}

// startingCapacity is how many jobs the workers still in cold start will take when ready.
func (s *endpointState) startingCapacity() int {
	n := 0
	for _, w := range s.workers {
		if !w.ready {
			n += max(s.ep.MaxConcurrent, 1)
		}
	}
	return n
}

func (g *Gateway) queueWait(s *endpointState) time.Duration {
	return g.real(time.Duration(max0(s.ep.PolicyValue)) * time.Second)
}

func (s *endpointState) health() Health {
	var h Health
	for _, w := range s.workers {
		switch {
		case !w.ready:
			h.Workers.Throttled++
		case len(w.jobs) > 0:
			h.Workers.Running++
		default:
			h.Workers.Idle++
		}
	}
	h.Workers.Total = len(s.workers)
	h.Jobs.Completed = s.completed
	h.Jobs.Failed = s.failed
	h.Jobs.InProgress = s.running()
	h.Jobs.InQueue = len(s.queue)
	return h
}

// submit queues a new job and lets the simulation take it from there.
func (g *Gateway) submit(s *endpointState, input json.RawMessage) *job {
	now := g.opts.Now()
	j := &job{id: uuid.NewString(), endpointID: s.ep.ID, status: StatusPending, input: input, submittedAt: now}
	if now.Before(s.t) {
		j.submittedAt = s.t
	}
	g.jobs[j.id] = j
	s.queue = append(s.queue, j)
	g.run(s, now)
	return j
}

// cancel ends a queued or running job as CANCELLED; a finished job keeps its status.
func (g *Gateway) cancel(s *endpointState, j *job) {
	now := s.t
	switch j.status {
	case StatusPending:
		for i, q := range s.queue {
			if q == j {
				s.queue = append(s.queue[:i], s.queue[i+1:]...)
				break
			}
		}
	case StatusInProgress:
		w := j.worker
		for i, x := range w.jobs {
			if x == j {
				w.jobs = append(w.jobs[:i], w.jobs[i+1:]...)
				break
			}
		}
		if len(w.jobs) == 0 {
			w.idleSince = now
		}
	default:
		return
	}
	j.status, j.finishedAt = StatusCancelled, now
	g.noteFinished(j)
	g.run(s, now)
}

// real converts a simulated duration to clock time.
func (g *Gateway) real(d time.Duration) time.Duration {
	return time.Duration(float64(d) / g.opts.Speed)
}

func simulated(d time.Duration, speed float64) time.Duration {
	return time.Duration(float64(d) * speed)
}
