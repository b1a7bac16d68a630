package emulator

import (
	"bytes"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// fuzzRoutes are the method and path of every route the emulator serves, management API and job
// gateway, in a fixed order.
func fuzzRoutes() []string {
	keys := slices.Sorted(maps.Keys(routes))
	for _, verb := range []string{"POST /run", "GET /status/j1", "POST /cancel/j1", "GET /health"} {
		method, path, _ := strings.Cut(verb, " ")
		keys = append(keys, method+" "+gatewayPrefix+"/e1-app"+path)
	}
	return keys
}

// FuzzRequestParsing sends any body and query to every route: the emulator answers each with a
// status of its own (an error it means, never a 500) and never panics.
func FuzzRequestParsing(f *testing.F) {
	for _, seed := range []string{
		`{}`, `[]`, `null`, `""`, `{"storageName":"x","storageSize":"10","clusterId":"us-dallas-1"}`,
		`{"name":"n","username":"u","password":"p"}`, `{"input":{"seconds":1}}`, `{"storageId":123}`,
		`{"ports":["80",{"port":"x"}],"envs":[{"key":1}],"volumes":null,"worker_config":{"min_replicas":"a"}}`,
	} {
		for i := range len(fuzzRoutes()) {
			f.Add(uint8(i), []byte(seed), "pageNo=1&pageSize=20")
		}
	}
	routeList := fuzzRoutes()
	f.Fuzz(func(t *testing.T, route uint8, body []byte, query string) {
		emu, err := New(Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer emu.Close()
		method, path, _ := strings.Cut(routeList[int(route)%len(routeList)], " ")
		req := httptest.NewRequest(method, "http://emulator"+path, bytes.NewReader(body))
		req.URL.RawQuery = query
		req.Header.Set("Authorization", "Bearer "+DefaultAPIKey)
		rec := httptest.NewRecorder()
		emu.ServeHTTP(rec, req)
		if rec.Code >= http.StatusInternalServerError {
			t.Errorf("%s %s?%s with %q: status %d: %s", method, path, query, body, rec.Code, rec.Body)
		}
	})
}
