package client

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
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

// UnixTime is a timestamp the API sends as Unix seconds, either a JSON number (documented
// example) or a numeric string (seen in v2 instance answers). An RFC 3339 string is accepted too;
// anything else decodes as 0 rather than failing the whole answer, since the field is informative.
type UnixTime int64

// UnmarshalJSON accepts 1710000000, "1710000000", "2024-03-09T16:00:00Z", "" and null.
func (t *UnixTime) UnmarshalJSON(data []byte) error {
	var n Int
	if err := n.UnmarshalJSON(data); err == nil {
		*t = UnixTime(n)
		return nil
	}
	var text string
	if err := json.Unmarshal(data, &text); err == nil {
		if parsed, err := time.Parse(time.RFC3339, strings.TrimSpace(text)); err == nil {
			*t = UnixTime(parsed.Unix())
			return nil
		}
	}
	*t = 0
	return nil
}

// UnmarshalJSON accepts the documented object {"status": "running", ...} and a bare "running".
func (s *EndpointStatus) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case string(data) == "null":
		*s = EndpointStatus{}
		return nil
	case len(data) > 0 && data[0] == '"':
		*s = EndpointStatus{}
		return json.Unmarshal(data, &s.Status)
	}
	type plain EndpointStatus // drops this method, so no recursion
	var obj plain
	if err := json.Unmarshal(data, &obj); err != nil {
		return err
	}
	*s = EndpointStatus(obj)
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
