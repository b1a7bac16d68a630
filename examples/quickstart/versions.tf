terraform {
  # Write-only attributes (password_wo, secret_env_wo) need Terraform 1.11+.
  required_version = ">= 1.11"

  required_providers {
    novita = {
      source = "novitalabs/novita"
    }
  }
}

# Reads NOVITA_API_KEY (and NOVITA_BASE_URL / NOVITA_ASYNC_BASE_URL, which
# `make demo` points at the local emulator) from the environment.
provider "novita" {}
