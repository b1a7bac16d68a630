package provider

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

// The job resource without Terraform: result mapping, body limits, JSON normalisation, import ids.
func TestJobResultFromAPI(t *testing.T) {
	tests := []struct {
		name string
		job  client.Job
		want jobResultModel
	}{
		{
			name: "completed with output is compacted",
			job:  client.Job{ID: "j1", Status: client.JobCompleted, Output: json.RawMessage(`{ "images": [ "a" ] }`), DelayTime: 120, ExecutionTime: 4500},
			want: jobResultModel{
				Status: types.StringValue("COMPLETED"), Output: jsontypes.NewNormalizedValue(`{"images":["a"]}`),
				Error: types.StringNull(), DelayTimeMS: types.Int64Value(120), ExecutionTimeMS: types.Int64Value(4500),
			},
		},
		{
			name: "failed carries the error and no output",
			job:  client.Job{ID: "j2", Status: client.JobFailed, Error: "boom", ExecutionTime: 100},
			want: jobResultModel{
				Status: types.StringValue("FAILED"), Output: jsontypes.NewNormalizedNull(),
				Error: types.StringValue("boom"), DelayTimeMS: types.Int64Value(0), ExecutionTimeMS: types.Int64Value(100),
			},
		},
		{
			name: "pending with JSON null output",
			job:  client.Job{ID: "j3", Status: client.JobPending, Output: json.RawMessage(`null`)},
			want: jobResultModel{
				Status: types.StringValue("PENDING"), Output: jsontypes.NewNormalizedNull(),
				Error: types.StringNull(), DelayTimeMS: types.Int64Value(0), ExecutionTimeMS: types.Int64Value(0),
			},
		},
		{
			name: "scalar output",
			job:  client.Job{ID: "j4", Status: client.JobCompleted, Output: json.RawMessage(` "done" `)},
			want: jobResultModel{
				Status: types.StringValue("COMPLETED"), Output: jsontypes.NewNormalizedValue(`"done"`),
				Error: types.StringNull(), DelayTimeMS: types.Int64Value(0), ExecutionTimeMS: types.Int64Value(0),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := jobResultFromAPI(&tt.job)
			if got != tt.want {
				t.Errorf("jobResultFromAPI() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestJobBodySize(t *testing.T) {
	tests := []struct {
		input string
		want  int
	}{
		{`{"a": 1}`, len(`{"input":{"a":1}}`)},
		{"[1,\n 2]", len(`{"input":[1,2]}`)},
		{`"<b>"`, len(`{"input":"\u003cb\u003e"}`)}, // encoding/json escapes <, > and &, as the client sends them
	}
	for _, tt := range tests {
		got, err := jobBodySize(tt.input)
		if err != nil || got != tt.want {
			t.Errorf("jobBodySize(%q) = %d, %v; want %d", tt.input, got, err, tt.want)
		}
	}
	if _, err := jobBodySize(`{"a":`); err == nil {
		t.Error("jobBodySize of invalid JSON: want an error")
	}
}

func TestJobBodyLimitValidator(t *testing.T) {
	// A string of n bytes encodes as {"input":"<n bytes>"}: 12 bytes of overhead.
	atLimit := `"` + strings.Repeat("x", client.MaxJobBodyBytes-12) + `"`
	overLimit := `"` + strings.Repeat("x", client.MaxJobBodyBytes-11) + `"`
	tests := []struct {
		name    string
		value   types.String
		wantErr bool
	}{
		{"null", types.StringNull(), false},
		{"unknown", types.StringUnknown(), false},
		{"small", types.StringValue(`{"a":1}`), false},
		{"exactly 4 MiB", types.StringValue(atLimit), false},
		{"one byte over", types.StringValue(overLimit), true},
		{"invalid JSON is left to the JSON type", types.StringValue(`{`), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := &validator.StringResponse{}
			jobBodyLimitValidator{}.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("input"), ConfigValue: tt.value}, resp)
			if got := resp.Diagnostics.HasError(); got != tt.wantErr {
				t.Fatalf("error = %v, want %v: %v", got, tt.wantErr, resp.Diagnostics)
			}
		})
	}
}

func TestKeepEquivalentJSON(t *testing.T) {
	tests := []struct {
		name        string
		state, plan types.String
		want        types.String
	}{
		{"create: no state", types.StringNull(), types.StringValue(`{"a":1}`), types.StringValue(`{"a":1}`)},
		{"unknown plan", types.StringValue(`{"a":1}`), types.StringUnknown(), types.StringUnknown()},
		{"other whitespace and key order", types.StringValue(`{"a":1,"b":[1,2]}`), types.StringValue("{ \"b\": [1, 2],\n \"a\": 1 }"), types.StringValue(`{"a":1,"b":[1,2]}`)},
		{"different JSON", types.StringValue(`{"a":1}`), types.StringValue(`{"a":2}`), types.StringValue(`{"a":2}`)},
		{"array order matters", types.StringValue(`[1,2]`), types.StringValue(`[2,1]`), types.StringValue(`[2,1]`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := planmodifier.StringRequest{Path: path.Root("input"), StateValue: tt.state, PlanValue: tt.plan, ConfigValue: tt.plan}
			resp := &planmodifier.StringResponse{PlanValue: tt.plan}
			keepEquivalentJSON{}.PlanModifyString(context.Background(), req, resp)
			if !resp.PlanValue.Equal(tt.want) {
				t.Errorf("planned %s, want %s", resp.PlanValue, tt.want)
			}
		})
	}
}

func TestParseJobImportID(t *testing.T) {
	tests := []struct {
		in           string
		endpoint, id string
		ok           bool
	}{
		{"abc123-myapp/job-1", "abc123-myapp", "job-1", true},
		{"abc123-abc123/7f3e", "abc123-abc123", "7f3e", true},
		{"noslash", "", "", false},
		{"/job", "", "", false},
		{"endpoint/", "", "", false},
	}
	for _, tt := range tests {
		endpoint, id, ok := parseJobImportID(tt.in)
		if endpoint != tt.endpoint || id != tt.id || ok != tt.ok {
			t.Errorf("parseJobImportID(%q) = %q, %q, %v; want %q, %q, %v", tt.in, endpoint, id, ok, tt.endpoint, tt.id, tt.ok)
		}
	}
}

// ---- helpers for acceptance tests ----
