output "endpoint_name" {
  description = "Submit jobs to this name: POST <async_base_url>/<endpoint_name>/run, or novita_gpus.Endpoint(\"<endpoint_name>\") in Python."
  value       = novita_endpoint.comfyui.endpoint_name
}

output "endpoint_state" {
  value = novita_endpoint.comfyui.state
}

output "job_id" {
  value = novita_job.smoke.id
}

output "job_status" {
  value = novita_job.smoke.status
}

output "job_execution_time_ms" {
  value = novita_job.smoke.execution_time_ms
}

output "image_urls" {
  description = "Images the smoke-test job generated (URLs in the bucket when one is configured)."
  value       = try(jsondecode(novita_job.smoke.output).images[*].url, [])
}
