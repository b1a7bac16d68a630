# Clusters that offer RTX 4090 GPUs and network storage: the place for an
# endpoint that mounts a novita_cloud_storage.
data "novita_clusters" "rtx4090_with_storage" {
  gpu_type             = "RTX 4090 24GB" # a product name from novita_gpu_products
  network_storage_only = true
}

output "cluster_ids" {
  value = data.novita_clusters.rtx4090_with_storage.clusters[*].id
}
