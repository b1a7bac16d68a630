# Find cloud storage created elsewhere by name (or by id), for example to
# mount it in an endpoint in the same cluster.
data "novita_cloud_storage" "models" {
  name = "comfyui-models"
}

output "models_storage" {
  value = {
    id         = data.novita_cloud_storage.models.id
    cluster_id = data.novita_cloud_storage.models.cluster_id
    size_gb    = data.novita_cloud_storage.models.size_gb
  }
}
