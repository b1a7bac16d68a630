//go:build ignore

// plancheck reads `terraform show -json <planfile>` on stdin and fails when the plan would change
// anything. The one kind of planned action it accepts is the re-read of a data source nested in a
// `check` block: Terraform always schedules those for the apply (so that checks run against the
// applied infrastructure), which makes `terraform plan -detailed-exitcode` exit 2 even when nothing
// would change.
//
//	terraform show -json plan.tfplan | go run scripts/plancheck.go
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
)

type plan struct {
	ResourceChanges []struct {
		Address      string `json:"address"`
		ActionReason string `json:"action_reason"`
		Change       struct {
			Actions []string `json:"actions"`
		} `json:"change"`
	} `json:"resource_changes"`
	OutputChanges map[string]struct {
		Actions []string `json:"actions"`
	} `json:"output_changes"`
}

func main() {
	var p plan
	if err := json.NewDecoder(os.Stdin).Decode(&p); err != nil {
		fmt.Fprintln(os.Stderr, "plancheck: reading the plan JSON:", err)
		os.Exit(2)
	}
	noop := []string{"no-op"}
	var changes, checkReads []string
	for _, rc := range p.ResourceChanges {
		switch {
		case slices.Equal(rc.Change.Actions, noop):
		case slices.Equal(rc.Change.Actions, []string{"read"}) && rc.ActionReason == "read_because_check_nested":
			checkReads = append(checkReads, rc.Address)
		default:
			changes = append(changes, fmt.Sprintf("%s: %v", rc.Address, rc.Change.Actions))
		}
	}
	for name, oc := range p.OutputChanges {
		if !slices.Equal(oc.Actions, noop) {
			changes = append(changes, fmt.Sprintf("output.%s: %v", name, oc.Actions))
		}
	}
	for _, a := range checkReads {
		fmt.Printf("accepted: %s is re-read at apply time because it belongs to a check block\n", a)
	}
	if len(changes) > 0 {
		slices.Sort(changes)
		for _, c := range changes {
			fmt.Println("change:", c)
		}
		os.Exit(1)
	}
}
