// Package emulatortest starts the Novita emulator for tests and gives them a fake clock. It
// imports nothing but the emulator and the standard library (never the client), so every
// package's tests can use it.
package emulatortest

import (
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

// Clock is a fake clock for emulator.Options.Now and gateway.Options.Now: time moves only when a
// test calls Advance. It is safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock stopped at a fixed instant, so that runs are reproducible.
func NewClock() *Clock {
	return &Clock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
