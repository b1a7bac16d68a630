package gateway

import (
	"encoding/json"
	"time"
)

// RunHandler lets the external tests play a worker image's handler on one job directly.
func RunHandler(ep Endpoint, jobID string, input json.RawMessage) (output json.RawMessage, errMsg string, runTime time.Duration) {
	res := runHandler(ep, jobID, input)
	return res.output, res.err, res.runTime
}
