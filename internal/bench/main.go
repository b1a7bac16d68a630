// Command bench measures the Novita provider on large states against two baselines in the same
// run: Terraform's built-in terraform_data and a no-op framework provider (internal/bench/noop).
// For each size N it applies, plans, plans with -refresh=false and destroys N objects of each
// Novita resource type and of all three together, against the emulator served in this process with
// instant lifecycles, and reports times, their ratios to the baselines, the provider's CPU and
// peak memory, and the API calls per phase and route. make bench runs it and writes BENCHMARKS.md.
//
//	go run ./internal/bench -n 100,500 -out BENCHMARKS.md
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
)

type options struct {
	sizes       []int
	out         string // Markdown file to update between its markers; empty: print only
	parallelism int
	profileDir  string // where the provider's CPU profiles of one refresh per workload go
	sdkLogs     bool   // also plan the largest mix with the SDK's logs on, as before
	localState  bool   // keep state in the local backend instead of the harness's http backend
	keep        bool
}

func main() {
	// Terraform starts the providers through this same program (see runWrapped).
	if dir := os.Getenv(envWrapDir); dir != "" {
		os.Exit(runWrapped(dir))
	}
	var o options
	var sizes string
	flag.StringVar(&sizes, "n", "100,500", "comma-separated `sizes`: objects of each Novita resource type")
	flag.StringVar(&o.out, "out", "", "Markdown `file` whose section between the bench markers gets the results (BENCHMARKS.md)")
	flag.IntVar(&o.parallelism, "parallelism", 10, "terraform -parallelism")
	flag.StringVar(&o.profileDir, "profile", "", "`directory` for the provider's CPU profiles of one extra plan of each Novita workload at the largest size")
	flag.BoolVar(&o.sdkLogs, "sdk-logs", false, "also plan the largest mix with the SDK's logs on (TF_LOG_SDK*=trace), as the provider did before it turned them off")
	flag.BoolVar(&o.localState, "local-state", false, "keep Terraform's state in local files (rewritten after every object) instead of an http backend served by the harness")
	flag.BoolVar(&o.keep, "keep", false, "keep the working directory (printed at the end)")
	flag.Parse()
	var err error
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	if o.sizes, err = parseSizes(sizes); err == nil {
		err = run(ctx, o)
	}
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func parseSizes(s string) ([]int, error) {
	var sizes []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-n: %q is not a positive number of objects", f)
		}
		sizes = append(sizes, n)
	}
	return sizes, nil
}
