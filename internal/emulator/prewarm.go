package emulator

import (
	"fmt"
	"github.com/google/uuid"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Image prewarm: tasks that copy an image into a cluster's cache. A task is Pending for the first
// fifth of Options.PrewarmTime (queued; the image's manifest is fetched at its end), then Running
// until PrewarmTime has passed, then Succeeded; an image that cannot be pulled, or that is larger
// than the per-image quota, ends Failed with a reason when its pull would start. States are
// computed from the clock on every read, like endpoint lifecycles: nothing runs in the background.
//
// The effect: a new worker of an endpoint whose image has a Succeeded task in the endpoint's
// cluster (for the endpoint's product, or for every product) cold-starts in a fifth of the time
// (see gateway.Endpoint.ImagePrewarmed).

// PrewarmQuota is the per-account prewarm quota every team gets.
var PrewarmQuota = struct{ Limit, PerImageSizeGB int }{Limit: 10, PerImageSizeGB: 30}

// HugeImageSizeBytes is the size of any image whose reference contains "huge": above the
// per-image quota, so its task fails.
const HugeImageSizeBytes = 64_000_000_000

// Limits of the prewarm request fields: the URL length follows a transcription of Novita's page;
// the note's is decided.
const (
	maxPrewarmImageURL = 500
	maxPrewarmNote     = 255
)

// Prewarm task states.
const (
	prewarmPending   = "Pending"
	prewarmRunning   = "Running"
	prewarmSucceeded = "Succeeded"
	prewarmFailed    = "Failed"
)

// ImagePrewarm is an image prewarm task as the emulator stores it.
type ImagePrewarm struct {
	ID, Team, ImageURL, RepositoryAuth string
	ClusterID, ClusterName, Note       string
	ProductIDs                         []string // the products it caches for; all of the cluster's when created with none
	SizeBytes                          int64
	CreatedAt                          time.Time
	FailReason                         string // set when the task is bound to fail once its pull starts
}

type prewarmRecord struct {
	ImagePrewarm
	Seq int64
}

// prewarmStatus is a task's state as of now: when it failed or succeeded, and why it failed.
type prewarmStatus struct {
	State       string
	CompletedAt time.Time
	Reasons     []string
}

// status computes the task's state at now from its creation time and PrewarmTime.
func (e *Emulator) prewarmStatus(p *ImagePrewarm, now time.Time) prewarmStatus {
	total := e.opts.PrewarmTime
	pullStart := p.CreatedAt.Add(total / 5)
	switch {
	case now.Before(pullStart):
		return prewarmStatus{State: prewarmPending}
	case p.FailReason != "":
		return prewarmStatus{State: prewarmFailed, CompletedAt: pullStart, Reasons: []string{p.FailReason}}
	case now.Before(p.CreatedAt.Add(total)):
		return prewarmStatus{State: prewarmRunning}
	}
	return prewarmStatus{State: prewarmSucceeded, CompletedAt: p.CreatedAt.Add(total)}
}

// ImageSizeBytes is the size the emulator gives an image: HugeImageSizeBytes when the reference
// contains "huge", else 1-12 GB derived from the reference, so the same image always has the same size.
func ImageSizeBytes(ref string) int64 {
	if strings.Contains(ref, "huge") {
		return HugeImageSizeBytes
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(normalizeImage(ref)))
	return int64(1000+h.Sum32()%11000) * 1_000_000
}

// imageName is the task's image name: the reference's last segment without tag or digest.
func imageName(ref string) string {
	ref, _, _ = strings.Cut(ref, "@")
	name := ref[strings.LastIndex(ref, "/")+1:]
	name, _, _ = strings.Cut(name, ":")
	return name
}

// normalizeImage spells a Docker Hub reference one way, so that "redis", "library/redis:latest"
// and "docker.io/library/redis:latest" name the same cached image.
func normalizeImage(ref string) string {
	ref = strings.TrimSpace(ref)
	for _, prefix := range []string{"docker.io/", "index.docker.io/"} {
		ref = strings.TrimPrefix(ref, prefix)
	}
	ref = strings.TrimPrefix(ref, "library/")
	if !strings.Contains(ref, "@") && !strings.Contains(ref[strings.LastIndex(ref, "/")+1:], ":") {
		ref += ":latest"
	}
	return ref
}

// imagePrewarmedLocked reports whether team has a Succeeded task for image in cluster that
// covers product. Called for the gateway's directory with mu held.
func (e *Emulator) imagePrewarmedLocked(team, cluster, product, image string, now time.Time) bool {
	image = normalizeImage(image)
	for _, p := range e.prewarms {
		if p.Team == team && p.ClusterID == cluster && normalizeImage(p.ImageURL) == image &&
			slices.Contains(p.ProductIDs, product) && e.prewarmStatus(&p.ImagePrewarm, now).State == prewarmSucceeded {
			return true
		}
	}
	return false
}

func (e *Emulator) teamPrewarmCountLocked(team string) int {
	n := 0
	for _, p := range e.prewarms {
		if p.Team == team {
			n++
		}
	}
	return n
}

// createPrewarm starts a task; the quota counts every task of the team, whatever its state.
func (e *Emulator) createPrewarm(c *call) (any, *apiError) {
	var in struct {
		ImageURL       string   `json:"imageUrl"`
		RepositoryAuth string   `json:"repositoryAuth"`
		ClusterID      string   `json:"clusterId"`
		ProductIDs     []string `json:"productIds"`
		Note           string   `json:"note"`
	}
	if err := decodeBody(c.body, &in, true); err != nil {
		return nil, err
	}
	if n := utf8.RuneCountInString(in.ImageURL); n == 0 || n > maxPrewarmImageURL {
		return nil, invalid("imageUrl must be 1-%d characters, got %d", maxPrewarmImageURL, n)
	}
	if n := utf8.RuneCountInString(in.Note); n > maxPrewarmNote {
		return nil, invalid("note must be at most %d characters, got %d", maxPrewarmNote, n)
	}
	if in.ClusterID == "" {
		return nil, invalid("clusterId is required")
	}
	cluster, ok := findCluster(in.ClusterID)
	if !ok {
		return nil, invalid("clusterId %q is not a known cluster", in.ClusterID)
	}
	products, err := prewarmProducts(cluster, in.ProductIDs)
	if err != nil {
		return nil, err
	}
	if in.RepositoryAuth != "" {
		if cred := e.credentials[in.RepositoryAuth]; cred == nil || cred.Team != c.team {
			return nil, badRequest("RESOURCE_NOT_FOUND", "repositoryAuth %q: registry credential not found", in.RepositoryAuth)
		}
	}
	if n := e.teamPrewarmCountLocked(c.team); n >= PrewarmQuota.Limit {
		return nil, badRequest("OPERATION_LIMIT", "image prewarm quota reached: %d of %d tasks exist; delete a task first", n, PrewarmQuota.Limit)
	}
	task := ImagePrewarm{
		ID: uuid.NewString(), Team: c.team,
		ImageURL: in.ImageURL, RepositoryAuth: in.RepositoryAuth, ClusterID: cluster.ID, ClusterName: cluster.Name,
		Note: in.Note, ProductIDs: products, SizeBytes: ImageSizeBytes(in.ImageURL),
		CreatedAt: e.now().UTC().Truncate(time.Second),
	}
	switch limit := int64(PrewarmQuota.PerImageSizeGB) * 1_000_000_000; {
	case strings.Contains(in.ImageURL, "unpullable"):
		task.SizeBytes = 0 // never known
		task.FailReason = fmt.Sprintf("failed to pull image %q: manifest unknown", in.ImageURL)
	case task.SizeBytes > limit:
		task.FailReason = fmt.Sprintf("image size %.1f GB exceeds the per-image limit of %d GB", float64(task.SizeBytes)/1e9, PrewarmQuota.PerImageSizeGB)
	}
	e.seq++
	e.prewarms[task.ID] = &prewarmRecord{ImagePrewarm: task, Seq: e.seq}
	e.dirty = true
	return map[string]string{"id": task.ID}, nil
}

// prewarmProducts checks that every product exists and is offered in cluster; none means all of
// the cluster's products.
func prewarmProducts(cluster Cluster, ids []string) ([]string, *apiError) {
	var offered []string
	for _, p := range Products {
		if slices.Contains(p.RegionIDs, cluster.ID) {
			offered = append(offered, p.ID)
		}
	}
	if len(ids) == 0 {
		return offered, nil
	}
	for _, id := range ids {
		if _, ok := findProduct(id); !ok {
			return nil, badRequest("SERVERLESS_PRODUCT_NOT_FOUND", "productIds: product %q not found", id)
		}
		if !slices.Contains(offered, id) {
			return nil, invalid("productIds: product %q is not offered in cluster %q (offered: %s)", id, cluster.ID, strings.Join(offered, ", "))
		}
	}
	return slices.Compact(slices.Sorted(slices.Values(ids))), nil
}

// listPrewarms filters by state (exact), clusterId (exact) and name (case-insensitive substring of
// the image name or the note), then pages: page from 1, pageSize default 10, at most 100.
func (e *Emulator) listPrewarms(c *call) (any, *apiError) {
	num, err := queryPositive(c, "page", 1, 1<<30)
	if err != nil {
		return nil, err
	}
	size, err := queryPositive(c, "pageSize", 10, maxPageSize)
	if err != nil {
		return nil, err
	}
	q := c.r.URL.Query()
	state := q.Get("state")
	switch state {
	case "", prewarmPending, prewarmRunning, prewarmSucceeded, prewarmFailed:
	default:
		return nil, invalid("state must be one of Pending, Running, Succeeded, Failed, got %q", state)
	}
	name := strings.ToLower(q.Get("name"))
	now := e.now()
	var match []*prewarmRecord
	for _, p := range e.prewarms {
		if p.Team != c.team || (q.Get("clusterId") != "" && p.ClusterID != q.Get("clusterId")) ||
			(state != "" && e.prewarmStatus(&p.ImagePrewarm, now).State != state) ||
			(!strings.Contains(strings.ToLower(imageName(p.ImageURL)), name) && !strings.Contains(strings.ToLower(p.Note), name)) {
			continue
		}
		match = append(match, p)
	}
	slices.SortFunc(match, func(a, b *prewarmRecord) int { return int(a.Seq - b.Seq) })
	data := []map[string]any{}
	for _, p := range page(match, num, size) {
		data = append(data, e.prewarmView(&p.ImagePrewarm, now))
	}
	return map[string]any{"data": data, "total": len(match)}, nil
}

// prewarmView is a task as the list answers it: sizes and times as strings, the size "0" until
// the manifest is fetched (and for an unpullable image), completeTime "" until the task ends, and reason {} when there is none
// (as an example on Novita's page shows).
func (e *Emulator) prewarmView(p *ImagePrewarm, now time.Time) map[string]any {
	st := e.prewarmStatus(p, now)
	products := []map[string]string{}
	for _, id := range p.ProductIDs {
		prod, _ := findProduct(id)
		products = append(products, map[string]string{"productId": id, "productName": prod.Name})
	}
	size, completed := "0", ""
	if st.State != prewarmPending {
		size = strconv.FormatInt(p.SizeBytes, 10)
	}
	if !st.CompletedAt.IsZero() {
		completed = strconv.FormatInt(st.CompletedAt.Unix(), 10)
	}
	var reason any = map[string]any{}
	if len(st.Reasons) > 0 {
		reason = st.Reasons
	}
	return map[string]any{
		"id": p.ID, "imageName": imageName(p.ImageURL), "imageUrl": p.ImageURL, "repositoryAuth": p.RepositoryAuth,
		"clusterId": p.ClusterID, "clusterName": p.ClusterName, "products": products,
		"imageSize": size, "createTime": strconv.FormatInt(p.CreatedAt.Unix(), 10),
		"state": st.State, "completeTime": completed, "note": p.Note, "reason": reason,
	}
}

// editPrewarm changes the note, the only editable field; both id and note are required.
func (e *Emulator) editPrewarm(c *call) (any, *apiError) {
	var in struct {
		ID   string  `json:"id"`
		Note *string `json:"note"`
	}
	if err := decodeBody(c.body, &in, true); err != nil {
		return nil, err
	}
	p, err := e.findPrewarmLocked(c.team, in.ID)
	if err != nil {
		return nil, err
	}
	if in.Note == nil {
		return nil, invalid("note is required (send \"\" to clear it)")
	}
	if n := utf8.RuneCountInString(*in.Note); n > maxPrewarmNote {
		return nil, invalid("note must be at most %d characters, got %d", maxPrewarmNote, n)
	}
	p.Note = *in.Note
	e.dirty = true
	return map[string]any{}, nil
}

// deletePrewarm deletes every listed task, or none when one is missing (RESOURCE_NOT_FOUND). A
// running task may be deleted: its copy stops.
func (e *Emulator) deletePrewarm(c *call) (any, *apiError) {
	var in struct {
		IDs []string `json:"ids"`
	}
	if err := decodeBody(c.body, &in, true); err != nil {
		return nil, err
	}
	if len(in.IDs) == 0 {
		return nil, invalid("ids must list at least one task id")
	}
	for _, id := range in.IDs {
		if _, err := e.findPrewarmLocked(c.team, id); err != nil {
			return nil, err
		}
	}
	for _, id := range in.IDs {
		delete(e.prewarms, id)
	}
	e.dirty = true
	return map[string]any{}, nil
}

func (e *Emulator) prewarmQuota(c *call) (any, *apiError) {
	return map[string]int{
		"total":        e.teamPrewarmCountLocked(c.team),
		"limit":        PrewarmQuota.Limit,
		"perImageSize": PrewarmQuota.PerImageSizeGB,
	}, nil
}

func (e *Emulator) findPrewarmLocked(team, id string) (*prewarmRecord, *apiError) {
	if id == "" {
		return nil, invalid("id is required")
	}
	p := e.prewarms[id]
	if p == nil || p.Team != team {
		return nil, badRequest("RESOURCE_NOT_FOUND", "image prewarm task %q not found", id)
	}
	return p, nil
}

// ---- test hooks ----

// ImagePrewarmState is a task with its state as of the emulator's clock.
type ImagePrewarmState struct {
	ImagePrewarm
	State   string
	Reasons []string
}

// ImagePrewarmTask returns the task and its state as of now.
func (e *Emulator) ImagePrewarmTask(id string) (task ImagePrewarmState, ok bool) {
	e.withStore(func() {
		if p := e.prewarms[id]; p != nil {
			st := e.prewarmStatus(&p.ImagePrewarm, e.now())
			task, ok = ImagePrewarmState{ImagePrewarm: p.ImagePrewarm, State: st.State, Reasons: st.Reasons}, true
			task.ProductIDs = slices.Clone(p.ProductIDs)
		}
	})
	return task, ok
}

// ImagePrewarmCount counts the tasks of every team.
func (e *Emulator) ImagePrewarmCount() (n int) {
	e.withStore(func() { n = len(e.prewarms) })
	return n
}

// RemoveImagePrewarm deletes the task at once, behind the API's back.
func (e *Emulator) RemoveImagePrewarm(id string) (ok bool) {
	e.withStore(func() {
		if _, ok = e.prewarms[id]; ok {
			delete(e.prewarms, id)
			e.dirty = true
		}
	})
	return ok
}
