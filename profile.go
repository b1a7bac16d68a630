package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
)

// envCPUProfile names a directory: when set, each provider process writes its CPU profile there
// (novita-cpu-<pid>.pprof) when Terraform stops it. A developer aid for finding where a large plan's
// time goes (BENCHMARKS.md); Terraform starts several provider processes per command.
const envCPUProfile = "NOVITA_PROVIDER_CPU_PROFILE"

// startCPUProfile starts profiling into dir and returns the function that stops it. An empty dir
// profiles nothing.
func startCPUProfile(dir string) (stop func(), err error) {
	if dir == "" {
		return func() {}, nil
	}
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("novita-cpu-%d.pprof", os.Getpid())))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", envCPUProfile, err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("%s: %w", envCPUProfile, err)
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}, nil
}
