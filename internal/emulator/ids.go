package emulator

import (
	"crypto/rand"
	"encoding/hex"

	"github.com/google/uuid"
)

// newEndpointID returns 16 lowercase hex digits, the shape of Novita's endpoint ids, not yet taken.
func newEndpointID(taken func(string) bool) string {
	for {
		b := make([]byte, 8)
		_, _ = rand.Read(b) // crypto/rand.Read never fails
		if id := hex.EncodeToString(b); !taken(id) {
			return id
		}
	}
}

// Namespaces of the name-based UUIDs below, so that an owner and a member never share an id.
var (
	ownerNamespace  = uuid.MustParse("6f0c3c9e-2d7b-4c41-9a55-0b7f3e0e8a11")
	memberNamespace = uuid.MustParse("b1d9a6f2-47e3-4f0a-8c2e-5a6d9e3c7b24")
)

// ownerID is a team's owner_id: a UUID that stays the same across restarts.
func ownerID(team string) string { return uuid.NewSHA1(ownerNamespace, []byte(team)).String() }

// memberID is the member_id of whoever calls with key: one stable UUID per API key. It is a
// one-way hash, so the key cannot be read back from it.
func memberID(team, key string) string {
	return uuid.NewSHA1(memberNamespace, []byte(team+"\x00"+key)).String()
}
