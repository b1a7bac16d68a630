package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

// inUse describes an object (cloud storage, registry credential) that the API refuses to delete
// while an endpoint still uses it.
type inUse struct {
	kind   string // the object in messages: "Storage"
	reason string // the API's error reason while an endpoint uses it
	how    string // how endpoints use it, in messages: "is still mounted by"
	fix    string // what the user can do about it
	// replaced names the object in the create_before_destroy hint: "a cloud storage"
	replaced string
	// resourceType is the object's Terraform type: "novita_cloud_storage"
	resourceType string
	// del is the client's delete, as a method expression: (*client.Client).DeleteCloudStorage.
	del func(c *client.Client, ctx context.Context, id string) error
	// usedBy reports whether endpoint e uses object id.
	usedBy func(e client.Endpoint, id string) bool
}

// deleteWhenReleased deletes object id, retrying for at most timeout while an endpoint still
// uses it (one being deleted in the same apply lets go on its own). Not found counts as
// deleted. An object still in use at the end gives an error naming the endpoints and the fix.
func deleteWhenReleased(ctx context.Context, c *client.Client, u inUse, id string, timeout time.Duration) error {
	err := retryWhileInUse(ctx, inUseRetry, timeout, u.reason, func(ctx context.Context) error { return u.del(c, ctx, id) })
	switch {
	case err == nil || client.IsNotFound(err):
		return nil
	case client.HasReason(err, u.reason):
		users := endpointsUsing(ctx, c, func(e client.Endpoint) bool { return u.usedBy(e, id) })
		return u.stillInUse(id, users, timeout, err)
	default:
		return err
	}
}

// stillInUse is the error of an object still in use at the end of the wait, naming the
// endpoints (users), what to do, and how to replace such an object without this wait.
func (u inUse) stillInUse(id, users string, timeout time.Duration, err error) error {
	return fmt.Errorf("%s %s %s %s (%s) after waiting %s. %s, then destroy again; "+
		"raise timeouts.delete if an endpoint takes longer to go away. "+
		"To replace %s that an endpoint uses, give the %s lifecycle { create_before_destroy = true }: "+
		"the endpoint then switches to the new one before the old one is deleted. API said: %s",
		u.kind, id, u.how, users, u.reason, timeout, u.fix, u.replaced, u.resourceType, apiMessage(err))
}

// inUseRetry paces retryWhileInUse: from half a second, doubling up to 10 s.
var inUseRetry = client.PollPolicy{Pace: client.Backoff{Base: 500 * time.Millisecond, Cap: 10 * time.Second, Factor: 2}}

// retryWhileInUse calls op, paced by p, until it returns anything but an APIError with reason, or
// until timeout passes (then it tries once more) or ctx ends; it returns op's last error.
func retryWhileInUse(ctx context.Context, p client.PollPolicy, timeout time.Duration, reason string, op func(context.Context) error) error {
	waitCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var last error
	// op runs under ctx: the timeout bounds the waiting and never cuts a call short.
	_, _ = client.Poll(waitCtx, p, func(context.Context) (struct{}, client.PollState, error) {
		if last = op(ctx); client.HasReason(last, reason) {
			tflog.Debug(ctx, "object still in use; retrying", map[string]any{"reason": reason})
			return struct{}{}, client.PollAgain, nil
		}
		return struct{}{}, client.PollDone, nil
	})
	if client.HasReason(last, reason) && ctx.Err() == nil {
		last = op(ctx) // the timeout passed while waiting: one last try
	}
	return last
}

// endpointsUsing names, for an error message, the endpoints for which uses is true
// ("endpoint a (name), b (name)"), or "an endpoint" when there are none or listing fails.
func endpointsUsing(ctx context.Context, c *client.Client, uses func(client.Endpoint) bool) string {
	const fallback = "an endpoint"
	eps, err := c.ListEndpoints(ctx, "")
	if err != nil {
		return fallback
	}
	var names []string
	for _, e := range eps {
		if uses(e) {
			names = append(names, endpointLabel(e))
		}
	}
	if len(names) == 0 {
		return fallback
	}
	return "endpoint " + strings.Join(names, ", ")
}

// endpointLabel names an endpoint in messages: its id, and its name in parentheses if it has one.
func endpointLabel(e client.Endpoint) string {
	if e.Name == "" {
		return e.ID
	}
	return fmt.Sprintf("%s (%q)", e.ID, e.Name)
}
