//go:build ignore

// sha256sums writes a checksum file in the format of `sha256sum` ("<hex>  <name>" per line, sorted
// by name) for the files that match the patterns in OUT's directory, OUT itself excepted. The
// release uses it for the emulator's archives, which stay out of the provider's SHA256SUMS.
//
//	go run scripts/sha256sums.go OUT PATTERN...
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: go run scripts/sha256sums.go OUT PATTERN...")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2:]); err != nil {
		fmt.Fprintln(os.Stderr, "sha256sums:", err)
		os.Exit(1)
	}
}

func run(out string, patterns []string) error {
	dir := filepath.Dir(out)
	var names []string
	for _, p := range patterns {
		matches, err := filepath.Glob(filepath.Join(dir, p))
		if err != nil {
			return err
		}
		for _, m := range matches {
			if name := filepath.Base(m); name != filepath.Base(out) && !slices.Contains(names, name) {
				names = append(names, name)
			}
		}
	}
	if len(names) == 0 {
		return fmt.Errorf("no file in %s matches %s", dir, strings.Join(patterns, " "))
	}
	slices.Sort(names)
	var lines strings.Builder
	for _, name := range names {
		sum, err := fileSHA256(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		fmt.Fprintf(&lines, "%s  %s\n", sum, name)
	}
	return os.WriteFile(out, []byte(lines.String()), 0o644)
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
