package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// A workload is one Terraform configuration: count objects of one kind (or of each novita kind).
type workload struct {
	kind     string // endpoint, storage, credential, mix (novita); noop; terraform_data
	count    int    // objects per kind
	dir      string // its working directory
	stateURL string // the http backend's address of its state; empty: the local backend
}

func (w workload) novita() bool { return w.kind != kindNoop && w.kind != kindTerraformData }

// objects is how many objects its state holds.
func (w workload) objects() int {
	if w.kind == kindMix {
		return 3 * w.count
	}
	return w.count
}

func (w workload) name() string {
	switch w.kind {
	case kindNoop:
		return "noop_object"
	case kindTerraformData:
		return "terraform_data"
	case kindMix:
		return "mix (endpoint + storage + credential)"
	}
	return "novita_" + map[string]string{kindEndpoint: "endpoint", kindStorage: "cloud_storage", kindCredential: "registry_credential"}[w.kind]
}

const (
	kindEndpoint      = "endpoint"
	kindStorage       = "storage"
	kindCredential    = "credential"
	kindMix           = "mix"
	kindNoop          = "noop"
	kindTerraformData = "terraform_data"
)

// The resource blocks; %d is the count. The endpoint is the smallest valid one for the emulator's
// catalogue (internal/emulator/catalog.go), waiting until it serves.
const (
	endpointBlock = `resource "novita_endpoint" "bench" {
  count          = %d
  name           = "bench-${count.index}"
  product_id     = "SL-serverless-1"
  cluster_id     = "us-dallas-1"
  min_workers    = 0
  max_workers    = 1
  idle_timeout   = 60
  scaling_policy = { type = "concurrency", value = 1 }
  image          = "example/echo:1"
  port           = 8080
  wait_for_ready = true
}
`
	storageBlock = `resource "novita_cloud_storage" "bench" {
  count      = %d
  name       = "bench-${count.index}"
  size_gb    = 10
  cluster_id = "us-dallas-1"
}
`
	credentialBlock = `resource "novita_registry_credential" "bench" {
  count    = %d
  name     = "bench-${count.index}"
  username = "bench"
  password = "bench-password"
}
`
	noopBlock = `resource "noop_object" "bench" {
  count = %d
  name  = "bench-${count.index}"
}
`
	terraformDataBlock = `resource "terraform_data" "bench" {
  count = %d
  input = "bench-${count.index}"
}
`
	requiredProvider = `terraform {
  required_providers {
    %s = { source = "novitalabs/%s" }
  }
}
`
	httpBackend = `terraform {
  backend "http" {
    address = %q
  }
}
`
)

// config is the workload's main.tf.
func (w workload) config() string {
	var b strings.Builder
	if w.stateURL != "" {
		fmt.Fprintf(&b, httpBackend, w.stateURL)
	}
	switch w.kind {
	case kindNoop:
		fmt.Fprintf(&b, requiredProvider, "noop", "noop")
		fmt.Fprintf(&b, noopBlock, w.count)
	case kindTerraformData:
		fmt.Fprintf(&b, terraformDataBlock, w.count)
	default:
		fmt.Fprintf(&b, requiredProvider, "novita", "novita")
		blocks := map[string]string{kindEndpoint: endpointBlock, kindStorage: storageBlock, kindCredential: credentialBlock}
		for _, kind := range []string{kindEndpoint, kindStorage, kindCredential} {
			if w.kind == kind || w.kind == kindMix {
				fmt.Fprintf(&b, blocks[kind], w.count)
			}
		}
	}
	return b.String()
}

// A phase is one Terraform command; plans must find nothing to change (-detailed-exitcode 0).
type phase struct {
	name string
	args []string
}

var phases = []phase{
	{"apply", []string{"apply", "-auto-approve"}},
	{"plan", []string{"plan", "-detailed-exitcode"}},
	{"plan -refresh=false", []string{"plan", "-detailed-exitcode", "-refresh=false"}},
	{"destroy", []string{"destroy", "-auto-approve"}},
}

// measurement is what one Terraform command cost.
type measurement struct {
	Wall            time.Duration
	CPU             time.Duration // Terraform and its provider processes
	ProviderCPU     time.Duration // the plugin provider processes only
	ProviderPeakRSS int64         // bytes, the largest of the provider processes
	ProviderProcs   int
	Calls           map[string]int // API calls by route
	Bytes           int64          // API response bytes
}

// runner runs Terraform commands with the CLI config that points at the wrapped providers.
type runner struct {
	ctx         context.Context // ends on Ctrl-C: Terraform is interrupted and stops its providers
	terraform   string
	parallelism int
	env         []string // Terraform's environment, without any log variable
	statsFile   string
}

// run runs one phase of w with extra environment variables and measures it.
func (r *runner) run(w workload, p phase, extraEnv ...string) (measurement, error) {
	var m measurement
	if err := os.WriteFile(r.statsFile, nil, 0o644); err != nil {
		return m, err
	}
	args := append(append([]string{}, p.args...), "-input=false", "-no-color")
	if p.name != "init" {
		args = append(args, fmt.Sprintf("-parallelism=%d", r.parallelism))
	}
	cmd := exec.CommandContext(r.ctx, r.terraform, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 30 * time.Second
	cmd.Dir = w.dir
	cmd.Env = append(append([]string{}, r.env...), extraEnv...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	m.Wall = time.Since(start)
	if err != nil {
		return m, fmt.Errorf("terraform %s in %s: %v\n%s", strings.Join(args, " "), w.dir, err, tail(out.String(), 40))
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.CPU = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return m, r.readProviderStats(&m)
}

// readProviderStats adds up what the wrapped provider processes of one command reported.
func (r *runner) readProviderStats(m *measurement) error {
	f, err := os.Open(r.statsFile)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var s processStats
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			return fmt.Errorf("provider stats %q: %w", sc.Text(), err)
		}
		m.ProviderProcs++
		m.ProviderCPU += s.CPU
		m.ProviderPeakRSS = max(m.ProviderPeakRSS, s.MaxRSS)
	}
	return sc.Err()
}

func tail(s string, lines int) string {
	all := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(all[max(0, len(all)-lines):], "\n")
}

// Terraform starts the providers through a wrapper: this program, linked into the dev_overrides
// directory under each provider's name. It runs the real binary of that name from $envWrapDir and
// appends the child's resource usage to $envStatsFile when it exits.
const (
	envWrapDir   = "NOVITA_BENCH_REAL_PROVIDERS"
	envStatsFile = "NOVITA_BENCH_STATS_FILE"
)

// processStats is one provider process's resource usage.
type processStats struct {
	CPU    time.Duration `json:"cpu"`
	MaxRSS int64         `json:"max_rss"`
}

// runWrapped is main for the wrapper: the real provider shares its stdio (the plugin handshake)
// and dies with it.
func runWrapped(realDir string) int {
	cmd := exec.Command(filepath.Join(realDir, filepath.Base(os.Args[0])), os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		fmt.Fprintln(os.Stderr, "bench wrapper:", err)
		return 1
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		line, _ := json.Marshal(processStats{CPU: time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), MaxRSS: ru.Maxrss * 1024})
		if f, err := os.OpenFile(os.Getenv(envStatsFile), os.O_APPEND|os.O_WRONLY, 0); err == nil {
			_, _ = f.Write(append(line, '\n'))
			_ = f.Close()
		}
	}
	return cmd.ProcessState.ExitCode()
}
