// Command novita-emulator serves the in-memory Novita emulator on a loopback address, for trying
// the provider by hand and for running `terraform test` offline. It prints the environment
// variables that point the provider at it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
)

// version is set by the release build (goreleaser) through -ldflags; `go install ...@vX.Y.Z`
// builds report the module version instead.
var version = ""

// persistAddr is the address -persist listens on, so the export lines stay valid across restarts.
const persistAddr = "127.0.0.1:8787"

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
	faults      []emulator.Fault   // queued before the first request
	faultPlan   emulator.FaultPlan // in force from the start (-fault-plan)
	printEnv    bool               // print the export lines and exit
	showVersion bool
	prewarmTime time.Duration
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg, err := parseFlags(os.Args[1:], os.Getenv, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err == nil {
		switch {
		case cfg.showVersion:
			fmt.Println("novita-emulator", buildVersion())
		case cfg.printEnv:
			err = printEnv(os.Stdout, cfg)
		default:
			err = serve(ctx, cfg, os.Stdout, os.Stderr, nil)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "novita-emulator:", err)
		os.Exit(1)
	}
}

// buildVersion is the release's version, else the module version of a `go install`, else "dev".
func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
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

// faultsFlag collects repeated -fault flags.
type faultsFlag struct{ faults *[]emulator.Fault }

func (f faultsFlag) String() string { return "" }

func (f faultsFlag) Set(s string) error {
	fault, err := parseFault(s)
	if err != nil {
		return err
	}
	*f.faults = append(*f.faults, fault)
	return nil
}

// userCacheDir is where -persist keeps its state file; tests point it elsewhere.
var userCacheDir = os.UserCacheDir

// parseFlags reads the command line. Keys: every -api-key flag; without any, the comma-separated
// list in $NOVITA_EMULATOR_API_KEY; without that, emulator.DefaultAPIKey.
func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var cfg config
	var persist bool
	fs := flag.NewFlagSet("novita-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:0", "loopback `host:port` to listen on (port 0 picks a free port)")
	fs.Var(keysFlag{&cfg.apiKeys}, "api-key", "`key` or key=team clients may send; repeatable, each team sees only its own objects (default: the comma-separated list in $NOVITA_EMULATOR_API_KEY, else the built-in key, team \"default\")")
	fs.StringVar(&cfg.stateFile, "state-file", "", "JSON `file` to load state from and save it to after every change (its directory is created; a file written by the emulator of the v1 endpoint API is refused)")
	fs.BoolVar(&persist, "persist", false, "keep one address and one state across restarts: -addr "+persistAddr+" and -state-file <user cache dir>/novita-emulator/state.json, unless given")
	fs.BoolVar(&cfg.printEnv, "env", false, "print the export lines for this address and key, for eval \"$(novita-emulator -persist -env)\", and exit (needs a fixed port)")
	fs.Var(faultsFlag{&cfg.faults}, "fault", "answer the next N requests (default 1) to PATH with an error; `spec` is \"METHOD PATH STATUS [times=N] [retry-after=SECONDS] [reason=REASON]\", METHOD * matches any; repeatable")
	fs.Func("fault-plan", "inject faults into a seeded, repeatable fraction of requests; `spec` is rules separated by \";\", each key=value pairs: method, path (exact, or a prefix ending in *), error, 429, drop, acted (fractions: 5xx or 429 without acting, dropped connection, carried out then 502 or dropped), retry-after (seconds), latency (duration), seed; for example \"seed=7,error=0.1,429=0.05,acted=0.05,latency=20ms\"", func(spec string) (err error) {
		cfg.faultPlan, err = emulator.ParseFaultPlan(spec)
		return err
	})
	fs.StringVar(&cfg.portFile, "port-file", "", "write the base URL to this `file` once listening")
	fs.Float64Var(&cfg.speed, "speed", 1, "simulated job timings are divided by this factor")
	fs.DurationVar(&cfg.createDelay, "create-delay", 5*time.Second, "time an endpoint stays creating")
	fs.DurationVar(&cfg.updateDelay, "update-delay", 3*time.Second, "time an endpoint stays updating")
	fs.DurationVar(&cfg.deleteDelay, "delete-delay", 2*time.Second, "time an endpoint stays deleting")
	fs.DurationVar(&cfg.prewarmTime, "prewarm-time", 10*time.Second, "time an image prewarm task takes to succeed (Pending for its first fifth)")
	fs.DurationVar(&cfg.reactivate, "cluster-reactivation", 0, "after a cluster's last endpoint is deleted, refuse the next create there once within this time (0: off)")
	fs.BoolVar(&cfg.showVersion, "version", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if persist {
		if err := applyPersist(fs, &cfg); err != nil {
			return cfg, err
		}
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

// applyPersist fills in -persist's address and state file where the command line gave none.
func applyPersist(fs *flag.FlagSet, cfg *config) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	if !given["addr"] {
		cfg.addr = persistAddr
	}
	if !given["state-file"] {
		dir, err := userCacheDir()
		if err != nil {
			return fmt.Errorf("-persist: no user cache directory for the state file (%w); pass -state-file", err)
		}
		cfg.stateFile = filepath.Join(dir, "novita-emulator", "state.json")
	}
	return nil
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
