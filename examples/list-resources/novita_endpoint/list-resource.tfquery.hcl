# Terraform 1.14 or newer: `terraform query` lists the account's endpoints, and
# `terraform query -generate-config-out=generated.tf` writes a resource and an import block for each.
list "novita_endpoint" "flux" {
  provider = novita
  limit    = 500 # Terraform's default is 100

  config {
    name_contains = "flux" # in the name or the app name
    cluster_id    = "cn-hongkong-1"
  }
}
