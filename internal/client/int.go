package client

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Int is an integer the API sends either as a JSON number or as a numeric string ("300").
// null and "" decode as 0. It encodes as a JSON number.
type Int int64

// UnmarshalJSON accepts 300, "300", 300.0, "", and null.
func (n *Int) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	text := string(data)
	if text == "null" {
		*n = 0
		return nil
	}
	if len(data) > 0 && data[0] == '"' {
		if err := json.Unmarshal(data, &text); err != nil {
			return err
		}
		text = strings.TrimSpace(text)
		if text == "" {
			*n = 0
			return nil
		}
	}
	v, err := parseInt(text)
	if err != nil {
		return fmt.Errorf("client.Int: cannot decode %s as an integer", truncate(string(data), 64))
	}
	*n = Int(v)
	return nil
}

func parseInt(text string) (int64, error) {
	if v, err := strconv.ParseInt(text, 10, 64); err == nil {
		return v, nil
	}
	// Integral values written as floats ("300.0", 3e2) are accepted; fractions are not.
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > math.MaxInt64 {
		return 0, fmt.Errorf("not an integer: %q", text)
	}
	return int64(f), nil
}

// MarshalJSON sends the port number as a JSON string, as the API reference types it.
func (p Port) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Port string `json:"port"`
	}{strconv.FormatInt(int64(p.Port), 10)})
}

// UnmarshalJSON accepts {"port": 8080}, {"port": "8080"} and, defensively, a bare 8080 or "8080".
func (p *Port) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '{' {
		var obj struct {
			Port Int `json:"port"`
		}
		if err := json.Unmarshal(data, &obj); err != nil {
			return err
		}
		p.Port = obj.Port
		return nil
	}
	return p.Port.UnmarshalJSON(data)
}

// UnmarshalJSON accepts the documented object {"state": "serving", ...} and a bare "serving".
func (s *EndpointState) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case string(data) == "null":
		*s = EndpointState{}
		return nil
	case len(data) > 0 && data[0] == '"':
		*s = EndpointState{}
		return json.Unmarshal(data, &s.State)
	}
	type plain EndpointState // drops this method, so no recursion
	var obj plain
	if err := json.Unmarshal(data, &obj); err != nil {
		return err
	}
	*s = EndpointState(obj)
	return nil
}

// UnmarshalJSON decodes a job status. error is documented as text; a worker that returns a JSON
// object or other value as its error gets it rendered as compact JSON rather than a decode failure.
func (j *Job) UnmarshalJSON(data []byte) error {
	type plain Job
	var obj struct {
		plain
		Error json.RawMessage `json:"error"`
	}
	if err := json.Unmarshal(data, &obj); err != nil {
		return err
	}
	*j = Job(obj.plain)
	j.Error = jsonText(obj.Error)
	return nil
}
