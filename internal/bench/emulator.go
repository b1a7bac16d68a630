package main

import (
	"errors"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"

	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
)

// apiServer is the emulator served on a loopback port, behind a counter of calls and bytes, and
// Terraform's state (state.go) beside it.
type apiServer struct {
	emu     *emulator.Emulator
	counter *callCounter
	url     string
	srv     *http.Server
}

// startEmulator serves an emulator with instant lifecycles (zero delays) on 127.0.0.1.
func startEmulator() (*apiServer, error) {
	emu, err := emulator.New(emulator.Options{})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = emu.Close()
		return nil, err
	}
	counter := &callCounter{next: emu, calls: map[string]int{}}
	mux := http.NewServeMux()
	mux.Handle("/", counter)
	mux.Handle(statePrefix, &stateStore{states: map[string][]byte{}})
	s := &apiServer{emu: emu, counter: counter, url: "http://" + ln.Addr().String(), srv: &http.Server{Handler: mux}}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			panic(err)
		}
	}()
	return s, nil
}

func (s *apiServer) Close() {
	_ = s.srv.Close()
	_ = s.emu.Close()
}

// env points the Novita provider at the emulator.
func (s *apiServer) env() []string {
	return []string{
		"NOVITA_BASE_URL=" + s.url,
		"NOVITA_ASYNC_BASE_URL=" + s.url + "/v1",
		"NOVITA_API_KEY=" + emulator.DefaultAPIKey,
	}
}

// callCounter counts requests by route and the response bytes sent back (what the provider receives).
type callCounter struct {
	next  http.Handler
	mu    sync.Mutex
	calls map[string]int
	bytes int64
}

func (c *callCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	cw := &countingWriter{ResponseWriter: w}
	c.next.ServeHTTP(cw, r)
	c.mu.Lock()
	c.calls[r.Method+" "+routeOf(r.URL.Path)]++
	c.bytes += cw.n
	c.mu.Unlock()
}

// take returns the calls and bytes counted since the last take.
func (c *callCounter) take() (map[string]int, int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	calls, bytes := c.calls, c.bytes
	c.calls, c.bytes = map[string]int{}, 0
	return calls, bytes
}

type countingWriter struct {
	http.ResponseWriter
	n int64
}

func (w *countingWriter) Write(b []byte) (int, error) {
	n, err := w.ResponseWriter.Write(b)
	w.n += int64(n)
	return n, err
}

// idSegment matches the ids the emulator hands out: 16 hex digits (endpoints) or a UUID.
var idSegment = regexp.MustCompile(`^([0-9a-f]{16}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`)

// routeOf replaces the ids in a path with {id}, so that calls on different objects count together.
func routeOf(path string) string {
	segments := strings.Split(path, "/")
	for i, s := range segments {
		if idSegment.MatchString(s) {
			segments[i] = "{id}"
		}
	}
	return strings.Join(segments, "/")
}
