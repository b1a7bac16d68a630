package provider

import (
	"strings"
	"testing"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

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
