package emulator

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// Handlers of /gpus/v2/endpoints. Validation is in endpoints_validate.go, JSON shapes in
// endpoints_wire.go, the stored model and its lifecycle in endpoints_model.go.

func (e *Emulator) createEndpoint(c *call) (any, *apiError) {
	var body createBody
	if err := decodeBody(c.body, &body, true); err != nil {
		return nil, err
	}
	if err := checkType(body.Type); err != nil {
		return nil, err
	}
	id := newEndpointID(func(id string) bool { return e.endpoints[id] != nil })
	if body.AppName == "" {
		body.AppName = id
	}
	if err := checkAppName(body.AppName); err != nil {
		return nil, err
	}
	base := Endpoint{ID: id, Team: c.team, MemberID: c.member, Type: body.Type, AppName: body.AppName}
	ep, err := e.buildEndpoint(base, &body.endpointBody, "")
	if err != nil {
		return nil, err
	}
	for _, other := range e.endpoints {
		if other.Team == c.team && other.AppName == ep.AppName {
			return nil, badRequest("SERVERLESS_APP_NAME_IS_EXIST", "app_name %q is already used by endpoint %q", ep.AppName, other.ID)
		}
	}
	if err := e.refuseInactiveCluster(c.team, ep.RegionID); err != nil {
		return nil, err
	}
	ep.CreatedAt = e.now()
	ep.UpdatedAt = ep.CreatedAt
	rec := &endpointRecord{Endpoint: ep}
	e.addEndpointLocked(rec)
	e.startTransition(rec, pendingCreate)
	return map[string]string{"id": id}, nil
}

func (e *Emulator) getEndpoint(c *call) (any, *apiError) {
	rec, err := e.findEndpointLocked(c.team, c.r.PathValue("endpoint_id"))
	if err != nil {
		return nil, err
	}
	return endpointView(&rec.Endpoint, baseURL(c.r), false), nil
}

// updateEndpoint replaces the whole configuration: optional fields left out are cleared or take
// their defaults, required ones left out fail validation. type and app_name are not update fields.
func (e *Emulator) updateEndpoint(c *call) (any, *apiError) {
	var body endpointBody
	if err := decodeBody(c.body, &body, true); err != nil {
		return nil, err
	}
	rec, err := e.findEndpointLocked(c.team, c.r.PathValue("endpoint_id"))
	if err != nil {
		return nil, err
	}
	if rec.Status == StatusDeleting {
		return nil, badRequest("OPERATION_LIMIT", "endpoint %q is being deleted", rec.ID)
	}
	base := Endpoint{ID: rec.ID, Team: rec.Team, MemberID: rec.MemberID, Type: rec.Type, AppName: rec.AppName}
	ep, err := e.buildEndpoint(base, &body, rec.RegionID)
	if err != nil {
		return nil, err
	}
	ep.CreatedAt = rec.CreatedAt
	ep.UpdatedAt = e.now()
	rec.Endpoint = ep
	e.startTransition(rec, pendingUpdate)
	return map[string]any{}, nil
}

func (e *Emulator) deleteEndpoint(c *call) (any, *apiError) {
	rec, err := e.findEndpointLocked(c.team, c.r.PathValue("endpoint_id"))
	if err != nil {
		return nil, err
	}
	if rec.Status != StatusDeleting {
		e.startTransition(rec, pendingDelete)
		e.settleRecordLocked(rec, e.now()) // a zero DeleteDelay removes it at once
	}
	return map[string]any{}, nil
}

// Paging of GET /gpus/v2/endpoints.
const (
	defaultListLimit = 20
	maxListLimit     = 100
	maxCursorChars   = 1024
	cursorPrefix     = "after:"
)

// listQuery is a parsed GET /gpus/v2/endpoints query.
type listQuery struct {
	limit   int
	after   int64 // Seq of the last endpoint of the previous page; 0 for the first page
	keyword string
	members map[string]bool // nil: every member
}

// listEndpoints pages through the team's endpoints in creation order. The cursor names the last
// endpoint of the previous page by creation order, so it stays valid when that endpoint is deleted.
func (e *Emulator) listEndpoints(c *call) (any, *apiError) {
	q, err := e.parseListQuery(c)
	if err != nil {
		return nil, err
	}
	base := baseURL(c.r)
	out := &endpointList{Data: []*endpointOut{}}
	start := e.orderIndex(q.after + 1)
	var last *endpointRecord
	for _, rec := range e.order[start:] {
		if rec.Team != c.team || !q.matches(&rec.Endpoint) {
			continue
		}
		if len(out.Data) == q.limit {
			out.HasMore, out.NextCursor = true, encodeCursor(last.Seq)
			break
		}
		out.Data = append(out.Data, endpointView(&rec.Endpoint, base, true))
		last = rec
	}
	return out, nil
}

func (e *Emulator) parseListQuery(c *call) (listQuery, *apiError) {
	v := c.r.URL.Query()
	q := listQuery{limit: defaultListLimit, keyword: strings.ToLower(v.Get("keyword"))}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > maxListLimit {
			return q, invalid("limit must be an integer between 0 and %d (0 means the default, %d), got %q", maxListLimit, defaultListLimit, s)
		}
		if n > 0 {
			q.limit = n
		}
	}
	if s := v.Get("cursor"); s != "" {
		after, ok := decodeCursor(s)
		if len(s) > maxCursorChars || !ok || after > e.seq {
			return q, invalid("cursor is not one this API returned: pass next_cursor from the previous page, or leave cursor out for the first page")
		}
		q.after = after
	}
	if s := v.Get("member_ids"); s != "" {
		q.members = map[string]bool{}
		for _, id := range strings.Split(s, ",") {
			if id = strings.TrimSpace(id); id != "" {
				q.members[id] = true
			}
		}
	}
	return q, nil
}

// matches applies the keyword (case-insensitive substring of name, app_name or id) and member
// filters.
func (q listQuery) matches(ep *Endpoint) bool {
	if q.members != nil && !q.members[ep.MemberID] {
		return false
	}
	if q.keyword == "" {
		return true
	}
	for _, s := range []string{ep.Name, ep.AppName, ep.ID} {
		if strings.Contains(strings.ToLower(s), q.keyword) {
			return true
		}
	}
	return false
}

// encodeCursor is the opaque cursor of the page after the endpoint numbered seq.
func encodeCursor(seq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.FormatInt(seq, 10)))
}

func decodeCursor(s string) (int64, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || !strings.HasPrefix(string(raw), cursorPrefix) {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimPrefix(string(raw), cursorPrefix), 10, 64)
	return n, err == nil && n > 0
}

// attachWorkers fills the workers of running endpoints in a get or list answer from the job
// gateway, which owns live scaling. It must run without e.mu held (lock order: gateway, store).
func (e *Emulator) attachWorkers(resp any) {
	var views []*endpointOut
	switch r := resp.(type) {
	case *endpointOut:
		views = []*endpointOut{r}
	case *endpointList:
		views = r.Data
	}
	for _, v := range views {
		if v.Status.Status != StatusRunning {
			continue
		}
		workers, _ := e.gw.Workers(v.jobName)
		for _, w := range workers {
			status := WorkerReady
			if w.State == "starting" {
				status = WorkerStarting
			}
			v.Workers = append(v.Workers, workerOut{ID: w.ID, Status: statusOut{Status: status}, Health: status == WorkerReady})
		}
	}
}
