variable "name" {
  description = "Prefix of every object's name."
  type        = string
  default     = "tftest"
}

variable "gpu" {
  description = "Regular expression matched against the serverless GPU products' names; the first match is used."
  type        = string
  default     = "4090"
}

variable "max_workers" {
  description = "Scaling ceiling of the endpoint."
  type        = number
  default     = 1

  validation {
    condition     = var.max_workers >= 1 && var.max_workers <= 10
    error_message = "max_workers must be between 1 and 10: this module is for tests."
  }
}

variable "storage_size_gb" {
  description = "Size of the cloud storage (at least 10 GB)."
  type        = number
  default     = 10
}

variable "image" {
  description = "The worker image: yours, pulled with the registry credential."
  type        = string
}

variable "registry_username" {
  description = "User name of the image registry credential."
  type        = string
}

variable "registry_password" {
  description = "Password of the image registry credential. Write-only: it never reaches the state."
  type        = string
  sensitive   = true
}

variable "job_input" {
  description = "The job's input, as an object (it is sent as JSON)."
  type        = any
}

variable "expected_job_status" {
  description = "The final status the job must reach, or the apply fails."
  type        = string
  default     = "COMPLETED"
}
