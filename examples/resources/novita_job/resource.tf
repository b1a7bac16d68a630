# Submit one job to an async endpoint during apply and wait for it: a smoke
# test that fails the apply unless the job COMPLETES. Change `triggers` (or the
# input) to run a new job; the job is cancelled on destroy if still running.
variable "endpoint_name" {
  type        = string
  description = "The job name of an async endpoint, for example novita_endpoint.x.endpoint_name."
}

# The input is whatever the endpoint's worker expects. Novita's ComfyUI worker
# (novitalabs/comfyui-worker) takes an API-format workflow and the id of the
# node whose images to return; a plain { prompt = ... } fails with
# "input.workflow is required".
locals {
  workflow = {
    "4" = { class_type = "CheckpointLoaderSimple", inputs = { ckpt_name = "flux1-dev-fp8.safetensors" } }
    "5" = { class_type = "EmptyLatentImage", inputs = { width = 512, height = 512, batch_size = 1 } }
    "6" = { class_type = "CLIPTextEncode", inputs = { clip = ["4", 1], text = "a red apple on a table" } }
    "7" = { class_type = "CLIPTextEncode", inputs = { clip = ["4", 1], text = "blurry, low quality" } }
    "3" = {
      class_type = "KSampler"
      inputs = {
        model        = ["4", 0]
        positive     = ["6", 0]
        negative     = ["7", 0]
        latent_image = ["5", 0]
        seed         = 42
        steps        = 10
        cfg          = 7
        sampler_name = "euler"
        scheduler    = "normal"
        denoise      = 1
      }
    }
    "8" = { class_type = "VAEDecode", inputs = { samples = ["3", 0], vae = ["4", 2] } }
    "9" = { class_type = "SaveImage", inputs = { filename_prefix = "smoke", images = ["8", 0] } }
  }
}

resource "novita_job" "smoke" {
  endpoint_name = var.endpoint_name
  input = jsonencode({
    workflow       = local.workflow
    output_node_id = "9" # the SaveImage node
  })

  wait            = true
  expected_status = "COMPLETED"
  triggers = {
    image = "novitalabs/comfyui-worker:v0.0.1"
  }

  timeouts = {
    create = "20m"
  }
}

output "job_output" {
  value = jsondecode(novita_job.smoke.output)
}
