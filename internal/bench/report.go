package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"
)

// report renders the results as the Markdown that BENCHMARKS.md holds between its markers.
type report struct {
	results     []result
	sizes       []int
	machine     machine
	duration    time.Duration
	parallelism int
}

func (r report) markdown() string {
	var b strings.Builder
	m := r.machine
	fmt.Fprintf(&b, "## Results of %s\n\n", m.date.Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(&b, "Machine: %s, %d cores, %s RAM, Linux %s; load average %s before, %s after. %s, %s, `-parallelism=%d`. "+
		"The whole run took %s.\n\n", m.cpu, m.cores, m.memory, m.kernel, m.loadBefore, m.loadAfter, m.terraform, m.goVersion,
		r.parallelism, r.duration.Round(time.Second))
	for _, n := range r.sizes {
		r.timesTable(&b, n)
		r.callsTable(&b, n)
	}
	r.loggingTable(&b)
	r.targets(&b)
	return b.String()
}

// find returns the result of a phase of the workload of kind holding objects objects at size n.
func (r report) find(n int, kind string, objects int, phase string) *result {
	for i := range r.results {
		res := &r.results[i]
		if res.size == n && res.work.kind == kind && res.work.objects() == objects && res.phase == phase {
			return res
		}
	}
	return nil
}

// novitaResults are the Novita workloads' results at size n in the order they ran, phases given.
func (r report) novitaResults(n int, phaseNames ...string) []result {
	var out []result
	for _, res := range r.results {
		if res.size == n && res.work.novita() && slices.Contains(phaseNames, res.phase) {
			out = append(out, res)
		}
	}
	return out
}

// ratio is res's wall time over the baseline's of the same object count and phase (0: none).
func (r report) ratio(res result, baseline string) float64 {
	base := r.find(res.size, baseline, res.work.objects(), res.phase)
	if base == nil || base.m.Wall <= 0 {
		return 0
	}
	return res.m.Wall.Seconds() / base.m.Wall.Seconds()
}

// cpuRatio is res's CPU time (Terraform and provider) over the baseline's. On a loaded machine it
// is steadier than the wall-time ratio, which also measures how the scheduler treated each run.
func (r report) cpuRatio(res result, baseline string) float64 {
	base := r.find(res.size, baseline, res.work.objects(), res.phase)
	if base == nil || base.m.CPU <= 0 {
		return 0
	}
	return res.m.CPU.Seconds() / base.m.CPU.Seconds()
}

func phaseNames() []string {
	var names []string
	for _, p := range phases {
		names = append(names, p.name)
	}
	return names
}

func (r report) timesTable(b *strings.Builder, n int) {
	fmt.Fprintf(b, "### N = %d: wall time against the baselines\n\n", n)
	b.WriteString("| workload | objects | phase | novita | noop_object | terraform_data | × noop | × terraform_data | × noop, CPU | provider CPU | Terraform CPU | provider peak RSS | API calls | received |\n")
	b.WriteString("|---|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, res := range r.novitaResults(n, phaseNames()...) {
		noop := r.find(n, kindNoop, res.work.objects(), res.phase)
		data := r.find(n, kindTerraformData, res.work.objects(), res.phase)
		fmt.Fprintf(b, "| %s | %d | %s | %s | %s | %s | %.2f | %.2f | %.2f | %s | %s | %.0f MB | %d | %s |\n",
			res.work.name(), res.work.objects(), res.phase, secs(res.m.Wall), wallOf(noop), wallOf(data),
			r.ratio(res, kindNoop), r.ratio(res, kindTerraformData), r.cpuRatio(res, kindNoop), secs(res.m.ProviderCPU), secs(res.m.CPU-res.m.ProviderCPU),
			mb(res.m.ProviderPeakRSS), total(res.m.Calls), kb(res.m.Bytes))
	}
	b.WriteString("\nThe baselines' own costs, for reference (provider CPU and peak RSS of the no-op provider's processes; terraform_data runs inside Terraform):\n\n")
	b.WriteString("| baseline | objects | phase | wall | provider CPU | Terraform CPU | provider peak RSS |\n|---|--:|---|--:|--:|--:|--:|\n")
	for _, res := range r.results {
		if res.size == n && !res.work.novita() {
			fmt.Fprintf(b, "| %s | %d | %s | %s | %s | %s | %.0f MB |\n", res.work.name(), res.work.objects(), res.phase,
				secs(res.m.Wall), secs(res.m.ProviderCPU), secs(res.m.CPU-res.m.ProviderCPU), mb(res.m.ProviderPeakRSS))
		}
	}
	b.WriteString("\n")
}

func (r report) callsTable(b *strings.Builder, n int) {
	fmt.Fprintf(b, "### N = %d: API calls by phase and route\n\n", n)
	b.WriteString("| workload | phase | calls by route | per object |\n|---|---|---|--:|\n")
	for _, res := range r.novitaResults(n, phaseNames()...) {
		routes := make([]string, 0, len(res.m.Calls))
		for route := range res.m.Calls {
			routes = append(routes, route)
		}
		slices.Sort(routes)
		parts := make([]string, 0, len(routes))
		for _, route := range routes {
			parts = append(parts, fmt.Sprintf("`%s` %d", route, res.m.Calls[route]))
		}
		fmt.Fprintf(b, "| %s | %s | %s | %.2f |\n", res.work.name(), res.phase, strings.Join(parts, "<br>"),
			float64(total(res.m.Calls))/float64(res.work.objects()))
	}
	b.WriteString("\n")
}

// loggingTable compares the extra plans with the SDK's loggers on (as before) to the plain ones.
func (r report) loggingTable(b *strings.Builder) {
	pairs := [][2]string{{"plan", phasePlanLogsOn}, {"plan -refresh=false", phasePlanNoRefreshOn}}
	n := slices.Max(r.sizes)
	var rows []string
	for _, pair := range pairs {
		off, on := r.find(n, kindMix, 3*n, pair[0]), r.find(n, kindMix, 3*n, pair[1])
		if off == nil || on == nil {
			continue
		}
		rows = append(rows, fmt.Sprintf("| %s | %s | %s | %.2f | %s | %s | %.2f |", pair[0], secs(off.m.Wall), secs(on.m.Wall),
			on.m.Wall.Seconds()/off.m.Wall.Seconds(), secs(off.m.ProviderCPU), secs(on.m.ProviderCPU),
			on.m.ProviderCPU.Seconds()/off.m.ProviderCPU.Seconds()))
	}
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(b, "### The SDK's logging, off (now, without TF_LOG*) and on (as before), mix of N = %d\n\n", n)
	b.WriteString("| phase | wall, off | wall, on | on / off | provider CPU, off | provider CPU, on | on / off |\n|---|--:|--:|--:|--:|--:|--:|\n")
	b.WriteString(strings.Join(rows, "\n") + "\n\n")
}

func wallOf(res *result) string {
	if res == nil {
		return "-"
	}
	return secs(res.m.Wall)
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

func kb(bytes int64) string { return fmt.Sprintf("%.0f KB", float64(bytes)/1024) }

// The section of BENCHMARKS.md the harness owns; the rest of the file is written by hand.
const (
	beginMarker = "<!-- bench:begin: written by make bench (go run ./internal/bench); edits here are lost -->"
	endMarker   = "<!-- bench:end -->"
)

// writeBetweenMarkers puts text between the markers of file, creating the file or the markers
// (at its end) when missing.
func writeBetweenMarkers(file, text string) error {
	old, err := os.ReadFile(file)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return os.WriteFile(file, []byte(replaceBetweenMarkers(string(old), text)), 0o644)
}

func replaceBetweenMarkers(doc, text string) string {
	section := beginMarker + "\n" + strings.TrimRight(text, "\n") + "\n" + endMarker
	begin, end := strings.Index(doc, beginMarker), strings.Index(doc, endMarker)
	if begin < 0 || end < begin {
		if doc != "" && !strings.HasSuffix(doc, "\n\n") {
			doc = strings.TrimRight(doc, "\n") + "\n\n"
		}
		return doc + section + "\n"
	}
	return doc[:begin] + section + doc[end+len(endMarker):]
}
