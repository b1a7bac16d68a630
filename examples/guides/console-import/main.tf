terraform {
  required_version = ">= 1.14" # terraform query and -generate-config-out
  required_providers {
    novita = {
      source = "novitalabs/novita"
    }
  }
}

# Reads NOVITA_API_KEY (and NOVITA_BASE_URL, NOVITA_ASYNC_BASE_URL) from the environment.
provider "novita" {}

# Secrets that no query can return: pass them with TF_VAR_... or -var. Ephemeral variables are
# never stored in the plan or the state; write-only attributes accept them.
variable "registry_password" {
  type      = string
  sensitive = true
  ephemeral = true
}
