package emulator

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
)

// newHexID returns 16 lowercase hex digits (an endpoint id) not yet taken.
func newHexID(taken func(string) bool) string {
	for {
		b := make([]byte, 8)
		_, _ = rand.Read(b) // crypto/rand.Read never fails
		if id := hex.EncodeToString(b); !taken(id) {
			return id
		}
	}
}

// newUUID returns a random (version 4) UUID not yet taken.
func newUUID(taken func(string) bool) string {
	for {
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		b[6] = b[6]&0x0f | 0x40
		b[8] = b[8]&0x3f | 0x80
		id := fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
		if !taken(id) {
			return id
		}
	}
}
