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

output "job_delay_time_ms" {
  description = "How long the smoke-test job waited for a worker, as Novita reports it: the cold start of the first worker (shorter with prewarm_image)."
  value       = novita_job.smoke.delay_time_ms
}

output "job_execution_time_ms" {
  description = "How long the smoke-test job ran, as Novita reports it."
  value       = novita_job.smoke.execution_time_ms
}

output "image_urls" {
  description = "URLs of the images the smoke-test job generated, in the bucket (empty without a bucket: the images are then inline in the job's output)."
  value = [
    for image in try(jsondecode(novita_job.smoke.output).images, []) : image.url
    if can(image.url)
  ]
}
