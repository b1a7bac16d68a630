# The status and output of a job submitted by anything (the SDK, curl, or a
# novita_job resource). Results are kept for 6 hours after a job finishes.
data "novita_job" "last" {
  endpoint_name = "0f43a6867e05fddd-comfyui"
  id            = "8c3f2f52-2e3b-4b4e-9f5e-6f1d2a7c9b01"
}

output "job_status" {
  value = data.novita_job.last.status
}
