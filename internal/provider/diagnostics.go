package provider

import (
	"errors"

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
