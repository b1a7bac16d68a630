package emulator

import "github.com/novitalabs/terraform-provider-novita/internal/emulator/gateway"

// Internals the external tests (package emulator_test) check directly.

// LookupJobEndpoint is the gateway's view of an endpoint, as the store's Directory gives it.
func (e *Emulator) LookupJobEndpoint(name string) (gateway.Endpoint, bool) {
	return directory{e}.LookupJobEndpoint(name)
}

const (
	MaxBodyBytes = maxBodyBytes
	MaxStorageGB = maxStorageGB
)

// OwnerID and MemberID are the ids the API shows for a team and for one of its keys.
var (
	OwnerID  = ownerID
	MemberID = memberID
)
