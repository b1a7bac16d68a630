# Terraform 1.12 or newer: import by identity. The password is not imported: keep password_wo
# (or password) in the resource; a matching one is adopted without replacing the credential.
import {
  to       = novita_registry_credential.dockerhub
  identity = { id = "7d2c4e1a-9b3f-4c6d-8e5a-1f0b2c3d4e5f" }
}
