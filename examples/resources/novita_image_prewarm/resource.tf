# Cache the worker image in the endpoint's cluster before the endpoint exists,
# so that its first workers load the image locally instead of pulling several
# gigabytes from Docker Hub: shorter cold starts for a scale-to-zero endpoint.
data "novita_gpu_products" "rtx4090" {
  name_regex     = "4090"
  available_only = true
}

locals {
  product = data.novita_gpu_products.rtx4090.products[0]
}

resource "novita_image_prewarm" "comfyui" {
  image       = "novitalabs/comfyui-worker:v0.0.1"
  cluster_id  = local.product.clusters[0]
  product_ids = [local.product.id] # omit to cache on every card type in the cluster
  note        = "ComfyUI worker"

  timeouts = {
    create = "60m" # copying a large image can take a while
  }
}

# The endpoint takes its image and cluster from the prewarm task, so it is
# created (or updated) only once the image is cached. A new tag replaces the
# task, then updates the endpoint.
resource "novita_endpoint" "comfyui" {
  name       = "comfyui"
  product_id = local.product.id
  cluster_id = novita_image_prewarm.comfyui.cluster_id
  image      = novita_image_prewarm.comfyui.image
  port       = 8080

  min_workers    = 0
  max_workers    = 2
  idle_timeout   = 300
  scaling_policy = { type = "concurrency", value = 1 }
}
