package emulator_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
)

// listPage is one decoded page of GET /gpus/v2/endpoints.
type listPage struct {
	ids        []string
	items      []map[string]any
	nextCursor string
	hasMore    bool
}

func (h *harness) listPage(key, query string) listPage {
	h.t.Helper()
	r := mustOK(h.t, h.get(endpoints+"?"+query, key))
	if keys := keysOf(r.obj()); !slices.Equal(keys, []string{"data", "has_more", "next_cursor"}) {
		h.t.Fatalf("list keys %v, want data, has_more and next_cursor", keys)
	}
	p := listPage{items: objects(h.t, r.body, "data"), nextCursor: at[string](h.t, r.body, "next_cursor"), hasMore: at[bool](h.t, r.body, "has_more")}
	for _, it := range p.items {
		p.ids = append(p.ids, at[string](h.t, it, "id"))
	}
	return p
}

// listAll follows next_cursor from the first page until has_more is false.
func (h *harness) listAll(key, query string) (ids []string, pages int) {
	h.t.Helper()
	cursor := ""
	for {
		p := h.listPage(key, query+"&cursor="+url.QueryEscape(cursor))
		ids, pages = append(ids, p.ids...), pages+1
		if !p.hasMore {
			if p.nextCursor != "" {
				h.t.Errorf("last page carries next_cursor %q", p.nextCursor)
			}
			return ids, pages
		}
		if p.nextCursor == "" || pages > 1000 {
			h.t.Fatalf("has_more without a usable next_cursor after %d pages", pages)
		}
		cursor = p.nextCursor
	}
}

func TestEndpointListPagesWithCursors(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	var ids []string
	for i := range 250 {
		ids = append(ids, h.mustCreateEndpoint(keyA, set(endpointSpec(), "name", fmt.Sprint("ep-", i))))
		if i%50 == 0 {
			h.mustCreateEndpoint(keyB, endpointSpec()) // interleaved: other teams' endpoints are skipped
		}
	}

	for _, tc := range []struct {
		limit string
		pages int
	}{{"", 13}, {"0", 13}, {"7", 36}, {"50", 5}, {"100", 3}} {
		got, pages := h.listAll(keyA, "limit="+tc.limit)
		if !slices.Equal(got, ids) || pages != tc.pages {
			t.Errorf("limit=%q: %d ids in %d pages, want all 250 in creation order in %d pages", tc.limit, len(got), pages, tc.pages)
		}
	}
	first := h.listPage(keyA, "")
	if len(first.ids) != 20 || !first.hasMore {
		t.Errorf("first page without parameters: %d items, has_more %v; want the default 20 and more", len(first.ids), first.hasMore)
	}
	// Exactly a full last page: has_more is false.
	c1 := h.listPage(keyA, "limit=100").nextCursor
	c2 := h.listPage(keyA, "limit=100&cursor="+url.QueryEscape(c1)).nextCursor
	if p := h.listPage(keyA, "limit=50&cursor="+url.QueryEscape(c2)); len(p.ids) != 50 || p.hasMore || p.nextCursor != "" {
		t.Errorf("last full page: %d items, has_more %v, next_cursor %q", len(p.ids), p.hasMore, p.nextCursor)
	}

	// A cursor survives the deletion of the endpoint it points after.
	p := h.listPage(keyA, "limit=10")
	mustOK(t, h.deleteEndpoint(keyA, ids[9]))
	mustOK(t, h.deleteEndpoint(keyA, ids[10]))
	if next := h.listPage(keyA, "limit=2&cursor="+url.QueryEscape(p.nextCursor)); !slices.Equal(next.ids, ids[11:13]) {
		t.Errorf("after deleting around the cursor: %v, want %v", next.ids, ids[11:13])
	}

	for _, q := range []string{"limit=-1", "limit=101", "limit=ten"} {
		wantInvalid(t, h.get(endpoints+"?"+q, keyA), "limit", "0 and 100")
	}
	for _, c := range []string{"garbled!", "bm9wZQ", url.QueryEscape(strings.Repeat("a", 1025))} {
		wantInvalid(t, h.get(endpoints+"?cursor="+c, keyA), "cursor", "next_cursor")
	}
	// A well-formed cursor this emulator never issued (past its last endpoint).
	wantInvalid(t, h.get(endpoints+"?cursor=YWZ0ZXI6OTk5OTk", keyA), "cursor")
}

func TestEndpointListItemShape(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	id := h.mustCreateEndpoint(keyA, endpointSpec())
	r := mustOK(t, h.get(endpoints, keyA))
	item := objects(t, r.body, "data")[0]
	var want []string
	for _, k := range getKeys {
		if k != "type" {
			want = append(want, k)
		}
	}
	slices.Sort(want)
	if keys := keysOf(item); !slices.Equal(keys, want) {
		t.Errorf("list item keys %v, want the GET keys without type: %v", keys, want)
	}
	if item["id"] != id || statusOf(item) != emulator.StatusRunning || len(at[[]any](t, item, "workers")) != 1 {
		t.Errorf("list item = %v", item)
	}
}

func TestEndpointListKeywordAndMembers(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	alpha := h.mustCreateEndpoint(keyA, set(set(endpointSpec(), "name", "Alpha Render"), "app_name", "render-a"))
	beta := h.mustCreateEndpoint(keyA2, set(set(endpointSpec(), "name", "beta"), "app_name", "RENDER-b"))
	gamma := h.mustCreateEndpoint(keyA, set(set(endpointSpec(), "name", "gamma"), "app_name", "other"))
	h.mustCreateEndpoint(keyB, set(set(endpointSpec(), "name", "alpha of team b"), "app_name", "render-x"))

	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"keyword=render", []string{alpha, beta}},         // app_name, any case
		{"keyword=ALPHA", []string{alpha}},                // name, any case
		{"keyword=" + gamma[3:9], []string{gamma}},        // id
		{"keyword=nothing", nil},                          //
		{"keyword=", []string{alpha, beta, gamma}},        // empty: no filter
		{"keyword=render&limit=1", []string{alpha, beta}}, // filters and paging combine
		{"member_ids=" + emulator.MemberID("team-a", keyA2), []string{beta}},
		{"member_ids=" + emulator.MemberID("team-a", keyA) + ",%20" + emulator.MemberID("team-a", keyA2), []string{alpha, beta, gamma}},
		{"member_ids=" + emulator.MemberID("team-b", keyB), nil}, // another team's member: still only team A's endpoints
		{"member_ids=" + emulator.MemberID("team-a", keyA) + "&keyword=render", []string{alpha}},
	} {
		got, _ := h.listAll(keyA, tc.query)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.query, got, tc.want)
		}
	}
	// The member who created an endpoint is its member_id.
	if got := h.getEndpoint(keyA, beta)["member_id"]; got != emulator.MemberID("team-a", keyA2) {
		t.Errorf("member_id = %v", got)
	}
}
