# Submit one job to an async endpoint during apply and wait for it: a smoke
# test that fails the apply unless the job COMPLETES. Change `triggers` (or the
# input) to run a new job; the job is cancelled on destroy if still running.
variable "endpoint_name" {
  type        = string
  description = "The job name of an async endpoint, for example novita_endpoint.x.endpoint_name."
}

resource "novita_job" "smoke" {
  endpoint_name = var.endpoint_name
  input = jsonencode({
    prompt = "a red apple on a table"
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
