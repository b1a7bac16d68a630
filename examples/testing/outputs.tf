output "endpoint_id" {
  value = novita_endpoint.this.id
}

output "endpoint_state" {
  value = novita_endpoint.this.state
}

output "max_workers" {
  value = novita_endpoint.this.max_workers
}

output "job_status" {
  value = novita_job.this.status
}

output "job_output" {
  description = "The job's output, decoded (null unless it completed)."
  value       = novita_job.this.output == null ? null : jsondecode(novita_job.this.output)
}

output "job_error" {
  value = novita_job.this.error
}

output "health" {
  description = "The endpoint's job and worker counts after the job."
  value = {
    jobs    = data.novita_endpoint_health.this.jobs
    workers = data.novita_endpoint_health.this.workers
  }
}
