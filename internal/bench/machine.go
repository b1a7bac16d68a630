package main

import (
	"bufio"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// machine describes where the numbers were measured.
type machine struct {
	date                  time.Time
	cpu, memory, kernel   string
	cores                 int
	terraform, goVersion  string
	loadBefore, loadAfter string
}

func describeMachine(terraform string) machine {
	m := machine{
		date:       time.Now().UTC(),
		cpu:        procField("/proc/cpuinfo", "model name"),
		memory:     procField("/proc/meminfo", "MemTotal"),
		cores:      runtime.NumCPU(),
		goVersion:  runtime.Version(),
		loadBefore: loadAverage(),
		terraform:  "Terraform (version unknown)",
	}
	var u syscall.Utsname
	if syscall.Uname(&u) == nil {
		var b strings.Builder
		for _, c := range u.Release {
			if c == 0 {
				break
			}
			b.WriteByte(byte(c))
		}
		m.kernel = b.String()
	}
	if out, err := exec.Command(terraform, "version").Output(); err == nil {
		m.terraform, _, _ = strings.Cut(string(out), "\n")
	}
	return m
}

// procField returns the value of the first "name: value" line of a /proc file.
func procField(file, name string) string {
	f, err := os.Open(file)
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, value, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(key) == name {
			return strings.Join(strings.Fields(value), " ")
		}
	}
	return "unknown"
}

// loadAverage is the 1, 5 and 15 minute load average (the machine is shared).
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " / ")
}
