package provider

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

// Pieces of diagnostic details shared by the resources.

// maybeCreatedHint tells the user what to do when a create failed after the API may have acted.
func maybeCreatedHint(kind, typeName string) string {
	return "The " + kind + " may have been created although the request failed. Look for it (the " + typeName +
		" data source, or the Novita console) and import it with `terraform import` instead of applying again, which could create a duplicate."
}

// apiErrorDetail renders an API error for a diagnostic detail, with an optional hint.
func apiErrorDetail(err error, hint func(error) string) string {
	detail := err.Error()
	if hint != nil {
		if h := hint(err); h != "" {
			detail += "\n\n" + h
		}
	}
	return detail
}

// apiMessage is the API's own message for err when it is an APIError, else err's text.
func apiMessage(err error) string {
	var apiErr *client.APIError
	if errors.As(err, &apiErr) && apiErr.Message != "" {
		return apiErr.Message
	}
	return err.Error()
}

// clusterNetworkStorageError explains (a diagnostic summary and detail) why id cannot host network
// storage, naming the clusters that can; both are empty when it can.
func clusterNetworkStorageError(clusters []client.Cluster, id string) (string, string) {
	var supported []string
	found := false
	for _, c := range clusters {
		if c.SupportNetworkStorage {
			supported = append(supported, fmt.Sprintf("%s (%s)", c.ID, c.Name))
			if c.ID == id {
				return "", ""
			}
		}
		if c.ID == id {
			found = true
		}
	}
	list := "none"
	if len(supported) > 0 {
		list = strings.Join(supported, ", ")
	}
	if !found {
		return "Unknown Cluster", fmt.Sprintf("Cluster %q does not exist in this account. Clusters that support network storage: %s.", id, list)
	}
	return "Cluster Does Not Support Network Storage", fmt.Sprintf("Cluster %q does not support network storage. Clusters that do: %s.", id, list)
}

// deletionProtected is the error of a destroy refused by deletion_protection.
func deletionProtected(kind, id string) (string, string) {
	return titleCase(kind) + " Is Protected from Deletion", fmt.Sprintf(
		"%s %s has deletion_protection = true, so it was not deleted. To destroy it, set deletion_protection = false, run terraform apply, then destroy.", titleCase(kind), id)
}

// liveCheckSeverity keeps the findings of checks against the live account as errors on a create
// plan and turns them into warnings on an update plan. Terraform's destroy starts with a normal
// plan of every object in state (the "pre-destroy refresh"), which a provider cannot tell apart
// from an update plan, so an error there would block the destroy of what a half-failed apply
// left; Novita refuses the same values at apply anyway.
func liveCheckSeverity(found diag.Diagnostics, existing bool) diag.Diagnostics {
	if !existing {
		return found
	}
	out := make(diag.Diagnostics, 0, len(found))
	for _, d := range found {
		if d.Severity() != diag.SeverityError {
			out = append(out, d)
			continue
		}
		detail := d.Detail() + "\n\nThis is a warning, not an error, because the object already exists (a destroy must never be blocked by it); the apply will fail where Novita refuses the value."
		if p, ok := d.(diag.DiagnosticWithPath); ok {
			out.AddAttributeWarning(p.Path(), d.Summary(), detail)
		} else {
			out.AddWarning(d.Summary(), detail)
		}
	}
	return out
}
