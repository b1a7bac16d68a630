// Package emulatortest starts the Novita emulator for tests and gives them a fake clock. It
// imports nothing but the emulator and the standard library (never the client), so every
// package's tests can use it.
package emulatortest

import (
	"context"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
)

// Start serves a new emulator with opts on a loopback port picked at run time, for the test's
// lifetime: the server and the emulator are closed by t.Cleanup. srv.URL is the base URL of both
// the management API and, under /v1, the job gateway.
func Start(t testing.TB, opts emulator.Options) (*emulator.Emulator, *httptest.Server) {
	t.Helper()
	emu, err := emulator.New(opts)
	if err != nil {
		t.Fatalf("starting the emulator: %v", err)
	}
	srv := httptest.NewServer(emu) // listens on 127.0.0.1
	t.Cleanup(func() {
		srv.Close()
		_ = emu.Close()
	})
	return emu, srv
}

// Clock is a fake clock for emulator.Options.Now and gateway.Options.Now. A stopped clock moves
// only when a test calls Advance (or Sleep): runs are exactly reproducible. A running clock
// follows real time plus the offset Advance adds, for tests where Terraform runs in real time
// while the test jumps hours ahead. It is safe for concurrent use.
type Clock struct {
	mu      sync.Mutex
	now     time.Time // stopped clocks
	offset  time.Duration
	running bool
}

// NewClock returns a clock stopped at a fixed instant, so that runs are reproducible.
func NewClock() *Clock {
	return &Clock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

// NewRunningClock returns a clock that follows real time until a test advances it.
func NewRunningClock() *Clock { return &Clock{running: true} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.running {
		return time.Now().Add(c.offset)
	}
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.offset += d
}

// Sleep is a wait that moves the clock instead of waiting (for a client's pacing on the same
// clock as the emulator); it returns ctx's error, if any.
func (c *Clock) Sleep(ctx context.Context, d time.Duration) error {
	c.Advance(d)
	return ctx.Err()
}
