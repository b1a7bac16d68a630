# Terraform 1.12 or newer: import by identity. Results are kept for 6 hours after a job finishes.
import {
  to = novita_job.smoke
  identity = {
    endpoint_name = "0f43a6867e05fddd-comfyui"
    id            = "8c3f2f52-2e3b-4b4e-9f5e-6f1d2a7c9b01"
  }
}
