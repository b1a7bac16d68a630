package emulator

// Test hooks: direct access to the store without HTTP and without teams. They return copies and
// see lifecycle states as of the emulator's clock.

// Counts is how many objects exist (fully deleted endpoints are not counted; deleting ones are).
type Counts struct {
	Endpoints, CloudStorages, RegistryCredentials int
}

// withStore runs fn with the store settled and locked, saves any change, then tells the gateway
// about endpoints that are gone.
func (e *Emulator) withStore(fn func()) {
	e.mu.Lock()
	e.settleLocked()
	fn()
	_ = e.saveIfDirtyLocked() // hooks have no caller to report to; the next mutation retries
	e.mu.Unlock()
	e.flushForget()
}

// Endpoint returns the endpoint with its state as of now.
func (e *Emulator) Endpoint(id string) (ep Endpoint, ok bool) {
	e.withStore(func() {
		if rec := e.endpoints[id]; rec != nil {
			ep, ok = rec.copy(), true
		}
	})
	return ep, ok
}

// CloudStorage returns the storage.
func (e *Emulator) CloudStorage(id string) (st CloudStorage, ok bool) {
	e.withStore(func() {
		if rec := e.storages[id]; rec != nil {
			st, ok = rec.CloudStorage, true
		}
	})
	return st, ok
}

// RegistryCredential returns the credential.
func (e *Emulator) RegistryCredential(id string) (cred RegistryCredential, ok bool) {
	e.withStore(func() {
		if rec := e.credentials[id]; rec != nil {
			cred, ok = rec.RegistryCredential, true
		}
	})
	return cred, ok
}

// Counts counts the stored objects.
func (e *Emulator) Counts() (n Counts) {
	e.withStore(func() {
		n = Counts{Endpoints: len(e.endpoints), CloudStorages: len(e.storages), RegistryCredentials: len(e.credentials)}
	})
	return n
}

// RemoveEndpoint deletes the endpoint at once, behind the API's back.
func (e *Emulator) RemoveEndpoint(id string) (ok bool) {
	e.withStore(func() {
		var rec *endpointRecord
		if rec, ok = e.endpoints[id]; ok {
			e.dropEndpointLocked(rec)
		}
	})
	return ok
}

// RemoveCloudStorage deletes the storage at once, even if mounted.
func (e *Emulator) RemoveCloudStorage(id string) (ok bool) {
	e.withStore(func() {
		if _, ok = e.storages[id]; ok {
			delete(e.storages, id)
			e.dirty = true
		}
	})
	return ok
}

// RemoveRegistryCredential deletes the credential at once, even if used.
func (e *Emulator) RemoveRegistryCredential(id string) (ok bool) {
	e.withStore(func() {
		if _, ok = e.credentials[id]; ok {
			delete(e.credentials, id)
			e.dirty = true
		}
	})
	return ok
}

// ChangeEndpoint edits the endpoint out of band (drift). The id cannot change. Setting Status
// cancels any pending transition, so the new status sticks.
func (e *Emulator) ChangeEndpoint(id string, fn func(*Endpoint)) (ok bool) {
	e.withStore(func() {
		rec := e.endpoints[id]
		if rec == nil {
			return
		}
		ep := rec.copy()
		fn(&ep)
		ep.ID = id
		if ep.Status != rec.Status {
			rec.Pending = pendingNone
			delete(e.pending, id)
		}
		rec.Endpoint = ep
		e.dirty, ok = true, true
	})
	return ok
}

// ChangeCloudStorage edits the storage out of band (drift). The id cannot change.
func (e *Emulator) ChangeCloudStorage(id string, fn func(*CloudStorage)) (ok bool) {
	e.withStore(func() {
		rec := e.storages[id]
		if rec == nil {
			return
		}
		st := rec.CloudStorage
		fn(&st)
		st.ID = id
		rec.CloudStorage = st
		e.dirty, ok = true, true
	})
	return ok
}
