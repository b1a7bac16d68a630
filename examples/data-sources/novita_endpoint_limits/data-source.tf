# The account's allowed ranges for endpoint settings (the provider also checks
# them at plan time). Useful to validate module inputs.
data "novita_endpoint_limits" "this" {}

output "worker_range" {
  value = "${data.novita_endpoint_limits.this.min_worker_num}-${data.novita_endpoint_limits.this.max_worker_num}"
}

output "cuda_versions" {
  value = data.novita_endpoint_limits.this.cuda_versions
}
