package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
)

// result is one phase of one workload at one size.
type result struct {
	size  int
	work  workload
	phase string
	m     measurement
}

// Extra phases, run at the largest size before the destroys (runExtras).
const (
	phasePlanLogsOn      = "plan, SDK logs on"
	phasePlanNoRefreshOn = "plan -refresh=false, SDK logs on"
	phasePlanProfiled    = "plan, CPU profiled"
)

// sdkLogsOn is the environment of a run with the SDK's loggers as the libraries default them
// (TRACE). Terraform itself does not read these variables, so it still logs nothing.
var sdkLogsOn = []string{"TF_LOG_SDK=trace", "TF_LOG_SDK_PROTO=trace", "TF_LOG_SDK_FRAMEWORK=trace"}

type bench struct {
	opts    options
	work    string
	api     *apiServer
	tf      *runner
	results []result
	started time.Time
	machine machine
}

func run(ctx context.Context, o options) error {
	b := &bench{opts: o, started: time.Now()}
	var err error
	if b.work, err = os.MkdirTemp("", "novita-bench-"); err != nil {
		return err
	}
	defer func() {
		if o.keep {
			fmt.Println("working directory kept:", b.work)
		} else {
			_ = os.RemoveAll(b.work)
		}
	}()
	if err := b.setUp(ctx); err != nil {
		return err
	}
	defer b.api.Close()
	for _, n := range o.sizes {
		if err := b.runSize(n, n == slices.Max(o.sizes)); err != nil {
			return err
		}
	}
	b.machine.loadAfter = loadAverage()
	rep := report{results: b.results, sizes: o.sizes, machine: b.machine, duration: time.Since(b.started), parallelism: o.parallelism}
	text := rep.markdown()
	fmt.Println()
	fmt.Print(text)
	if o.out != "" {
		return writeBetweenMarkers(o.out, text)
	}
	return nil
}

// setUp builds both providers, links the wrapper under their names, writes the CLI config and
// starts the emulator.
func (b *bench) setUp(ctx context.Context) error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	realDir, wrapped := filepath.Join(b.work, "real"), filepath.Join(b.work, "wrapped")
	fmt.Println("building the providers into", realDir)
	for name, pkg := range map[string]string{"terraform-provider-novita": ".", "terraform-provider-noop": "./internal/bench/noop"} {
		cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", filepath.Join(realDir, name), pkg)
		cmd.Dir, cmd.Stdout, cmd.Stderr = root, os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go build %s: %w", pkg, err)
		}
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(wrapped, 0o755); err != nil {
		return err
	}
	for _, name := range []string{"terraform-provider-novita", "terraform-provider-noop"} {
		if err := os.Symlink(self, filepath.Join(wrapped, name)); err != nil {
			return err
		}
	}
	cliConfig := filepath.Join(b.work, "dev.tfrc")
	err = os.WriteFile(cliConfig, []byte(fmt.Sprintf(`provider_installation {
  dev_overrides {
    "novitalabs/novita" = %q
    "novitalabs/noop"   = %q
  }
  direct {}
}
`, wrapped, wrapped)), 0o644)
	if err != nil {
		return err
	}
	terraform, err := exec.LookPath("terraform")
	if err != nil {
		return fmt.Errorf("terraform is not on PATH: %w", err)
	}
	if b.api, err = startEmulator(); err != nil {
		return err
	}
	b.tf = &runner{ctx: ctx, terraform: terraform, parallelism: b.opts.parallelism, statsFile: filepath.Join(b.work, "provider-stats.jsonl")}
	b.tf.env = append(cleanEnv(os.Environ()), "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		envWrapDir+"="+realDir, envStatsFile+"="+b.tf.statsFile)
	b.tf.env = append(b.tf.env, b.api.env()...)
	b.machine = describeMachine(terraform)
	fmt.Printf("emulator on %s; %s\n", b.api.url, b.machine.terraform)
	return nil
}

// cleanEnv drops what would change Terraform's or the providers' behaviour: log variables, a CLI
// config, reattached providers and Novita settings.
func cleanEnv(env []string) []string {
	return slices.DeleteFunc(slices.Clone(env), func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		return strings.HasPrefix(name, "TF_LOG") || strings.HasPrefix(name, "NOVITA_") ||
			name == "TF_CLI_CONFIG_FILE" || name == "TF_REATTACH_PROVIDERS" || name == "TF_CLI_ARGS" || strings.HasPrefix(name, "TF_CLI_ARGS_")
	})
}

func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	gomod := strings.TrimSpace(string(out))
	if err != nil || gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("run from inside the repository (go env GOMOD: %q, %v)", gomod, err)
	}
	return filepath.Dir(gomod), nil
}

// runSize measures two groups, each workload next to the baselines of its object count: N of
// each Novita type, then the mix (N of each). Within a group the workloads take turns per phase,
// so that the machine's load at any moment weighs on all of them alike.
func (b *bench) runSize(n int, largest bool) error {
	groups := [][]string{
		{kindEndpoint, kindStorage, kindCredential, kindNoop, kindTerraformData},
		{kindMix, kindNoop, kindTerraformData},
	}
	for _, kinds := range groups {
		mixGroup := kinds[0] == kindMix
		var works []workload
		for _, kind := range kinds {
			w := workload{kind: kind, count: n}
			if mixGroup && !w.novita() {
				w.count = 3 * n // the mix's baselines hold as many objects as the mix
			}
			name := fmt.Sprintf("%s-%d", kind, w.objects())
			w.dir = filepath.Join(b.work, name)
			if !b.opts.localState {
				w.stateURL = b.api.url + statePrefix + name
			}
			if err := b.prepare(w); err != nil {
				return err
			}
			works = append(works, w)
		}
		if err := b.runGroup(n, works, largest); err != nil {
			return err
		}
	}
	return nil
}

// prepare writes the workload's configuration and initializes its backend. Providers under
// dev_overrides need no init, and init would look them up in the registry: it runs on the backend
// block alone, before the rest of the configuration is written.
func (b *bench) prepare(w workload) error {
	if err := os.MkdirAll(w.dir, 0o755); err != nil {
		return err
	}
	main := filepath.Join(w.dir, "main.tf")
	if w.stateURL != "" {
		if err := os.WriteFile(main, []byte(fmt.Sprintf(httpBackend, w.stateURL)), 0o644); err != nil {
			return err
		}
		if _, err := b.tf.run(w, phase{name: "init", args: []string{"init"}}); err != nil {
			return err
		}
	}
	return os.WriteFile(main, []byte(w.config()), 0o644)
}

// runGroup runs every phase of every workload, checking the emulator's object counts after apply
// and destroy. extras adds the optional measurements (runExtras) before destroy.
func (b *bench) runGroup(n int, works []workload, extras bool) error {
	for _, p := range phases {
		if p.name == "destroy" && extras {
			if err := b.runExtras(n, works); err != nil {
				return err
			}
		}
		for _, w := range works {
			if err := b.measure(n, w, p, p.name); err != nil {
				return err
			}
		}
		if p.name == "apply" || p.name == "destroy" {
			if err := b.checkCounts(works, p.name == "apply"); err != nil {
				return err
			}
		}
	}
	return nil
}

// runExtras measures, at the largest size, the mix's plans with the SDK's logs on (-sdk-logs) and
// one CPU-profiled plan of each Novita workload (-profile).
func (b *bench) runExtras(n int, works []workload) error {
	for _, w := range works {
		if !b.opts.sdkLogs || w.kind != kindMix {
			continue
		}
		if err := b.measure(n, w, phases[1], phasePlanLogsOn, sdkLogsOn...); err != nil {
			return err
		}
		if err := b.measure(n, w, phases[2], phasePlanNoRefreshOn, sdkLogsOn...); err != nil {
			return err
		}
	}
	for _, w := range works {
		if b.opts.profileDir == "" || !w.novita() {
			continue
		}
		dir, err := filepath.Abs(filepath.Join(b.opts.profileDir, filepath.Base(w.dir)))
		if err == nil {
			err = os.MkdirAll(dir, 0o755)
		}
		if err != nil {
			return err
		}
		if err := b.measure(n, w, phases[1], phasePlanProfiled, "NOVITA_PROVIDER_CPU_PROFILE="+dir); err != nil {
			return err
		}
	}
	return nil
}

func (b *bench) measure(n int, w workload, p phase, name string, extraEnv ...string) error {
	b.api.counter.take() // calls between runs (none expected) do not count
	m, err := b.tf.run(w, p, extraEnv...)
	if err != nil {
		return err
	}
	m.Calls, m.Bytes = b.api.counter.take()
	b.results = append(b.results, result{size: n, work: w, phase: name, m: m})
	fmt.Printf("%7.1fs  N=%-4d %-40s %-34s %6.2fs  provider CPU %5.2fs, peak RSS %4.0f MB, %d API calls\n",
		time.Since(b.started).Seconds(), n, w.name(), name, m.Wall.Seconds(), m.ProviderCPU.Seconds(), mb(m.ProviderPeakRSS), total(m.Calls))
	return nil
}

// checkCounts proves that the applies created every object and the destroys removed them all.
func (b *bench) checkCounts(works []workload, applied bool) error {
	var want emulator.Counts
	for _, w := range works {
		if !applied {
			continue
		}
		for _, kind := range []string{kindEndpoint, kindStorage, kindCredential} {
			if w.kind != kind && w.kind != kindMix {
				continue
			}
			switch kind {
			case kindEndpoint:
				want.Endpoints += w.count
			case kindStorage:
				want.CloudStorages += w.count
			case kindCredential:
				want.RegistryCredentials += w.count
			}
		}
	}
	if got := b.api.emu.Counts(); got != want {
		return fmt.Errorf("the emulator holds %+v, want %+v", got, want)
	}
	return nil
}

func total(calls map[string]int) int {
	n := 0
	for _, c := range calls {
		n += c
	}
	return n
}

func mb(bytes int64) float64 { return float64(bytes) / (1 << 20) }
