terraform {
  # Write-only attributes (password_wo) need Terraform 1.11+.
  required_version = ">= 1.11"

  required_providers {
    novita = {
      source = "novitalabs/novita"
    }
  }
}

# NOVITA_API_KEY, NOVITA_BASE_URL and NOVITA_ASYNC_BASE_URL come from the
# environment: the emulator's export lines offline, your account's key live.
provider "novita" {}
