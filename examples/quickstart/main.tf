# Novita's "Create Async Serverless Endpoint" guide as code: an async ComfyUI
# endpoint on RTX 4090 workers that scale from zero, with cloud storage
# mounted, an image registry credential, one smoke-test job, and a health check.

# --- Where to run -----------------------------------------------------------

# The GPU: the first serverless product whose name matches var.gpu ("RTX 4090 24GB").
data "novita_gpu_products" "gpu" {
  name_regex = var.gpu
}

# Clusters that offer that GPU and network storage: the storage and the
# endpoint that mounts it must live in the same one.
data "novita_clusters" "with_storage" {
  gpu_type             = try(local.product.name, null)
  network_storage_only = true
}

locals {
  product    = try(data.novita_gpu_products.gpu.products[0], null)
  cluster_id = var.cluster_id != "" ? var.cluster_id : try(data.novita_clusters.with_storage.clusters[0].id, "")

  bucket_enabled = var.bucket_name != ""
  image          = "novitalabs/comfyui-worker:v0.0.1"
}

# --- Image registry credential ------------------------------------------------

# Created only when the endpoint uses it (the quickstart image is public).
resource "novita_registry_credential" "this" {
  count = var.use_registry_credential ? 1 : 0

  name                = "${var.name}-registry"
  username            = var.registry_username
  password_wo         = var.registry_password
  password_wo_version = 1

  # Rotating the password replaces the credential, and Novita refuses to delete
  # one the endpoint still uses: create the new one first, then delete the old.
  lifecycle {
    create_before_destroy = true
  }
}

# --- Cloud storage, mounted on every worker -----------------------------------

resource "novita_cloud_storage" "this" {
  name       = "${var.name}-storage"
  size_gb    = var.storage_size_gb
  cluster_id = local.cluster_id

  lifecycle {
    # A new cluster replaces the storage while the endpoint mounts it, and
    # Novita refuses to delete mounted storage: create the new one first.
    create_before_destroy = true

    precondition {
      condition     = local.cluster_id != ""
      error_message = "No cluster offers both ${try(local.product.name, var.gpu)} and network storage: set var.cluster_id."
    }
  }
}

# --- Image prewarm ----------------------------------------------------------------

# Novita's guide sends Docker Hub users to image prewarm: the image is copied
# into the cluster's cache, so workers that scale up from zero load it locally
# instead of pulling it. The endpoint depends on it, so even its first worker
# starts warm. It uses one task of the account's prewarm quota.
resource "novita_image_prewarm" "comfyui" {
  count = var.prewarm_image ? 1 : 0

  image      = local.image
  cluster_id = novita_cloud_storage.this.cluster_id # the endpoint's cluster
  note       = "${var.name}: ComfyUI worker image"

  timeouts = {
    create = "60m"
  }
}

# --- The async endpoint ---------------------------------------------------------

resource "novita_endpoint" "comfyui" {
  name       = var.name
  type       = "async"
  product_id = try(local.product.id, "")
  gpu_count  = 1

  min_workers     = 0 # scale to zero: no GPU bills while the queue is empty
  max_workers     = var.max_workers
  idle_timeout    = var.idle_timeout
  max_concurrency = 1
  scaling_policy = {
    type  = "concurrency" # the console's "queue request policy"
    value = 1
  }

  image                  = local.image
  registry_credential_id = var.use_registry_credential ? novita_registry_credential.this[0].id : null
  port                   = 8080

  # The storage's cluster: a mounted network volume pins the endpoint to it.
  cluster_id = novita_cloud_storage.this.cluster_id
  volume_mounts = [{
    type             = "network"
    cloud_storage_id = novita_cloud_storage.this.id
    mount_path       = "/data"
  }]

  # Where the worker uploads generated images (recommended by the guide).
  env = local.bucket_enabled ? {
    BUCKET_ENDPOINT_URL  = var.bucket_endpoint_url
    BUCKET_NAME          = var.bucket_name
    BUCKET_ACCESS_KEY_ID = var.bucket_access_key_id
  } : {}
  secret_env_wo = local.bucket_enabled ? {
    BUCKET_SECRET_ACCESS_KEY = var.bucket_secret_access_key
  } : null
  secret_env_wo_version = local.bucket_enabled ? var.bucket_secret_version : null

  timeouts = {
    create = "30m"
  }

  # Start only once the image is cached (when prewarm_image is on).
  depends_on = [novita_image_prewarm.comfyui]

  lifecycle {
    precondition {
      condition     = local.product != null
      error_message = "No serverless GPU product's name matches \"${var.gpu}\": see data.novita_gpu_products."
    }
  }
}

# --- A smoke-test job: the apply fails unless it COMPLETES ----------------------

resource "novita_job" "smoke" {
  endpoint_name = novita_endpoint.comfyui.endpoint_name
  input = jsonencode({
    workflow = {
      "4" = { class_type = "CheckpointLoaderSimple", inputs = { ckpt_name = "flux1-dev-fp8.safetensors" } }
      "5" = { class_type = "EmptyLatentImage", inputs = { width = 512, height = 512, batch_size = 1 } }
      "6" = { class_type = "CLIPTextEncode", inputs = { clip = ["4", 1], text = var.prompt } }
      "7" = { class_type = "CLIPTextEncode", inputs = { clip = ["4", 1], text = "blurry, low quality" } }
      "3" = {
        class_type = "KSampler"
        inputs = {
          model        = ["4", 0]
          positive     = ["6", 0]
          negative     = ["7", 0]
          latent_image = ["5", 0]
          seed         = 42
          steps        = 10
          cfg          = 7
          sampler_name = "euler"
          scheduler    = "normal"
          denoise      = 1
        }
      }
      "8" = { class_type = "VAEDecode", inputs = { samples = ["3", 0], vae = ["4", 2] } }
      "9" = { class_type = "SaveImage", inputs = { filename_prefix = "test", images = ["8", 0] } }
    }
    output_node_id = "9" # the node whose images are the job's output
  })

  expected_status = "COMPLETED"
  # A cold start pulls the image and loads the model: give it time.
  timeouts = {
    create = "30m"
  }
}

# --- A health check, evaluated at every plan and apply ------------------------
# On the first apply Terraform warns "Check block assertion known after apply":
# the endpoint does not exist yet at plan time, so the check runs after the apply.

check "endpoint_health" {
  data "novita_endpoint_health" "comfyui" {
    endpoint_name = novita_endpoint.comfyui.endpoint_name
  }

  assert {
    condition     = !(data.novita_endpoint_health.comfyui.jobs.in_queue > 0 && data.novita_endpoint_health.comfyui.workers.total == 0)
    error_message = "Jobs are queued on ${novita_endpoint.comfyui.endpoint_name} but no worker is running or starting: check max_workers and the RTX 4090 inventory."
  }

  assert {
    condition     = data.novita_endpoint_health.comfyui.jobs.failed == 0
    error_message = "${data.novita_endpoint_health.comfyui.jobs.failed} job(s) failed on ${novita_endpoint.comfyui.endpoint_name}."
  }
}
