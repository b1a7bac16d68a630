# Pull credentials for a private image registry. The password is write-only
# (Terraform 1.11+): Novita receives it, the state never holds it. Bump
# password_wo_version to rotate it (the API cannot update credentials, so the
# credential is replaced).
variable "registry_password" {
  type      = string
  sensitive = true
}

resource "novita_registry_credential" "dockerhub" {
  name                = "dockerhub-ci"
  username            = "my-dockerhub-user"
  password_wo         = var.registry_password
  password_wo_version = 1

  # Rotation replaces the credential, and Novita refuses to delete one that an
  # endpoint still uses: create the new one first, repoint, then delete the old.
  lifecycle {
    create_before_destroy = true
  }
}

# Endpoints reference it by id:
#   registry_credential_id = novita_registry_credential.dockerhub.id
