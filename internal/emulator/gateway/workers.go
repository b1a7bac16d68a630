package gateway

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"
)

// Worker images with a behaviour of their own; any other image echoes its input.
const (
	ComfyUIWorkerImage = "novitalabs/comfyui-worker:v0.0.1"
	SleepWorkerImage   = "novitalabs/sleep-worker:latest"
)

// Simulated handler run times (divided by Options.Speed like every simulated duration).
const (
	EchoRunTime         = 500 * time.Millisecond // the echo worker
	HandlerErrorRunTime = 100 * time.Millisecond // a handler that rejects its input
)

// handlerResult is what a simulated worker's handler returns for one job.
type handlerResult struct {
	output  json.RawMessage // the job's output when err is empty
	err     string          // non-empty: the job FAILED with this error
	runTime time.Duration   // simulated time the handler takes
}

// runHandler plays the worker image's handler on one job.
func runHandler(ep Endpoint, jobID string, input json.RawMessage) handlerResult {
	// Every handler built on the Novita SDK fails a job whose result carries an "error" field;
	// the simulated workers pass an input "error" straight through to exercise that path.
	if msg, ok := inputError(input); ok {
		return failed(msg)
	}
	repo := imageRepository(ep.Image)
	switch {
	case repo == imageRepository(ComfyUIWorkerImage) || strings.HasSuffix(repo, "/"+imageRepository(ComfyUIWorkerImage)):
		return runComfyUI(ep, jobID, input)
	case strings.Contains(repo, "sleep-worker"):
		return runSleep(input)
	default:
		return handlerResult{output: input, runTime: EchoRunTime}
	}
}

func failed(msg string) handlerResult {
	return handlerResult{err: msg, runTime: HandlerErrorRunTime}
}

// inputError reports a non-null top-level "error" field of an input object, as error text:
// a JSON string as is, anything else as its JSON.
func inputError(input json.RawMessage) (string, bool) {
	var obj map[string]json.RawMessage
	if json.Unmarshal(input, &obj) != nil {
		return "", false
	}
	raw, ok := obj["error"]
	if !ok || isNull(raw) {
		return "", false
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, true
	}
	var compact bytes.Buffer
	if json.Compact(&compact, raw) != nil {
		return string(raw), true
	}
	return compact.String(), true
}

// imageRepository strips the tag and digest from an image reference:
// "registry:5000/novitalabs/sleep-worker:latest" -> "registry:5000/novitalabs/sleep-worker".
func imageRepository(image string) string {
	image = strings.TrimSpace(image)
	if i := strings.Index(image, "@"); i >= 0 {
		image = image[:i]
	}
	if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
		image = image[:i]
	}
	return image
}

// runSleep waits input.seconds and returns {"slept": seconds}.
func runSleep(input json.RawMessage) handlerResult {
	var in struct {
		Seconds *json.Number `json:"seconds"`
	}
	dec := json.NewDecoder(bytes.NewReader(input))
	dec.UseNumber()
	if dec.Decode(&in) != nil || in.Seconds == nil {
		return failed(`sleep worker: input must be an object with a number "seconds"`)
	}
	secs, err := in.Seconds.Float64()
	if err != nil || secs < 0 {
		return failed(`sleep worker: "seconds" must be a non-negative number`)
	}
	out, _ := json.Marshal(map[string]json.Number{"slept": *in.Seconds})
	return handlerResult{output: out, runTime: time.Duration(secs * float64(time.Second))}
}
