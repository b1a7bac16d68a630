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
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
)

type config struct {
	addr        string
	apiKeys     []apiKey // the first is the one printed in the export lines
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

// apiKey is one key the emulator accepts and the team (account) whose objects it sees.
type apiKey struct {
	key  string
	team string
}

const defaultTeam = "default"

// parseAPIKey reads "key" or "key=team".
func parseAPIKey(s string) (apiKey, error) {
	key, team, hasTeam := strings.Cut(strings.TrimSpace(s), "=")
	if !hasTeam {
		team = defaultTeam
	}
	if key == "" {
		return apiKey{}, errors.New("an API key must not be empty")
	}
	if team == "" {
		return apiKey{}, fmt.Errorf("an API key's team after %q must not be empty", "=")
	}
	return apiKey{key: key, team: team}, nil
}

// keysFlag collects repeated -api-key flags.
type keysFlag struct{ keys *[]apiKey }

func (f keysFlag) String() string { return "" } // no key in the usage text

func (f keysFlag) Set(s string) error {
	k, err := parseAPIKey(s)
	if err != nil {
		return err
	}
	*f.keys = append(*f.keys, k)
	return nil
}

// parseFlags reads the command line. Keys: every -api-key flag; without any, the comma-separated
// list in $NOVITA_EMULATOR_API_KEY; without that, emulator.DefaultAPIKey.
func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("novita-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:0", "loopback `host:port` to listen on (port 0 picks a free port)")
	fs.Var(keysFlag{&cfg.apiKeys}, "api-key", "`key` or key=team clients may send; repeatable, each team sees only its own objects (default: the comma-separated list in $NOVITA_EMULATOR_API_KEY, else the built-in key, team \"default\")")
	fs.StringVar(&cfg.stateFile, "state-file", "", "JSON `file` to load state from and save it to after every change (a file written by the emulator of the v1 endpoint API is refused)")
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
	if len(cfg.apiKeys) == 0 {
		if err := keysFromEnv(&cfg, getenv("NOVITA_EMULATOR_API_KEY")); err != nil {
			return cfg, err
		}
	}
	seen := map[string]bool{}
	for _, k := range cfg.apiKeys {
		if seen[k.key] {
			return cfg, errors.New("the same API key is given twice")
		}
		seen[k.key] = true
	}
	if cfg.speed <= 0 {
		return cfg, fmt.Errorf("-speed must be positive, got %v", cfg.speed)
	}
	if err := checkLoopback(cfg.addr); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// keysFromEnv reads NOVITA_EMULATOR_API_KEY's comma-separated list; unset, the built-in key.
func keysFromEnv(cfg *config, list string) error {
	if strings.TrimSpace(list) == "" {
		cfg.apiKeys = []apiKey{{key: emulator.DefaultAPIKey, team: defaultTeam}}
		return nil
	}
	for _, item := range strings.Split(list, ",") {
		if strings.TrimSpace(item) == "" {
			continue // tolerate "a,,b" and a trailing comma
		}
		k, err := parseAPIKey(item)
		if err != nil {
			return fmt.Errorf("NOVITA_EMULATOR_API_KEY: %w", err)
		}
		cfg.apiKeys = append(cfg.apiKeys, k)
	}
	return nil
}

// checkLoopback refuses addresses reachable from other machines: the emulator's keys are no secret.
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
	keys := map[string]string{}
	for _, k := range cfg.apiKeys {
		keys[k.key] = k.team
	}
	emu, err := emulator.New(emulator.Options{
		Keys:                keys,
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
		baseURL, baseURL, baseURL, cfg.apiKeys[0].key)
	if len(cfg.apiKeys) > 1 {
		fmt.Fprintf(stdout, "\nAPI keys (each team sees only its own objects):\n")
		for _, k := range cfg.apiKeys {
			fmt.Fprintf(stdout, "  %s  team %s\n", k.key, k.team)
		}
	}
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
