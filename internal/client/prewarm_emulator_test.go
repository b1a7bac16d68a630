package client_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
)

// Every prewarm operation against the emulator: create, get by listing, wait, edit, quota,
// failure reasons and delete.
func TestEmulatorImagePrewarm(t *testing.T) {
	c, emu := newEmulatorClient(t)
	ctx := testContext(t)

	id, err := c.CreateImagePrewarm(ctx, client.CreateImagePrewarmRequest{
		ImageURL: "novitalabs/comfyui-worker:v0.0.1", ClusterID: "eu-frankfurt-1", ProductIDs: []string{"SL-serverless-2"}, Note: "quickstart",
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	near := client.ImagePrewarmFilter{ClusterID: "eu-frankfurt-1", Name: client.ImageName("novitalabs/comfyui-worker:v0.0.1")}
	task, err := c.WaitForImagePrewarm(ctx, id, near)
	if err != nil {
		t.Fatalf("wait: %v", err)
	}
	if task.State != client.PrewarmSucceeded || task.ImageName != "comfyui-worker" || task.ClusterName != "EU-Frankfurt-1" ||
		!slices.Equal(task.ProductIDs(), []string{"SL-serverless-2"}) || task.ImageSize <= 0 || task.CreateTime <= 0 ||
		task.CompleteTime < task.CreateTime || task.Note != "quickstart" || len(task.Reasons) != 0 {
		t.Errorf("finished task = %+v", task)
	}

	if err := c.EditImagePrewarmNote(ctx, id, ""); err != nil {
		t.Fatalf("edit: %v", err)
	}
	if task, err = c.GetImagePrewarm(ctx, id, near); err != nil || task.Note != "" {
		t.Errorf("after edit: %+v, %v", task, err)
	}

	bad, err := c.CreateImagePrewarm(ctx, client.CreateImagePrewarmRequest{ImageURL: emulator.UnpullableImage, ClusterID: "us-dallas-1"})
	if err != nil {
		t.Fatalf("create unpullable: %v", err)
	}
	_, err = c.WaitForImagePrewarm(ctx, bad, client.ImagePrewarmFilter{})
	var failed *client.ImagePrewarmFailedError
	if !errors.As(err, &failed) || len(failed.Reasons) != 1 || !strings.Contains(failed.Reasons[0], "manifest unknown") {
		t.Errorf("unpullable wait: %v", err)
	}

	q, err := c.GetImagePrewarmQuota(ctx)
	if err != nil || q.Total != 2 || int(q.Limit) != emulator.PrewarmQuota.Limit || int(q.PerImageSizeGB) != emulator.PrewarmQuota.PerImageSizeGB {
		t.Errorf("quota %+v, %v", q, err)
	}
	if all, err := c.ListImagePrewarms(ctx, client.ImagePrewarmFilter{State: client.PrewarmFailed}); err != nil || len(all) != 1 || all[0].ID != bad {
		t.Errorf("failed tasks: %+v, %v", all, err)
	}

	if err := c.DeleteImagePrewarms(ctx, id, bad); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if _, err := c.GetImagePrewarm(ctx, id, near); !client.IsNotFound(err) {
		t.Errorf("deleted task: %v, want not found", err)
	}
	if err := c.DeleteImagePrewarms(ctx, id); !client.IsNotFound(err) {
		t.Errorf("deleting again: %v, want not found", err)
	}
	if n := emu.ImagePrewarmCount(); n != 0 {
		t.Errorf("%d tasks left", n)
	}
}

// The quota refusal is an API error naming the counts, and is not retried.
func TestEmulatorImagePrewarmQuotaRefusal(t *testing.T) {
	c, _ := newEmulatorClient(t)
	ctx := testContext(t)
	for range emulator.PrewarmQuota.Limit {
		if _, err := c.CreateImagePrewarm(ctx, client.CreateImagePrewarmRequest{ImageURL: "a/b:1", ClusterID: "us-dallas-1"}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := c.CreateImagePrewarm(ctx, client.CreateImagePrewarmRequest{ImageURL: "a/b:1", ClusterID: "us-dallas-1"})
	if !client.HasReason(err, "OPERATION_LIMIT") || errors.Is(err, client.ErrMaybeCreated) || !strings.Contains(err.Error(), "10 of 10") {
		t.Errorf("over quota: %v", err)
	}
}
