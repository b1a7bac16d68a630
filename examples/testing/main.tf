# A small Novita module to test with `terraform test`: a private worker image
# pulled with a registry credential, cloud storage mounted on its workers, an
# async endpoint, and one job whose result the tests assert on.

data "novita_gpu_products" "gpu" {
  name_regex = var.gpu
}

data "novita_clusters" "with_storage" {
  gpu_type             = try(local.product.name, null)
  network_storage_only = true
}

locals {
  product    = try(data.novita_gpu_products.gpu.products[0], null)
  cluster_id = try(data.novita_clusters.with_storage.clusters[0].id, "")
}

resource "novita_registry_credential" "this" {
  name                = "${var.name}-registry"
  username            = var.registry_username
  password_wo         = var.registry_password
  password_wo_version = 1

  lifecycle {
    create_before_destroy = true
  }
}

resource "novita_cloud_storage" "this" {
  name       = "${var.name}-storage"
  size_gb    = var.storage_size_gb
  cluster_id = local.cluster_id

  lifecycle {
    create_before_destroy = true

    precondition {
      condition     = local.cluster_id != ""
      error_message = "No cluster offers both the GPU and network storage."
    }
  }
}

resource "novita_endpoint" "this" {
  name       = var.name
  type       = "async"
  product_id = try(local.product.id, "")
  gpu_count  = 1

  min_workers     = 0
  max_workers     = var.max_workers
  idle_timeout    = 60
  max_concurrency = 1
  scaling_policy = {
    type  = "concurrency"
    value = 1
  }

  image                  = var.image
  registry_credential_id = novita_registry_credential.this.id
  port                   = 8080

  cluster_id = novita_cloud_storage.this.cluster_id
  volume_mounts = [{
    type             = "network"
    cloud_storage_id = novita_cloud_storage.this.id
    mount_path       = "/data"
  }]

  lifecycle {
    precondition {
      condition     = local.product != null
      error_message = "No serverless GPU product's name matches \"${var.gpu}\"."
    }
  }
}

# The job runs once per apply that creates it; a new input runs a new one.
resource "novita_job" "this" {
  endpoint_name   = novita_endpoint.this.endpoint_name
  input           = jsonencode(var.job_input)
  expected_status = var.expected_job_status
}

# Read after the job, so the counts include it.
data "novita_endpoint_health" "this" {
  endpoint_name = novita_endpoint.this.endpoint_name
  depends_on    = [novita_job.this]
}
