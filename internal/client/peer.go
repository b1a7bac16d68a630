package client

import (
	"context"
	"crypto/sha256"
	"net/url"
	"sync"
	"time"
)

// unreachableBudget is how long a host may refuse connections (or fail to resolve) before calls
// to it give up: long enough to ride out a restart or a network blip, short enough that a wrong
// base URL or an outage fails an apply in seconds rather than minutes.
const unreachableBudget = 30 * time.Second

// peer is what every Client in the process shares about one API host used with one API key:
// Terraform runs up to -parallelism resources at once, each with its own calls, and they must
// back off together.
//   - Rate limiting: after a 429, no request to the host leaves before the wait the server asked
//     for (or the backoff) has passed, so ten resources slow down together instead of each
//     hammering the account until it is refused in turn.
//   - Reachability: the time of the first connection failure since the host last answered. Every
//     call gives up once the host has been unreachable for unreachableBudget, so calls that start
//     late in an outage do not each wait out a budget of their own.
type peer struct {
	mu        sync.Mutex
	pauseEnd  time.Time // no request before this (zero: none)
	downSince time.Time // first connection failure since the last answer (zero: reachable)
}

// peers holds one *peer per host and key hash; the process lives as long as one Terraform
// command, so entries are never removed.
var peers = struct {
	sync.Mutex
	m map[string]*peer
}{m: map[string]*peer{}}

// peerFor returns the shared state of base (a URL; only scheme and host count) used with apiKey.
// The key is hashed so that it is kept nowhere but in the Client's config.
func peerFor(base, apiKey string) *peer {
	host := base
	if u, err := url.Parse(base); err == nil {
		host = u.Scheme + "://" + u.Host
	}
	sum := sha256.Sum256([]byte(apiKey))
	key := host + "\x00" + string(sum[:])
	peers.Lock()
	defer peers.Unlock()
	p := peers.m[key]
	if p == nil {
		p = &peer{}
		peers.m[key] = p
	}
	return p
}

// waitTurn waits until any rate-limit pause has passed (it may be extended while waiting).
func (p *peer) waitTurn(ctx context.Context, now func() time.Time, sleep func(context.Context, time.Duration) error) error {
	for {
		p.mu.Lock()
		d := p.pauseEnd.Sub(now())
		p.mu.Unlock()
		if d <= 0 {
			return nil
		}
		if err := sleep(ctx, d); err != nil {
			return err
		}
	}
}

// pause holds every request to the host until end (a later pause already set wins).
func (p *peer) pause(end time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if end.After(p.pauseEnd) {
		p.pauseEnd = end
	}
}

// answered records that the host answered: it is reachable.
func (p *peer) answered() {
	p.mu.Lock()
	p.downSince = time.Time{}
	p.mu.Unlock()
}

// unreachableFor records a connection failure at now and returns how long the host has been
// unreachable.
func (p *peer) unreachableFor(now time.Time) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.downSince.IsZero() {
		p.downSince = now
	}
	return now.Sub(p.downSince)
}
