package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
)

// serve runs the emulator until ctx ends. ready, if set, receives the base URL once listening.
func serve(ctx context.Context, cfg config, stdout, stderr io.Writer, ready func(baseURL string)) error {
	keys := map[string]string{}
	for _, k := range cfg.apiKeys {
		keys[k.key] = k.team
	}
	if cfg.stateFile != "" {
		if err := os.MkdirAll(filepath.Dir(cfg.stateFile), 0o700); err != nil {
			return fmt.Errorf("-state-file: %w", err)
		}
	}
	emu, err := emulator.New(emulator.Options{
		Keys:                keys,
		CreateDelay:         cfg.createDelay,
		UpdateDelay:         cfg.updateDelay,
		DeleteDelay:         cfg.deleteDelay,
		ClusterReactivation: cfg.reactivate,
		PrewarmTime:         cfg.prewarmTime,
		Speed:               cfg.speed,
		StateFile:           cfg.stateFile,
	})
	if err != nil {
		return err
	}
	defer emu.Close()
	for _, f := range cfg.faults {
		emu.InjectFault(f)
	}
	emu.SetFaultPlan(cfg.faultPlan)

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		if !strings.HasSuffix(cfg.addr, ":0") {
			return fmt.Errorf("%w (is another novita-emulator running there? stop it, or pick another port with -addr)", err)
		}
		return err
	}
	baseURL := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "Novita emulator listening on %s\n\n%s", baseURL, exportLines(baseURL, cfg.apiKeys[0].key))
	if len(cfg.apiKeys) > 1 {
		fmt.Fprintf(stdout, "\nAPI keys (each team sees only its own objects):\n")
		for _, k := range cfg.apiKeys {
			fmt.Fprintf(stdout, "  %s  team %s\n", k.key, k.team)
		}
	}
	if cfg.stateFile != "" {
		fmt.Fprintf(stdout, "\nState: %s (kept across restarts; delete it to start empty)\n", cfg.stateFile)
	}
	if n := len(cfg.faults); n > 0 {
		fmt.Fprintf(stdout, "\n%d fault(s) queued from -fault.\n", n)
	}
	if n := len(cfg.faultPlan.Rules); n > 0 {
		fmt.Fprintf(stdout, "\nFault plan from -fault-plan in force: %d rule(s), seed %d.\n", n, cfg.faultPlan.Seed)
	}
	if cfg.portFile != "" {
		if err := writeFileAtomic(cfg.portFile, baseURL+"\n"); err != nil {
			ln.Close()
			return fmt.Errorf("writing -port-file: %w", err)
		}
	}

	mux := http.NewServeMux()
	mux.Handle(faultsPath, faultsHandler(emu, keys))
	mux.Handle("/", emu)
	srv := &http.Server{Handler: logRequests(mux, stderr), ReadHeaderTimeout: 10 * time.Second}
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

// exportLines are the shell lines that point the provider at an emulator on baseURL.
func exportLines(baseURL, key string) string {
	return fmt.Sprintf("export NOVITA_BASE_URL=%s\nexport NOVITA_ASYNC_BASE_URL=%s/v1\nexport NOVITA_API_KEY=%s\n",
		shellQuote(baseURL), shellQuote(baseURL), shellQuote(key))
}

// printEnv writes the export lines of the configured address without serving: with a fixed port
// they are the same at every start, so `eval "$(novita-emulator -persist -env)"` can run anywhere.
func printEnv(w io.Writer, cfg config) error {
	host, port, _ := net.SplitHostPort(cfg.addr) // checked by parseFlags
	if port == "0" {
		return errors.New("-env needs a fixed port: add -persist (" + persistAddr + ") or -addr 127.0.0.1:PORT")
	}
	_, err := io.WriteString(w, exportLines("http://"+net.JoinHostPort(host, port), cfg.apiKeys[0].key))
	return err
}

// shellQuote returns s as one POSIX shell word: as is when it is plainly safe, else single-quoted.
func shellQuote(s string) string {
	safe := s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=@,+%", r))
	}) < 0
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
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
