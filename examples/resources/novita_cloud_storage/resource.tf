# Network storage in the first cluster that offers it. Endpoints in the same
# cluster can mount it; it can grow in place but never shrink.
data "novita_clusters" "with_storage" {
  network_storage_only = true
}

resource "novita_cloud_storage" "models" {
  name       = "comfyui-models"
  size_gb    = 100
  cluster_id = data.novita_clusters.with_storage.clusters[0].id

  # Refuse `terraform destroy` while this is true.
  deletion_protection = true

  # A new cluster_id replaces the storage, and Novita refuses to delete storage
  # that an endpoint still mounts: create the new one first (names need not be
  # unique), move the mount, then delete the old.
  lifecycle {
    create_before_destroy = true
  }
}
