package emulator

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// stateFile is what Options.StateFile holds: every object, with lifecycle timestamps, so a
// restarted emulator carries on where it stopped.
type stateFile struct {
	Version             int                 `json:"version"`
	Seq                 int64               `json:"seq"`
	Endpoints           []*endpointRecord   `json:"endpoints"`
	CloudStorages       []*storageRecord    `json:"cloudStorages"`
	RegistryCredentials []*credentialRecord `json:"registryCredentials"`
	ImagePrewarms       []*prewarmRecord    `json:"imagePrewarms"`
}

// stateFileVersion 2 stores endpoints in GPU API v2's model. Version 1 files (v1 endpoints) are
// refused rather than migrated: the emulator's objects are disposable.
const stateFileVersion = 2

// loadState reads Options.StateFile if it exists. Called from New only.
func (e *Emulator) loadState() error {
	if e.opts.StateFile == "" {
		return nil
	}
	data, err := os.ReadFile(e.opts.StateFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading emulator state: %w", err)
	}
	var st stateFile
	if err := json.Unmarshal(data, &st); err != nil {
		return fmt.Errorf("emulator state file %s is not valid: %w", e.opts.StateFile, err)
	}
	switch {
	case st.Version == 1:
		return fmt.Errorf("emulator state file %s has version 1, written by an emulator of Novita's v1 endpoint API; "+
			"this emulator speaks GPU API v2 (version %d) and does not migrate it: delete the file, or pass another -state-file, "+
			"and recreate the objects (and forget them in any Terraform state that refers to them)", e.opts.StateFile, stateFileVersion)
	case st.Version != stateFileVersion:
		return fmt.Errorf("emulator state file %s has version %d, want %d", e.opts.StateFile, st.Version, stateFileVersion)
	}
	// New records must sort after loaded ones, even if a hand-edited file understates seq.
	e.seq = st.Seq
	slices.SortFunc(st.Endpoints, func(a, b *endpointRecord) int { return cmp.Compare(a.Seq, b.Seq) })
	for _, r := range st.Endpoints {
		e.endpoints[r.ID] = r
		e.order = append(e.order, r)
		if r.Pending != pendingNone {
			e.pending[r.ID] = r
		}
		e.seq = max(e.seq, r.Seq)
	}
	for _, r := range st.CloudStorages {
		e.storages[r.ID] = r
		e.seq = max(e.seq, r.Seq)
	}
	for _, r := range st.RegistryCredentials {
		e.credentials[r.ID] = r
		e.seq = max(e.seq, r.Seq)
	}
	for _, r := range st.ImagePrewarms {
		e.prewarms[r.ID] = r
		e.seq = max(e.seq, r.Seq)
	}
	return nil
}

// saveIfDirtyLocked writes the state file atomically (temp file + rename) after a change.
func (e *Emulator) saveIfDirtyLocked() error {
	if !e.dirty || e.opts.StateFile == "" {
		e.dirty = false
		return nil
	}
	st := stateFile{Version: stateFileVersion, Seq: e.seq,
		Endpoints: []*endpointRecord{}, CloudStorages: []*storageRecord{}, RegistryCredentials: []*credentialRecord{}, ImagePrewarms: []*prewarmRecord{}}
	for _, r := range e.endpoints {
		st.Endpoints = append(st.Endpoints, r)
	}
	for _, r := range e.storages {
		st.CloudStorages = append(st.CloudStorages, r)
	}
	for _, r := range e.credentials {
		st.RegistryCredentials = append(st.RegistryCredentials, r)
	}
	for _, r := range e.prewarms {
		st.ImagePrewarms = append(st.ImagePrewarms, r)
	}
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(e.opts.StateFile), ".novita-emulator-state-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	// The file holds registry passwords: keep it private.
	if err := os.Chmod(tmp.Name(), 0o600); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), e.opts.StateFile); err != nil {
		return err
	}
	e.dirty = false
	return nil
}
