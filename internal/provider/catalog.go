package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

// accountCatalog is what plan-time checks compare configurations against: the account's
// parameter limits, the serverless GPU products and the clusters.
type accountCatalog struct {
	Limits   *client.EndpointLimits
	Products []client.Product
	Clusters []client.Cluster
}

// catalogCache loads the catalogue once per provider process; a failed load is retried next time.
type catalogCache struct {
	mu  sync.Mutex
	cat *accountCatalog

	limitsWarned sync.Once
}

// warnLimitsOnce is true the first time it is called: the "limits not available" warning is
// shown once per run, not once per endpoint.
func (c *catalogCache) warnLimitsOnce() bool {
	first := false
	c.limitsWarned.Do(func() { first = true })
	return first
}

// catalog returns the account catalogue, reading it from the API on first use.
func (d *providerData) catalog(ctx context.Context) (*accountCatalog, error) {
	d.catalogCache.mu.Lock()
	defer d.catalogCache.mu.Unlock()
	if d.catalogCache.cat != nil {
		return d.catalogCache.cat, nil
	}
	// Limits stay on v1 (v2 documents none); an account that answers not found is checked
	// without them (Limits nil).
	limits, err := d.client.GetEndpointLimits(ctx)
	if client.IsNotFound(err) {
		limits, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	products, err := d.client.ListServerlessProducts(ctx)
	if err != nil {
		return nil, err
	}
	clusters, err := d.client.ListClusters(ctx)
	if err != nil {
		return nil, err
	}
	d.catalogCache.cat = &accountCatalog{Limits: limits, Products: products, Clusters: clusters}
	return d.catalogCache.cat, nil
}

// product finds a product by id.
func (c *accountCatalog) product(id string) (client.Product, bool) {
	for _, p := range c.Products {
		if p.ID == id {
			return p, true
		}
	}
	return client.Product{}, false
}

// hasCluster reports whether the account has a cluster with this id.
func (c *accountCatalog) hasCluster(id string) bool {
	for _, cl := range c.Clusters {
		if cl.ID == id {
			return true
		}
	}
	return false
}

// planCatalog returns the catalogue for a plan-time check of a kind of object ("Endpoint", ...).
// A key the API refuses (401 or 403) is an error: the apply could do nothing either, and a plan
// that passes with a wrong key only defers the surprise. So is an API that cannot be reached at
// all. Any other failure is a warning, and nil: the apply reports whatever Novita refuses.
func (d *providerData) planCatalog(ctx context.Context, kind string, diags *diag.Diagnostics) *accountCatalog {
	cat, err := d.catalog(ctx)
	if err == nil {
		return cat
	}
	var apiErr *client.APIError
	if errors.As(err, &apiErr) && (apiErr.StatusCode == http.StatusUnauthorized || apiErr.StatusCode == http.StatusForbidden) {
		diags.AddError("Novita Refused the API Key", fmt.Sprintf(
			"Novita at %s (set by %s) answered %d %s to the provider's first request: the API key is missing, wrong or not allowed. "+
				"Set api_key in the provider block or the %s environment variable to a valid Novita API key (sk_...). API message: %s",
			d.baseURL, d.baseURLSource, apiErr.StatusCode, http.StatusText(apiErr.StatusCode), envAPIKey, apiMessage(err)))
		return nil
	}
	if client.IsUnreachable(err) {
		// The apply could do nothing either; the error names the URL and what set it.
		diags.AddError("Novita Unreachable", fmt.Sprintf("The provider could not reach Novita to check this plan: %s. "+
			"Fix base_url in the provider block or the %s environment variable (unset both for %s), or the network, and plan again.",
			err, envBaseURL, client.DefaultBaseURL))
		return nil
	}
	diags.AddWarning(kind+" Not Checked Against the Account",
		"The provider could not read the account's limits, GPU products or clusters, so this plan was not checked against them; "+
			"the apply will report any value Novita refuses. Error: "+err.Error())
	return nil
}
