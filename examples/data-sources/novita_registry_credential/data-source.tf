# Reference a registry credential managed elsewhere, by name (or by id). The
# password is never read.
data "novita_registry_credential" "dockerhub" {
  name = "dockerhub-ci"
}

output "registry_credential_id" {
  value = data.novita_registry_credential.dockerhub.id
}
