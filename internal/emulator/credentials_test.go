package emulator_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
)

func TestCredentialCreateListDelete(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	r := mustOK(t, h.post(v1+"/repository/auth/save", keyA, `{"name":"reg","username":"bob","password":"s3cret"}`))
	if strings.TrimSpace(r.raw) != "{}" {
		t.Errorf("create answered %s, want {}", r.raw)
	}
	// Names are not unique.
	mustOK(t, h.post(v1+"/repository/auth/save", keyA, `{"name":"reg","username":"alice","password":"other"}`))
	list := h.listCredentials(keyA)
	if len(list) != 2 || list[0]["name"] != "reg" || list[1]["name"] != "reg" || list[0]["id"] == list[1]["id"] {
		t.Fatalf("list = %v", list)
	}
	if list[0]["username"] != "bob" || list[0]["password"] != "s3cret" {
		t.Errorf("first credential = %v, want the password in clear", list[0])
	}
	id := at[string](t, list[0], "id")
	if c, ok := h.emu.RegistryCredential(id); !ok || c.Team != "team-a" || c.Password != "s3cret" {
		t.Errorf("hook = %+v", c)
	}

	if got := h.listCredentials(keyB); len(got) != 0 {
		t.Errorf("team B lists %v", got)
	}
	wantError(t, h.post(v1+"/repository/auth/delete", keyB, `{"id":"`+id+`"}`), http.StatusBadRequest, "RESOURCE_NOT_FOUND")
	mustOK(t, h.post(v1+"/repository/auth/delete", keyA, `{"id":"`+id+`"}`))
	wantError(t, h.post(v1+"/repository/auth/delete", keyA, `{"id":"`+id+`"}`), http.StatusBadRequest, "RESOURCE_NOT_FOUND")
	wantInvalid(t, h.post(v1+"/repository/auth/delete", keyA, `{}`), "id")
	if n := len(h.listCredentials(keyA)); n != 1 {
		t.Errorf("%d credentials left, want 1", n)
	}
}

func TestCredentialValidation(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	save := func(name, user, pass string) response {
		return h.post(v1+"/repository/auth/save", keyA, mustJSON(map[string]string{"name": name, "username": user, "password": pass}))
	}
	wantInvalid(t, save("", "u", "p"), "name is required")
	wantInvalid(t, save("n", "", "p"), "username is required")
	wantInvalid(t, save("n", "u", ""), "password is required")
	wantInvalid(t, save(strings.Repeat("n", 256), "u", "p"), "name", "255")
	wantInvalid(t, save("n", strings.Repeat("u", 512), "p"), "username", "511")
	secret := strings.Repeat("p", 1025)
	r := save("n", "u", secret)
	wantInvalid(t, r, "password", "1024")
	if strings.Contains(r.raw, secret[:50]) {
		t.Error("the error echoes the password")
	}
	mustOK(t, save(strings.Repeat("n", 255), strings.Repeat("u", 511), strings.Repeat("p", 1024)))
}

func TestCredentialDeleteInUse(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	cred := h.mustCreateCredential(keyA, "reg")
	ep := h.mustCreateEndpoint(keyA, set(endpointSpec(), "registry_auth_id", cred))
	if got := h.getEndpoint(keyA, ep)["registry_auth_id"]; got != cred {
		t.Errorf("registry_auth_id = %v", got)
	}
	wantError(t, h.post(v1+"/repository/auth/delete", keyA, `{"id":"`+cred+`"}`), http.StatusBadRequest, "IMAGE_AUTH_IN_USE")
	// Updating the endpoint to a public image releases the credential.
	mustOK(t, h.updateEndpoint(keyA, ep, updateSpec()))
	mustOK(t, h.post(v1+"/repository/auth/delete", keyA, `{"id":"`+cred+`"}`))

	// Another team's credential cannot be used.
	credB := h.mustCreateCredential(keyB, "reg2")
	wantError(t, h.createEndpoint(keyA, set(endpointSpec(), "registry_auth_id", credB)), http.StatusBadRequest, "RESOURCE_NOT_FOUND")
	if !h.emu.RemoveRegistryCredential(credB) || h.emu.Counts().RegistryCredentials != 0 {
		t.Error("RemoveRegistryCredential failed")
	}
}
