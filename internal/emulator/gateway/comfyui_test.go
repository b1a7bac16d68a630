package gateway_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/novitalabs/terraform-provider-novita/internal/emulator/gateway"
)

// quickstartInput is the job from Novita's async quickstart (novita-async-quickstart.md).
const quickstartInput = `{
  "workflow": {
    "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "flux1-dev-fp8.safetensors"}},
    "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 512, "height": 512, "batch_size": 1}},
    "6": {"class_type": "CLIPTextEncode", "inputs": {"clip": ["4", 1], "text": "a red apple on a table"}},
    "7": {"class_type": "CLIPTextEncode", "inputs": {"clip": ["4", 1], "text": "blurry, low quality"}},
    "3": {"class_type": "KSampler", "inputs": {"model": ["4", 0], "positive": ["6", 0], "negative": ["7", 0],
          "latent_image": ["5", 0], "seed": 42, "steps": 10, "cfg": 7, "sampler_name": "euler",
          "scheduler": "normal", "denoise": 1}},
    "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
    "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "test", "images": ["8", 0]}}
  },
  "output_node_id": "9"
}`

// quickstartWith returns the quickstart input after change edits its decoded form.
func quickstartWith(t *testing.T, change func(in map[string]any, nodes map[string]map[string]any)) json.RawMessage {
	t.Helper()
	var in map[string]any
	decode(t, []byte(quickstartInput), &in)
	nodes := map[string]map[string]any{}
	for id, n := range in["workflow"].(map[string]any) {
		nodes[id] = n.(map[string]any)
	}
	change(in, nodes)
	out, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func inputsOf(nodes map[string]map[string]any, id string) map[string]any {
	return nodes[id]["inputs"].(map[string]any)
}

type comfyOutput struct {
	Images []comfyImage `json:"images"`
}

type comfyImage struct {
	Filename string `json:"filename"`
	Type     string `json:"type"`
	URL      string `json:"url,omitempty"`
	Data     string `json:"data,omitempty"`
}

func TestComfyUIQuickstartWithBucketReturnsURLs(t *testing.T) {
	h := newHarness(t, gateway.Options{ColdStart: -1})
	name := h.endpoint(gateway.Endpoint{Image: gateway.ComfyUIWorkerImage, Env: map[string]string{
		"BUCKET_ENDPOINT_URL": "https://s3.us-east-1.amazonaws.com/", "BUCKET_NAME": "renders",
		"BUCKET_ACCESS_KEY_ID": "AKIA", "BUCKET_SECRET_ACCESS_KEY": "secret",
	}})
	id := h.run(name, json.RawMessage(quickstartInput))

	// 10 KSampler steps: base time plus 10 steps.
	runTime := gateway.ComfyUIBaseRunTime + 10*gateway.ComfyUIStepTime
	h.clock.Advance(runTime - time.Millisecond)
	h.wantStatus(name, id, gateway.StatusInProgress)
	h.clock.Advance(time.Millisecond)
	st := h.wantStatus(name, id, gateway.StatusCompleted)
	if *st.ExecutionTime != runTime.Milliseconds() {
		t.Errorf("executionTime %d, want %d", *st.ExecutionTime, runTime.Milliseconds())
	}
	var out comfyOutput
	decode(t, st.Output, &out)
	want := comfyImage{Filename: "test_00001_.png", Type: "output",
		URL: "https://s3.us-east-1.amazonaws.com/renders/" + id + "/test_00001_.png"}
	if len(out.Images) != 1 || out.Images[0] != want {
		t.Errorf("output %s, want one image %+v", st.Output, want)
	}
	if strings.Contains(string(st.Output), "secret") {
		t.Error("output leaks the bucket secret")
	}
}

func TestComfyUIQuickstartWithoutBucketReturnsBase64PNG(t *testing.T) {
	h := newHarness(t, gateway.Options{ColdStart: -1})
	name := h.endpoint(gateway.Endpoint{Image: "docker.io/novitalabs/comfyui-worker:v0.0.2",
		Env: map[string]string{"BUCKET_ENDPOINT_URL": "https://s3.example.com"}}) // no BUCKET_NAME
	id := h.run(name, json.RawMessage(quickstartInput))
	h.clock.Advance(time.Minute)
	st := h.wantStatus(name, id, gateway.StatusCompleted)
	var out comfyOutput
	decode(t, st.Output, &out)
	if len(out.Images) != 1 || out.Images[0].URL != "" || out.Images[0].Filename != "test_00001_.png" {
		t.Fatalf("output %s", st.Output)
	}
	data, err := base64.StdEncoding.DecodeString(out.Images[0].Data)
	if err != nil {
		t.Fatalf("data is not base64: %v", err)
	}
	if _, err := png.Decode(bytes.NewReader(data)); err != nil {
		t.Errorf("data is not a PNG: %v", err)
	}
}

func TestComfyUIBatchAndStepsShapeOutputAndRunTime(t *testing.T) {
	input := quickstartWith(t, func(in map[string]any, nodes map[string]map[string]any) {
		inputsOf(nodes, "5")["batch_size"] = 3
		inputsOf(nodes, "3")["steps"] = 20
		delete(inputsOf(nodes, "9"), "filename_prefix")
	})
	res := runHandler(gateway.Endpoint{Image: gateway.ComfyUIWorkerImage}, "job-1", input)
	if res.err != "" {
		t.Fatal(res.err)
	}
	if want := gateway.ComfyUIBaseRunTime + 20*gateway.ComfyUIStepTime; res.runTime != want {
		t.Errorf("run time %s, want %s", res.runTime, want)
	}
	var out comfyOutput
	decode(t, res.output, &out)
	var names []string
	for _, img := range out.Images {
		names = append(names, img.Filename)
	}
	if got := strings.Join(names, ","); got != "ComfyUI_00001_.png,ComfyUI_00002_.png,ComfyUI_00003_.png" {
		t.Errorf("filenames %s", got)
	}
}

func TestComfyUIRejectsBrokenWorkflows(t *testing.T) {
	cases := []struct {
		name   string
		input  json.RawMessage
		wantIn []string // substrings of the error
	}{
		{"link to a missing node", quickstartWith(t, func(_ map[string]any, nodes map[string]map[string]any) {
			inputsOf(nodes, "6")["clip"] = []any{"40", 1}
		}), []string{`node "6"`, `"clip"`, `node "40"`, "not in the workflow"}},
		{"link with a bad slot", quickstartWith(t, func(_ map[string]any, nodes map[string]map[string]any) {
			inputsOf(nodes, "8")["vae"] = []any{"4", -1}
		}), []string{`node "8"`, `"vae"`, "slot"}},
		{"output node missing", quickstartWith(t, func(in map[string]any, _ map[string]map[string]any) {
			in["output_node_id"] = "10"
		}), []string{`output_node_id "10"`, "not a node"}},
		{"output node not an image saver", quickstartWith(t, func(in map[string]any, _ map[string]map[string]any) {
			in["output_node_id"] = "8"
		}), []string{`"8"`, "VAEDecode", "SaveImage"}},
		{"output node id absent", quickstartWith(t, func(in map[string]any, _ map[string]map[string]any) {
			delete(in, "output_node_id")
		}), []string{"output_node_id is required"}},
		{"workflow absent", json.RawMessage(`{"output_node_id": "9"}`), []string{"workflow is required"}},
		{"workflow not an object", json.RawMessage(`{"workflow": [1, 2], "output_node_id": "9"}`), []string{"API format"}},
		{"empty workflow", json.RawMessage(`{"workflow": {}, "output_node_id": "9"}`), []string{"no nodes"}},
		{"node without class_type", quickstartWith(t, func(_ map[string]any, nodes map[string]map[string]any) {
			delete(nodes["7"], "class_type")
		}), []string{`node "7"`, "class_type"}},
		{"cycle", quickstartWith(t, func(_ map[string]any, nodes map[string]map[string]any) {
			inputsOf(nodes, "3")["latent_image"] = []any{"8", 0}
		}), []string{"cycle"}},
		{"input not an object", json.RawMessage(`"draw a cat"`), []string{"input must be an object"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := runHandler(gateway.Endpoint{Image: gateway.ComfyUIWorkerImage}, "job-1", c.input)
			if res.output != nil || res.err == "" {
				t.Fatalf("not rejected: %+v", res)
			}
			for _, want := range c.wantIn {
				if !strings.Contains(res.err, want) {
					t.Errorf("error %q does not mention %s", res.err, want)
				}
			}
		})
	}
}

// A broken workflow fails the job through the API, with the handler's message as its error.
func TestComfyUIBrokenWorkflowFailsTheJob(t *testing.T) {
	h := newHarness(t, gateway.Options{ColdStart: -1})
	name := h.endpoint(gateway.Endpoint{Image: gateway.ComfyUIWorkerImage})
	id := h.run(name, quickstartWith(t, func(in map[string]any, _ map[string]map[string]any) {
		in["output_node_id"] = "99"
	}))
	h.clock.Advance(gateway.HandlerErrorRunTime)
	st := h.wantStatus(name, id, gateway.StatusFailed)
	if !strings.Contains(st.Error, `"99"`) || st.Output != nil {
		t.Errorf("failed job: %+v", st)
	}
	h.wantHealth("failed", name, gateway.Health{Workers: workers(1, 0, 0), Jobs: gateway.JobCounts{Failed: 1}})
}

func TestImageSelectsTheHandler(t *testing.T) {
	cases := []struct {
		image string
		want  string // "comfyui", "sleep" or "echo"
	}{
		{gateway.ComfyUIWorkerImage, "comfyui"},
		{"novitalabs/comfyui-worker", "comfyui"},
		{"novitalabs/comfyui-worker@sha256:abcd", "comfyui"},
		{"registry.example.com:5000/novitalabs/comfyui-worker:v9", "comfyui"},
		{"someone/comfyui-worker-fork:v1", "echo"},
		{gateway.SleepWorkerImage, "sleep"},
		{"acme/my-sleep-worker", "sleep"},
		{"registry:5000/acme/app:sleep-worker", "echo"}, // a tag is not the repository
		{"nginx:latest", "echo"},
	}
	for _, c := range cases {
		res := runHandler(gateway.Endpoint{Image: c.image}, "job-1", json.RawMessage(`{"seconds": 1}`))
		got := "echo"
		switch {
		case strings.Contains(res.err, "comfyui worker"):
			got = "comfyui"
		case string(res.output) == `{"slept":1}`:
			got = "sleep"
		case string(res.output) != `{"seconds": 1}`:
			t.Errorf("%s: unexpected result %+v", c.image, res)
		}
		if got != c.want {
			t.Errorf("%s: handled as %s, want %s", c.image, got, c.want)
		}
	}
}
