# Terraform 1.14 or newer: every registry credential. Results never carry the password.
list "novita_registry_credential" "all" {
  provider         = novita
  include_resource = true # show name and username in `terraform query`
}
