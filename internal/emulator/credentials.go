package emulator

import (
	"slices"
	"unicode/utf8"

	"github.com/google/uuid"
)

// RegistryCredential is a container registry login, used by endpoints as registry_auth_id.
type RegistryCredential struct {
	ID, Team, Name, Username, Password string
}

type credentialRecord struct {
	RegistryCredential
	Seq int64
}

// createCredential stores a credential and answers {}: the API returns no id, and names need not
// be unique, so clients find the new id by listing.
func (e *Emulator) createCredential(c *call) (any, *apiError) {
	var in struct {
		Name     string `json:"name"`
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := decodeBody(c.body, &in, false); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		field, value string
		max          int
	}{
		{"name", in.Name, 255},
		{"username", in.Username, 511},
		{"password", in.Password, 1024},
	} {
		n := utf8.RuneCountInString(f.value)
		if n == 0 {
			return nil, invalid("%s is required", f.field)
		}
		if n > f.max {
			// Never echo the value: it may be a secret.
			return nil, invalid("%s must be at most %d characters, got %d", f.field, f.max, n)
		}
	}
	id := uuid.NewString()
	e.seq++
	e.credentials[id] = &credentialRecord{Seq: e.seq, RegistryCredential: RegistryCredential{
		ID: id, Team: c.team, Name: in.Name, Username: in.Username, Password: in.Password,
	}}
	e.dirty = true
	return map[string]any{}, nil
}

// listCredentials returns all of the team's credentials, passwords in clear, oldest first.
func (e *Emulator) listCredentials(c *call) (any, *apiError) {
	var mine []*credentialRecord
	for _, cred := range e.credentials {
		if cred.Team == c.team {
			mine = append(mine, cred)
		}
	}
	slices.SortFunc(mine, func(a, b *credentialRecord) int { return int(a.Seq - b.Seq) })
	data := []map[string]string{}
	for _, cred := range mine {
		data = append(data, map[string]string{
			"id": cred.ID, "name": cred.Name, "username": cred.Username, "password": cred.Password,
		})
	}
	return map[string]any{"data": data}, nil
}

// deleteCredential refuses while an endpoint that is not fully deleted pulls with it.
func (e *Emulator) deleteCredential(c *call) (any, *apiError) {
	var in struct {
		ID string `json:"id"`
	}
	if err := decodeBody(c.body, &in, false); err != nil {
		return nil, err
	}
	if in.ID == "" {
		return nil, invalid("id is required")
	}
	cred, ok := e.credentials[in.ID]
	if !ok || cred.Team != c.team {
		return nil, badRequest("RESOURCE_NOT_FOUND", "registry credential %q not found", in.ID)
	}
	for _, rec := range e.endpoints {
		if rec.RegistryAuthID == cred.ID {
			return nil, badRequest("IMAGE_AUTH_IN_USE", "registry credential %q is used by endpoint %q (%s)", cred.ID, rec.ID, rec.Status)
		}
	}
	delete(e.credentials, cred.ID)
	e.dirty = true
	return map[string]any{}, nil
}
