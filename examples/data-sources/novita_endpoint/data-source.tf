# Look up an endpoint created outside this configuration, by app name (or by id).
data "novita_endpoint" "comfyui" {
  app_name = "comfyui"
}

output "comfyui" {
  value = {
    endpoint_name   = data.novita_endpoint.comfyui.endpoint_name
    state           = data.novita_endpoint.comfyui.state
    running_workers = length([for w in data.novita_endpoint.comfyui.workers : w.id if w.status == "ready"])
  }
}
