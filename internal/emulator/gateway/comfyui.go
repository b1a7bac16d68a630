package gateway

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"sort"
	"strings"
	"time"
)

// Simulated ComfyUI run time: loading plus a fixed time per sampler step.
const (
	ComfyUIBaseRunTime = 2 * time.Second
	ComfyUIStepTime    = 300 * time.Millisecond
)

// comfyNode is one node of a ComfyUI API-format workflow.
type comfyNode struct {
	ClassType string                     `json:"class_type"`
	Inputs    map[string]json.RawMessage `json:"inputs"`
}

// comfyImage is one generated image in the worker's output.
type comfyImage struct {
	Filename string `json:"filename"`
	Type     string `json:"type"`
	URL      string `json:"url,omitempty"`  // when the BUCKET_* env vars are set
	Data     string `json:"data,omitempty"` // base64 PNG otherwise
}

// runComfyUI validates the workflow like ComfyUI would and "renders" the output node's images.
func runComfyUI(ep Endpoint, jobID string, input json.RawMessage) handlerResult {
	wf, problem := parseWorkflow(input)
	if problem == "" {
		problem = wf.checkOutput()
	}
	if problem != "" {
		return failed("comfyui worker: " + problem)
	}
	return wf.render(ep, jobID)
}

// workflow is a parsed ComfyUI API-format job: its nodes, the links between them and the output
// node with the nodes it depends on.
type workflow struct {
	ids      []string             // node ids, sorted, so that the same input names the same problem
	nodes    map[string]comfyNode // by id
	links    map[string][]string  // node id -> the node ids it reads from
	outRaw   json.RawMessage      // output_node_id as sent
	outID    string
	upstream []string // the output node and its ancestors, set by checkOutput
}

// parseWorkflow reads the nodes and their links; problem describes the first defect.
func parseWorkflow(input json.RawMessage) (wf workflow, problem string) {
	var in struct {
		Workflow     json.RawMessage `json:"workflow"`
		OutputNodeID json.RawMessage `json:"output_node_id"`
	}
	if json.Unmarshal(input, &in) != nil {
		return wf, `input must be an object with "workflow" and "output_node_id"`
	}
	if isNull(in.Workflow) {
		return wf, `input.workflow is required (a ComfyUI API-format workflow)`
	}
	var raw map[string]json.RawMessage
	if json.Unmarshal(in.Workflow, &raw) != nil {
		return wf, `input.workflow must be an object of node id -> {"class_type", "inputs"} (ComfyUI API format)`
	}
	if len(raw) == 0 {
		return wf, `input.workflow has no nodes`
	}
	wf = workflow{nodes: make(map[string]comfyNode, len(raw)), links: make(map[string][]string, len(raw)), outRaw: in.OutputNodeID}
	for id := range raw {
		wf.ids = append(wf.ids, id)
	}
	sort.Strings(wf.ids)
	for _, id := range wf.ids {
		var n comfyNode
		if json.Unmarshal(raw[id], &n) != nil {
			return wf, fmt.Sprintf(`node %q must be an object with "class_type" and "inputs"`, id)
		}
		if n.ClassType == "" {
			return wf, fmt.Sprintf(`node %q has no class_type`, id)
		}
		wf.nodes[id] = n
	}
	for _, id := range wf.ids {
		if problem := wf.link(id); problem != "" {
			return wf, problem
		}
	}
	return wf, ""
}

// link records the links of node id's inputs, checking that each points at a node.
func (wf *workflow) link(id string) (problem string) {
	names := make([]string, 0, len(wf.nodes[id].Inputs))
	for name := range wf.nodes[id].Inputs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		target, isLink, problem := parseLink(wf.nodes[id].Inputs[name])
		if problem != "" {
			return fmt.Sprintf("node %q input %q: %s", id, name, problem)
		}
		if !isLink {
			continue
		}
		if _, ok := wf.nodes[target]; !ok {
			return fmt.Sprintf("node %q input %q links to node %q, which is not in the workflow", id, name, target)
		}
		wf.links[id] = append(wf.links[id], target)
	}
	return ""
}

// checkOutput finds the output node, which must save or preview images, and its ancestors.
func (wf *workflow) checkOutput() (problem string) {
	outID, ok := nodeID(wf.outRaw)
	if !ok {
		return `input.output_node_id is required (the id of the workflow's SaveImage node)`
	}
	out, ok := wf.nodes[outID]
	if !ok {
		return fmt.Sprintf("output_node_id %q is not a node of the workflow", outID)
	}
	if !strings.Contains(out.ClassType, "Save") && !strings.Contains(out.ClassType, "Preview") {
		return fmt.Sprintf("output node %q is a %s, not an image output node such as SaveImage", outID, out.ClassType)
	}
	upstream, cycle := ancestors(outID, wf.links)
	if cycle != "" {
		return fmt.Sprintf("the workflow has a cycle through node %q", cycle)
	}
	wf.outID, wf.upstream = outID, upstream
	return ""
}

// render makes the output: a run time from the samplers' steps, and one image per latent batch
// item, as bucket URLs when the BUCKET_* env vars are set and as base64 PNGs otherwise.
func (wf *workflow) render(ep Endpoint, jobID string) handlerResult {
	runTime := ComfyUIBaseRunTime
	batch := 1
	for _, id := range wf.upstream {
		n := wf.nodes[id]
		if strings.Contains(n.ClassType, "KSampler") {
			steps := intInput(n, "steps", 20)
			runTime += time.Duration(max(steps, 1)) * ComfyUIStepTime
		}
		if strings.Contains(n.ClassType, "Latent") {
			batch = max(batch, intInput(n, "batch_size", 1))
		}
	}
	prefix := "ComfyUI"
	var p string
	if json.Unmarshal(wf.nodes[wf.outID].Inputs["filename_prefix"], &p) == nil && p != "" {
		prefix = p
	}

	bucketURL := strings.TrimRight(ep.Env["BUCKET_ENDPOINT_URL"], "/")
	bucket := strings.Trim(ep.Env["BUCKET_NAME"], "/")
	images := make([]comfyImage, 0, batch)
	for i := range batch {
		img := comfyImage{Filename: fmt.Sprintf("%s_%05d_.png", prefix, i+1), Type: "output"}
		if bucketURL != "" && bucket != "" {
			img.URL = bucketURL + "/" + bucket + "/" + jobID + "/" + img.Filename
		} else {
			img.Data = fakePNG
		}
		images = append(images, img)
	}
	output, _ := json.Marshal(map[string]any{"images": images})
	return handlerResult{output: output, runTime: runTime}
}

// parseLink recognises a ComfyUI link ["<node id>", <output slot>]. Values of other shapes are
// plain inputs; a two-element array starting with a string but with a bad slot is a problem.
func parseLink(v json.RawMessage) (target string, isLink bool, problem string) {
	var arr []json.RawMessage
	if json.Unmarshal(v, &arr) != nil || len(arr) != 2 {
		return "", false, ""
	}
	if json.Unmarshal(arr[0], &target) != nil {
		return "", false, ""
	}
	var slot float64
	if json.Unmarshal(arr[1], &slot) != nil || slot < 0 || slot != float64(int(slot)) {
		return "", false, fmt.Sprintf("link to node %q has an invalid output slot %s (want a non-negative integer)", target, arr[1])
	}
	return target, true, ""
}

// ancestors returns the node and every node it reads from, in a fixed order, or the id of a node
// on a cycle.
func ancestors(start string, links map[string][]string) (order []string, cycle string) {
	const (
		visiting = 1
		done     = 2
	)
	mark := map[string]int{}
	var visit func(id string) string
	visit = func(id string) string {
		switch mark[id] {
		case visiting:
			return id
		case done:
			return ""
		}
		mark[id] = visiting
		for _, next := range links[id] {
			if c := visit(next); c != "" {
				return c
			}
		}
		mark[id] = done
		order = append(order, id)
		return ""
	}
	cycle = visit(start)
	return order, cycle
}

// nodeID reads an output_node_id given as a string or an integer.
func nodeID(v json.RawMessage) (string, bool) {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s, s != ""
	}
	var n int
	if json.Unmarshal(v, &n) == nil {
		return fmt.Sprint(n), true
	}
	return "", false
}

func intInput(n comfyNode, name string, def int) int {
	var v int
	if json.Unmarshal(n.Inputs[name], &v) != nil {
		return def
	}
	return v
}

func isNull(v json.RawMessage) bool {
	t := bytes.TrimSpace(v)
	return len(t) == 0 || bytes.Equal(t, []byte("null"))
}

// fakePNG is a tiny valid PNG (4x4, Novita green), base64-encoded, standing in for a render.
var fakePNG = func() string {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	for x := range 4 {
		for y := range 4 {
			img.Set(x, y, color.RGBA{R: 0x23, G: 0xd5, B: 0x7c, A: 0xff})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(err)
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}()
