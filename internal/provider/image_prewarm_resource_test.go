package provider

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	fwdatasource "github.com/hashicorp/terraform-plugin-framework/datasource"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

func TestImagePrewarmResource_schemaIsValid(t *testing.T) {
	ctx := t.Context()
	var resp fwresource.SchemaResponse
	NewImagePrewarmResource().Schema(ctx, fwresource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("schema: %v", resp.Diagnostics)
	}
	if diags := resp.Schema.ValidateImplementation(ctx); diags.HasError() {
		t.Fatalf("schema implementation: %v", diags)
	}
	var dsResp fwdatasource.SchemaResponse
	NewImagePrewarmQuotaDataSource().Schema(ctx, fwdatasource.SchemaRequest{}, &dsResp)
	if diags := dsResp.Schema.ValidateImplementation(ctx); diags.HasError() {
		t.Fatalf("quota data source schema: %v", diags)
	}
}

func strList(items ...string) types.List {
	vals := []attr.Value{}
	for _, s := range items {
		vals = append(vals, types.StringValue(s))
	}
	return types.ListValueMust(types.StringType, vals)
}

func TestImagePrewarmModel_setFromAPI(t *testing.T) {
	task := &client.ImagePrewarm{
		ID: "p1", ImageName: "comfyui-worker", ImageURL: "docker.io/novitalabs/comfyui-worker:v0.0.1", RepositoryAuth: "cred-1",
		ClusterID: "c1", ClusterName: "Cluster-1", Products: []client.PrewarmProduct{{ProductID: "SL-1"}, {ProductID: "SL-2"}},
		ImageSize: 9_600_000_000, CreateTime: 1700000000, CompleteTime: 1700000600, State: "Failed", Reasons: client.PrewarmReasons{"rate limited"},
	}

	// After import: everything comes from the API; every product of the cluster means "all" (unset).
	var imported imagePrewarmModel
	imported.ProductIDs = types.ListNull(types.StringType)
	imported.setFromAPI(task, []string{"SL-2", "SL-1"})
	want := imagePrewarmModel{
		ID: types.StringValue("p1"), Image: types.StringValue("docker.io/novitalabs/comfyui-worker:v0.0.1"), ClusterID: types.StringValue("c1"),
		RegistryCredentialID: types.StringValue("cred-1"), ProductIDs: types.ListNull(types.StringType), Note: types.StringNull(),
		WaitForCompletion: types.BoolValue(true), State: types.StringValue("Failed"), StateReasons: strList("rate limited"),
		ImageName: types.StringValue("comfyui-worker"), ImageSizeBytes: types.Int64Value(9_600_000_000), ClusterName: types.StringValue("Cluster-1"),
		CreatedAt: types.StringValue("2023-11-14T22:13:20Z"), CompletedAt: types.StringValue("2023-11-14T22:23:20Z"),
	}
	if !reflect.DeepEqual(imported, want) {
		t.Errorf("imported:\n got %+v\nwant %+v", imported, want)
	}

	// A configured task keeps the user's spelling of the image; a pending one has no size, time or reasons.
	configured := imagePrewarmModel{
		Image: types.StringValue("novitalabs/comfyui-worker:v0.0.1"), ProductIDs: strList("SL-2", "SL-1"),
		Note: types.StringValue("n"), WaitForCompletion: types.BoolValue(false),
	}
	pending := *task
	pending.State, pending.ImageSize, pending.CompleteTime, pending.Reasons, pending.Note = "Pending", 0, 0, nil, "n"
	configured.setFromAPI(&pending, nil)
	if configured.Image.ValueString() != "novitalabs/comfyui-worker:v0.0.1" || !configured.ProductIDs.Equal(strList("SL-2", "SL-1")) ||
		!configured.ImageSizeBytes.IsNull() || !configured.CompletedAt.IsNull() || !configured.StateReasons.Equal(strList()) ||
		configured.Note.ValueString() != "n" || configured.WaitForCompletion.ValueBool() {
		t.Errorf("configured: %+v", configured)
	}
}

func TestProductIDsFromAPI(t *testing.T) {
	null := types.ListNull(types.StringType)
	all := []string{"a", "b"}
	for _, tc := range []struct {
		name      string
		prior     types.List
		api, inCl []string
		want      types.List
	}{
		{"same set, other order", strList("b", "a"), []string{"a", "b"}, all, strList("b", "a")},
		{"unset and every product", null, []string{"b", "a"}, all, null},
		{"unset and none reported", null, nil, all, null},
		{"empty and every product", strList(), all, all, strList()},
		{"unset, catalogue unknown", null, []string{"a"}, nil, null},
		{"unset but narrowed (import)", null, []string{"a"}, all, strList("a")},
		{"drift", strList("a"), []string{"b"}, all, strList("b")},
	} {
		if got := productIDsFromAPI(tc.prior, tc.api, tc.inCl); !got.Equal(tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestPrewarmReplaced(t *testing.T) {
	ctx := context.Background()
	base := imagePrewarmModel{
		Image: types.StringValue("a/b:1"), ClusterID: types.StringValue("c1"),
		RegistryCredentialID: types.StringNull(), ProductIDs: strList("x", "y"), Note: types.StringValue("n"),
	}
	for name, tc := range map[string]struct {
		change  func(*imagePrewarmModel)
		replace bool
	}{
		"note only":          {func(m *imagePrewarmModel) { m.Note = types.StringValue("other") }, false},
		"products reordered": {func(m *imagePrewarmModel) { m.ProductIDs = strList("y", "x") }, false},
		"new tag":            {func(m *imagePrewarmModel) { m.Image = types.StringValue("a/b:2") }, true},
		"other cluster":      {func(m *imagePrewarmModel) { m.ClusterID = types.StringValue("c2") }, true},
		"credential":         {func(m *imagePrewarmModel) { m.RegistryCredentialID = types.StringValue("cred") }, true},
		"fewer products":     {func(m *imagePrewarmModel) { m.ProductIDs = strList("x") }, true},
		"unknown image":      {func(m *imagePrewarmModel) { m.Image = types.StringUnknown() }, true},
		"unknown products":   {func(m *imagePrewarmModel) { m.ProductIDs = types.ListUnknown(types.StringType) }, true},
	} {
		plan := base
		tc.change(&plan)
		if got := prewarmReplaced(ctx, base, plan); got != tc.replace {
			t.Errorf("%s: replaced = %v, want %v", name, got, tc.replace)
		}
	}
}

func TestPrewarmReplacementsLedger(t *testing.T) {
	var l prewarmReplacements
	if l.take() != 0 {
		t.Fatal("empty ledger gave a free slot")
	}
	l.add("p1")
	l.add("p1") // planned twice: still one task
	l.add("p2")
	if got := l.take() + l.take() + l.take(); got != 2 {
		t.Errorf("took %d slots, want the 2 replaced tasks", got)
	}
}

func TestPrewarmWaitFailure(t *testing.T) {
	summary, detail := prewarmWaitFailure("p1", &client.ImagePrewarmFailedError{ID: "p1", Image: "a/b:1", Reasons: []string{"manifest unknown"}}, time.Minute)
	if summary != "Image Prewarm Failed" || !regexp.MustCompile(`manifest unknown[\s\S]*tainted`).MatchString(detail) {
		t.Errorf("failed: %q %q", summary, detail)
	}
	summary, detail = prewarmWaitFailure("p1", fmt.Errorf("waiting: %w", context.DeadlineExceeded), time.Minute)
	if summary != "Image Prewarm Timed Out" || !regexp.MustCompile(`within the create timeout \(1m0s\)`).MatchString(detail) {
		t.Errorf("timeout: %q %q", summary, detail)
	}
}
