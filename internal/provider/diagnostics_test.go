package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

func TestLiveCheckSeverity(t *testing.T) {
	var found diag.Diagnostics
	found.AddAttributeError(path.Root("cluster_id"), "Cluster Does Not Match Mounted Storage", "storage st-1 is in c1")
	found.AddWarning("Idle Workers Are Billed", "w")

	if got := liveCheckSeverity(found, false); got.ErrorsCount() != 1 || got.WarningsCount() != 1 {
		t.Errorf("create plan: %d errors, %d warnings; want the error kept", got.ErrorsCount(), got.WarningsCount())
	}
	got := liveCheckSeverity(found, true)
	if got.ErrorsCount() != 0 || got.WarningsCount() != 2 {
		t.Fatalf("update plan: %d errors, %d warnings; want only warnings (a destroy's refresh plan must not fail)", got.ErrorsCount(), got.WarningsCount())
	}
	w := got.Warnings()[0]
	p, ok := w.(diag.DiagnosticWithPath)
	if !ok || !p.Path().Equal(path.Root("cluster_id")) || w.Summary() != "Cluster Does Not Match Mounted Storage" ||
		!strings.Contains(w.Detail(), "storage st-1 is in c1") || !strings.Contains(w.Detail(), "destroy must never be blocked") {
		t.Errorf("warning %q / %q lost its path, summary or detail", w.Summary(), w.Detail())
	}
}
