# Terraform 1.14 or newer. A smoke job after every create and update of the endpoint, without
# keeping a job in state. Run it again on demand with
#   terraform apply -invoke=action.novita_endpoint_invoke.smoke
action "novita_endpoint_invoke" "smoke" {
  config {
    endpoint_name = novita_endpoint.api.endpoint_name
    # Whatever the worker's handler expects as job["input"].
    input           = jsonencode({ ping = true })
    expected_status = "COMPLETED" # the default
    timeout         = "15m"
  }
}

data "novita_gpu_products" "rtx4090" {
  name_regex     = "4090"
  available_only = true
}

resource "novita_endpoint" "api" {
  name         = "inference-api"
  product_id   = data.novita_gpu_products.rtx4090.products[0].id
  image        = "myorg/inference-worker:v3"
  port         = 8080
  min_workers  = 0
  max_workers  = 2
  idle_timeout = 300
  scaling_policy = {
    type  = "queue"
    value = 30
  }

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.novita_endpoint_invoke.smoke]
    }
  }
}
