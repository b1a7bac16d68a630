// Command novita-emulator serves the in-memory Novita emulator on a loopback address, for trying
// the provider by hand. It prints the environment variables that point the provider at it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
)

type config struct {
	addr        string
	apiKey      string
	stateFile   string
	portFile    string
	speed       float64
	createDelay time.Duration
	updateDelay time.Duration
	deleteDelay time.Duration
	reactivate  time.Duration
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg, err := parseFlags(os.Args[1:], os.Getenv, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err == nil {
		err = serve(ctx, cfg, os.Stdout, os.Stderr, nil)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "novita-emulator:", err)
		os.Exit(1)
	}
}

// parseFlags reads the command line; the key defaults to $NOVITA_EMULATOR_API_KEY, then
// emulator.DefaultAPIKey.
func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("novita-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	defaultKey := getenv("NOVITA_EMULATOR_API_KEY")
	if defaultKey == "" {
		defaultKey = emulator.DefaultAPIKey
	}
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:0", "loopback `host:port` to listen on (port 0 picks a free port)")
	fs.StringVar(&cfg.apiKey, "api-key", defaultKey, "API key clients must send (default $NOVITA_EMULATOR_API_KEY, else the built-in key)")
	fs.StringVar(&cfg.stateFile, "state-file", "", "JSON `file` to load state from and save it to after every change")
	fs.StringVar(&cfg.portFile, "port-file", "", "write the base URL to this `file` once listening")
	fs.Float64Var(&cfg.speed, "speed", 1, "simulated job timings are divided by this factor")
	fs.DurationVar(&cfg.createDelay, "create-delay", 5*time.Second, "time an endpoint stays creating")
	fs.DurationVar(&cfg.updateDelay, "update-delay", 3*time.Second, "time an endpoint stays updating")
	fs.DurationVar(&cfg.deleteDelay, "delete-delay", 2*time.Second, "time an endpoint stays deleting")
	fs.DurationVar(&cfg.reactivate, "cluster-reactivation", 0, "after a cluster's last endpoint is deleted, refuse the next create there once within this time (0: off)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if cfg.apiKey == "" {
		return cfg, errors.New("-api-key must not be empty")
	}
	if cfg.speed <= 0 {
		return cfg, fmt.Errorf("-speed must be positive, got %v", cfg.speed)
	}
	if err := checkLoopback(cfg.addr); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// checkLoopback refuses addresses reachable from other machines: the emulator has one fixed key.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-addr %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("-addr %q is not a loopback address; use 127.0.0.1, ::1 or localhost", addr)
}

// serve runs the emulator until ctx ends. ready, if set, receives the base URL once listening.
func serve(ctx context.Context, cfg config, stdout, stderr io.Writer, ready func(baseURL string)) error {
	emu, err := emulator.New(emulator.Options{
		Keys:                map[string]string{cfg.apiKey: "default"},
		CreateDelay:         cfg.createDelay,
		UpdateDelay:         cfg.updateDelay,
		DeleteDelay:         cfg.deleteDelay,
		ClusterReactivation: cfg.reactivate,
		Speed:               cfg.speed,
		StateFile:           cfg.stateFile,
	})
	if err != nil {
		return err
	}
	defer emu.Close()

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	baseURL := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "Novita emulator listening on %s\n\nexport NOVITA_BASE_URL=%s\nexport NOVITA_ASYNC_BASE_URL=%s/v1\nexport NOVITA_API_KEY=%s\n",
		baseURL, baseURL, baseURL, cfg.apiKey)
	if cfg.portFile != "" {
		if err := writeFileAtomic(cfg.portFile, baseURL+"\n"); err != nil {
			ln.Close()
			return fmt.Errorf("writing -port-file: %w", err)
		}
	}

	srv := &http.Server{Handler: logRequests(emu, stderr), ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	if ready != nil {
		ready(baseURL)
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

// writeFileAtomic writes content so readers never see a partial file.
func writeFileAtomic(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".novita-emulator-port-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(content); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// logRequests writes one line per request: method, path, status, duration. Never headers (the key).
func logRequests(next http.Handler, w io.Writer) http.Handler {
	var mu sync.Mutex // requests finish concurrently; keep lines whole
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: rw, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "%s %s %s %d %s\n", start.UTC().Format(time.RFC3339), r.Method, r.URL.Path, rec.status, time.Since(start).Round(time.Millisecond))
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// Flush keeps streaming responses working through the recorder.
func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
