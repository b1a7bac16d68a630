package provider

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

func TestCloudStorageResource_schemaIsValid(t *testing.T) {
	ctx := context.Background()
	var resp resource.SchemaResponse
	NewCloudStorageResource().Schema(ctx, resource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("schema: %v", resp.Diagnostics)
	}
	if diags := resp.Schema.ValidateImplementation(ctx); diags.HasError() {
		t.Fatalf("schema implementation: %v", diags)
	}
}

func TestCloudStorageModel_setFromAPI(t *testing.T) {
	m := cloudStorageModel{CreatedAt: types.StringUnknown(), DeletionProtection: types.BoolValue(true)}
	m.setFromAPI(&client.CloudStorage{
		ID: "st-1", Name: "models", SizeGB: 20, ClusterID: "c1", ClusterName: "Cluster-1", Price: "0.70", CreatedAt: 1700000000,
	})
	want := cloudStorageModel{
		ID: types.StringValue("st-1"), Name: types.StringValue("models"), SizeGB: types.Int64Value(20),
		ClusterID: types.StringValue("c1"), ClusterName: types.StringValue("Cluster-1"), Price: types.StringValue("0.70"),
		CreatedAt: types.StringValue("2023-11-14T22:13:20Z"), DeletionProtection: types.BoolValue(true),
	}
	if m != want {
		t.Errorf("got %+v\nwant %+v", m, want)
	}

	// An API answer without createdAt keeps the known value and turns an unknown one into null.
	m.setFromAPI(&client.CloudStorage{ID: "st-1", Name: "models", SizeGB: 30})
	if m.CreatedAt.ValueString() != "2023-11-14T22:13:20Z" {
		t.Errorf("created_at lost on a read without it: %v", m.CreatedAt)
	}
	fresh := cloudStorageModel{CreatedAt: types.StringUnknown()}
	fresh.setFromAPI(&client.CloudStorage{ID: "st-2"})
	if !fresh.CreatedAt.IsNull() {
		t.Errorf("created_at = %v, want null when the API omits it", fresh.CreatedAt)
	}
}

func TestCloudStorageModel_requests(t *testing.T) {
	m := cloudStorageModel{
		ID: types.StringValue("st-1"), Name: types.StringValue("models"), SizeGB: types.Int64Value(40), ClusterID: types.StringValue("c1"),
	}
	if got, want := m.createRequest(), (client.CreateCloudStorageRequest{ClusterID: "c1", Name: "models", SizeGB: 40}); got != want {
		t.Errorf("createRequest = %+v, want %+v", got, want)
	}
	if got, want := m.updateRequest(), (client.UpdateCloudStorageRequest{ID: "st-1", Name: "models", SizeGB: 40}); got != want {
		t.Errorf("updateRequest = %+v, want %+v", got, want)
	}
}

func TestCloudStorageNamePattern(t *testing.T) {
	for name, ok := range map[string]bool{
		"models": true, "Model-Store-2": true, "a": true, "1-2-3": true,
		"": false, "with space": false, "under_score": false, "dot.ted": false, "ünï": false, "slash/x": false,
	} {
		if got := cloudStorageNamePattern.MatchString(name); got != ok {
			t.Errorf("%q: match = %v, want %v", name, got, ok)
		}
	}
}

func TestShrinkError(t *testing.T) {
	for _, tc := range []struct {
		name        string
		state, plan types.Int64
		refused     bool
	}{
		{"grow", types.Int64Value(10), types.Int64Value(20), false},
		{"same", types.Int64Value(20), types.Int64Value(20), false},
		{"shrink", types.Int64Value(20), types.Int64Value(10), true},
		{"unknown plan", types.Int64Value(20), types.Int64Unknown(), false},
		{"no state", types.Int64Null(), types.Int64Value(10), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := shrinkError(tc.state, tc.plan)
			if (msg != "") != tc.refused {
				t.Fatalf("shrinkError = %q, refused want %v", msg, tc.refused)
			}
			if tc.refused && !strings.Contains(msg, "would lose data and is not supported") {
				t.Errorf("message does not say why: %q", msg)
			}
		})
	}
}

func TestStorageClusterError(t *testing.T) {
	clusters := []client.Cluster{
		{ID: "a", Name: "A", SupportNetworkStorage: true},
		{ID: "b", Name: "B", SupportNetworkStorage: false},
		{ID: "c", Name: "C", SupportNetworkStorage: true},
	}
	if msg := storageClusterError(clusters, "c"); msg != "" {
		t.Errorf("supported cluster refused: %q", msg)
	}
	msg := storageClusterError(clusters, "b")
	if !strings.Contains(msg, `"b" does not support network storage`) || !strings.Contains(msg, "a (A), c (C)") {
		t.Errorf("unsupported cluster: %q", msg)
	}
	msg = storageClusterError(clusters, "zz")
	if !strings.Contains(msg, `"zz" does not exist`) || !strings.Contains(msg, "a (A), c (C)") {
		t.Errorf("unknown cluster: %q", msg)
	}
	if msg := storageClusterError(nil, "a"); !strings.Contains(msg, "none") {
		t.Errorf("no clusters: %q", msg)
	}
}

func TestPickByName(t *testing.T) {
	list := []client.CloudStorage{{ID: "1", Name: "x"}, {ID: "2", Name: "xx"}, {ID: "3", Name: "y"}, {ID: "4", Name: "y"}}
	name := func(s client.CloudStorage) string { return s.Name }
	id := func(s client.CloudStorage) string { return s.ID }

	got, _, _ := pickByName(list, "x", "cloud storage", name, id)
	if got == nil || got.ID != "1" {
		t.Errorf("exact match: got %+v, want id 1 (a longer name must not match)", got)
	}
	got, summary, detail := pickByName(list, "z", "cloud storage", name, id)
	if got != nil || summary != "No Matching Cloud Storage" || !strings.Contains(detail, `named "z"`) {
		t.Errorf("none: %v %q %q", got, summary, detail)
	}
	got, summary, detail = pickByName(list, "y", "cloud storage", name, id)
	if got != nil || summary != "Ambiguous Cloud Storage Name" || !strings.Contains(detail, "3, 4") {
		t.Errorf("ambiguous: %v %q %q", got, summary, detail)
	}
}

func TestRetryWhileInUse(t *testing.T) {
	floor, ceiling := inUseRetryFloor, inUseRetryCeiling
	inUseRetryFloor, inUseRetryCeiling = time.Millisecond, 5*time.Millisecond
	t.Cleanup(func() { inUseRetryFloor, inUseRetryCeiling = floor, ceiling })
	inUse := &client.APIError{StatusCode: 400, Reason: reasonStorageInUse, Message: "in use"}
	ctx := context.Background()

	t.Run("succeeds once released", func(t *testing.T) {
		calls := 0
		err := retryWhileInUse(ctx, time.Minute, reasonStorageInUse, func(context.Context) error {
			calls++
			if calls < 4 {
				return inUse
			}
			return nil
		})
		if err != nil || calls != 4 {
			t.Errorf("err = %v after %d calls, want nil after 4", err, calls)
		}
	})
	t.Run("gives up at the timeout", func(t *testing.T) {
		start := time.Now()
		calls := 0
		err := retryWhileInUse(ctx, 30*time.Millisecond, reasonStorageInUse, func(context.Context) error { calls++; return inUse })
		if !client.HasReason(err, reasonStorageInUse) {
			t.Errorf("err = %v, want the in-use error", err)
		}
		if elapsed := time.Since(start); elapsed < 30*time.Millisecond || elapsed > 2*time.Second || calls < 2 {
			t.Errorf("gave up after %s and %d calls", elapsed, calls)
		}
	})
	t.Run("other errors are not retried", func(t *testing.T) {
		calls := 0
		boom := errors.New("boom")
		err := retryWhileInUse(ctx, time.Minute, reasonStorageInUse, func(context.Context) error { calls++; return boom })
		if err != boom || calls != 1 {
			t.Errorf("err = %v after %d calls, want boom after 1", err, calls)
		}
	})
	t.Run("stops when the context ends", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		calls := 0
		err := retryWhileInUse(cctx, time.Minute, reasonStorageInUse, func(context.Context) error {
			calls++
			cancel()
			return inUse
		})
		if !client.HasReason(err, reasonStorageInUse) || calls != 1 {
			t.Errorf("err = %v after %d calls", err, calls)
		}
	})
}
