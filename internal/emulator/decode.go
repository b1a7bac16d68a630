package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// decodeBody parses a JSON object body into v (a pointer to a struct). A value of the wrong JSON
// type is VALIDATOR_PARAM naming the field with its full path ("volumes[1].size"); so is, when
// rejectUnknown, a key v does not declare, matched exactly (encoding/json alone would ignore it,
// or match it without regard to case). null counts as left out. Values are never echoed: they
// may be secrets.
func decodeBody(body []byte, v any, rejectUnknown bool) *apiError {
	if len(bytes.TrimSpace(body)) == 0 {
		return badRequest("REQUEST", "request body is empty: a JSON object is required")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil || dec.More() {
		return badRequest("REQUEST", "request body is not valid JSON")
	}
	if _, ok := tree.(map[string]any); !ok {
		return badRequest("REQUEST", "request body must be a JSON object")
	}
	s := shapeCheck{rejectUnknown: rejectUnknown}
	if err := s.check(tree, reflect.TypeOf(v).Elem(), ""); err != nil {
		return err
	}
	if err := json.Unmarshal(body, v); err != nil {
		// Only what the shape check cannot see is left, such as an integer too large for int.
		return invalid("request body does not fit the expected fields: %s", err.Error())
	}
	return nil
}

// fixedAtCreate names create-only fields, for a clearer answer when an update body sends them.
var fixedAtCreate = []string{"type", "app_name"}

type shapeCheck struct{ rejectUnknown bool }

// check compares one decoded JSON value with the Go type it will be stored in.
func (s shapeCheck) check(v any, t reflect.Type, path string) *apiError {
	if v == nil {
		return nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return wrongType(path, "an object", v)
		}
		return s.checkObject(obj, jsonFields(t), path)
	case reflect.Slice:
		list, ok := v.([]any)
		if !ok {
			return wrongType(path, "a list", v)
		}
		for i, item := range list {
			if err := s.check(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case reflect.String:
		if _, ok := v.(string); !ok {
			return wrongType(path, "a string", v)
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			return wrongType(path, "a boolean", v)
		}
	case reflect.Int, reflect.Int64:
		n, ok := v.(json.Number)
		if !ok {
			return wrongType(path, "an integer", v)
		}
		if _, err := strconv.ParseInt(n.String(), 10, 64); err != nil {
			return invalid("%s must be an integer, got %s", path, n)
		}
	}
	return nil
}

func (s shapeCheck) checkObject(obj map[string]any, fields map[string]reflect.Type, path string) *apiError {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys) // the same body always names the same field first
	for _, k := range keys {
		sub := joinPath(path, k)
		ft, known := fields[k]
		if !known {
			if !s.rejectUnknown {
				continue
			}
			if path == "" && slices.Contains(fixedAtCreate, k) {
				return invalid("%s cannot be sent here: it is fixed when the endpoint is created (replace the endpoint to change it)", k)
			}
			return invalid("%s is not a known field", sub)
		}
		if err := s.check(obj[k], ft, sub); err != nil {
			return err
		}
	}
	return nil
}

// jsonFields maps the JSON keys of struct type t to their Go types, following encoding/json's
// rules for tags and embedded structs.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			for k, ft := range jsonFields(f.Type) {
				out[k] = ft
			}
			continue
		}
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// wrongType names the field, what it must be and the JSON type it got (never the value).
func wrongType(path, want string, got any) *apiError {
	if path == "" {
		return badRequest("REQUEST", "request body must be %s", want)
	}
	kind := "an object"
	switch got.(type) {
	case string:
		kind = "a string"
	case json.Number:
		kind = "a number"
	case bool:
		kind = "a boolean"
	case []any:
		kind = "a list"
	}
	return invalid("%s must be %s, got %s", path, want, kind)
}
