# Queue and worker counts of an async endpoint, read at every plan. Use it in
# a `check` block: Terraform warns, without failing, when the assertion does
# not hold.
variable "endpoint_name" {
  type = string
}

check "jobs_are_not_stuck" {
  data "novita_endpoint_health" "this" {
    endpoint_name = var.endpoint_name
  }

  assert {
    condition     = data.novita_endpoint_health.this.jobs.in_queue == 0 || data.novita_endpoint_health.this.workers.total > 0
    error_message = "Jobs are waiting in the queue of ${var.endpoint_name} but it has no workers: check max_workers and the GPU inventory."
  }
}
