# An async endpoint running Novita's ComfyUI worker on one RTX 4090 per
# worker. It scales from zero workers up to two, one job per worker at a time.
data "novita_gpu_products" "rtx4090" {
  name_regex     = "4090"
  available_only = true
}

resource "novita_endpoint" "comfyui" {
  name       = "comfyui"
  app_name   = "comfyui"
  type       = "async"
  product_id = data.novita_gpu_products.rtx4090.products[0].id
  gpu_count  = 1

  min_workers     = 0
  max_workers     = 2
  idle_timeout    = 300
  max_concurrency = 1
  scaling_policy = {
    type  = "concurrency" # scale on queued requests per worker
    value = 1
  }

  image = "novitalabs/comfyui-worker:v0.0.1"
  port  = 8080

  env = {
    BUCKET_ENDPOINT_URL  = "https://s3.us-east-1.amazonaws.com"
    BUCKET_NAME          = "my-comfyui-outputs"
    BUCKET_ACCESS_KEY_ID = "AKIAEXAMPLE"
  }

  # Write-only (Terraform 1.11+): sent to Novita, never stored in state.
  # Bump secret_env_wo_version to push new values.
  secret_env_wo = {
    BUCKET_SECRET_ACCESS_KEY = var.bucket_secret_access_key
  }
  secret_env_wo_version = 1

  timeouts = {
    create = "30m"
  }
}

variable "bucket_secret_access_key" {
  type      = string
  sensitive = true
}

output "endpoint_name" {
  description = "The name jobs are submitted to: <endpoint id>-<app name>."
  value       = novita_endpoint.comfyui.endpoint_name
}
