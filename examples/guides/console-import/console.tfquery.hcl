# Everything the account holds; add config { name_contains = "..." } to narrow it down.
list "novita_endpoint" "console" {
  provider = novita
  limit    = 1000 # Terraform's default is 100
}

list "novita_cloud_storage" "console" {
  provider = novita
  limit    = 1000
}

list "novita_registry_credential" "console" {
  provider = novita
  limit    = 1000
}
