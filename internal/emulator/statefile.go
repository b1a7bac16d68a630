package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
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

const stateFileVersion = 1

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
	if st.Version != stateFileVersion {
		return fmt.Errorf("emulator state file %s has version %d, want %d", e.opts.StateFile, st.Version, stateFileVersion)
	}
	e.seq = st.Seq
	for _, r := range st.Endpoints {
		e.endpoints[r.ID] = r
	}
	for _, r := range st.CloudStorages {
		e.storages[r.ID] = r
	}
	for _, r := range st.RegistryCredentials {
		e.credentials[r.ID] = r
	}
	for _, r := range st.ImagePrewarms {
		e.prewarms[r.ID] = r
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
