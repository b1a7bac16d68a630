package emulator_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
)

// fuzzRoutes are a method and path for every route the emulator serves (emulator.Routes), the
// endpoint id pattern filled in with id, and the job gateway's calls on the endpoint's job name.
func fuzzRoutes(id string) []string {
	var out []string
	for _, pattern := range emulator.Routes() {
		if method, path, ok := strings.Cut(pattern, " "); ok {
			out = append(out, method+" "+strings.ReplaceAll(path, "{endpoint_id}", id))
			continue
		}
		for _, call := range []string{"POST run", "GET status/j1", "POST cancel/j1", "GET health"} { // the gateway's subtree
			method, verb, _ := strings.Cut(call, " ")
			out = append(out, method+" "+pattern+id+"/"+verb)
		}
	}
	return out
}

// serve sends one request straight to emu's handler.
func serve(emu *emulator.Emulator, method, path, query string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "http://emulator"+path, bytes.NewReader(body))
	req.URL.RawQuery = query
	req.Header.Set("Authorization", "Bearer "+emulator.DefaultAPIKey)
	rec := httptest.NewRecorder()
	emu.ServeHTTP(rec, req)
	return rec
}

// FuzzRequestParsing sends any body and query to every route, with one endpoint in place so that
// the routes on an endpoint and the job gateway parse too: the emulator answers each with an
// error it means (never a 500) or a success, and never panics.
func FuzzRequestParsing(f *testing.F) {
	seeds := []string{
		`{}`, `[]`, `null`, `""`, `{"storageName":"x","storageSize":"10","clusterId":"us-dallas-1"}`,
		`{"name":"n","username":"u","password":"p"}`, `{"input":{"seconds":1}}`, `{"storageId":123}`,
		`{"ports":["80",{"port":"x"}],"envs":[{"key":1}],"volumes":null,"worker_config":{"min_replicas":"a"}}`,
		mustJSON(endpointSpec()),
	}
	routes := len(fuzzRoutes("x"))
	for _, seed := range seeds {
		for i := range routes {
			f.Add(uint8(i), []byte(seed), "limit=10&pageNo=1&pageSize=20")
		}
	}
	f.Fuzz(func(t *testing.T, route uint8, body []byte, query string) {
		emu, err := emulator.New(emulator.Options{ColdStart: -1})
		if err != nil {
			t.Fatal(err)
		}
		defer emu.Close()
		rec := serve(emu, "POST", endpoints, "", []byte(mustJSON(endpointSpec())))
		var created struct{ ID string }
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &created) != nil {
			t.Fatalf("creating the endpoint: %d %s", rec.Code, rec.Body)
		}
		list := fuzzRoutes(created.ID) // the gateway takes the bare id as a job name too
		method, path, _ := strings.Cut(list[int(route)%len(list)], " ")
		if rec := serve(emu, method, path, query, body); rec.Code >= http.StatusInternalServerError {
			t.Errorf("%s %s?%s with %q: status %d: %s", method, path, query, body, rec.Code, rec.Body)
		}
	})
}
