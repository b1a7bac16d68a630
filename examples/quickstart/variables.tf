variable "name" {
  description = "Prefix of every object's name."
  type        = string
  default     = "comfyui-quickstart"
}

variable "max_workers" {
  description = "Scaling ceiling of the endpoint: at most this many RTX 4090 workers bill at once."
  type        = number
  default     = 1
}

variable "idle_timeout" {
  description = "Seconds an idle worker is kept (and billed) before it is released."
  type        = number
  default     = 60
}

variable "gpu" {
  description = "Regular expression matched against the serverless GPU products' names; the first match is used. Async endpoints offer RTX 4090 24GB and H100 SXM 80GB."
  type        = string
  default     = "4090"
}

variable "cluster_id" {
  description = "Cluster of the cloud storage and the endpoint. Empty: the first cluster that offers both the GPU and network storage."
  type        = string
  default     = ""
}

variable "storage_size_gb" {
  description = "Size of the cloud storage mounted on every worker (at least 10 GB)."
  type        = number
  default     = 10
}

variable "prewarm_image" {
  description = "Cache the worker image in the endpoint's cluster before the endpoint starts (novita_image_prewarm), so cold starts load it locally instead of pulling it. Uses one task of the account's prewarm quota."
  type        = bool
  default     = true
}

variable "registry_username" {
  description = "User name of the image registry credential."
  type        = string
  default     = "quickstart"
}

variable "registry_password" {
  description = "Password of the image registry credential. Write-only: it never reaches the state. Set it with TF_VAR_registry_password."
  type        = string
  sensitive   = true
  default     = "not-a-real-password"
}

variable "use_registry_credential" {
  description = "Create the registry credential and pull the image with it. The quickstart image is public, so this is off by default; turn it on for a private image."
  type        = bool
  default     = false
}

variable "bucket_endpoint_url" {
  description = "S3-compatible endpoint the worker uploads images to, for example https://s3.us-east-1.amazonaws.com."
  type        = string
  default     = "https://s3.us-east-1.amazonaws.com"
}

variable "bucket_name" {
  description = "Bucket for the generated images. Empty: no bucket; the worker returns images inline in the job output."
  type        = string
  default     = ""
}

variable "bucket_access_key_id" {
  description = "Access key id for the bucket."
  type        = string
  default     = ""
}

variable "bucket_secret_access_key" {
  description = "Secret access key for the bucket. Write-only: sent to Novita as a secret environment variable, never stored in the state. Set it with TF_VAR_bucket_secret_access_key."
  type        = string
  sensitive   = true
  default     = ""
}

variable "bucket_secret_version" {
  description = "Bump to push a new bucket_secret_access_key to the endpoint."
  type        = number
  default     = 1
}

variable "prompt" {
  description = "What the smoke-test job draws."
  type        = string
  default     = "a red apple on a table"
}
