# Terraform 1.14 or newer: every cloud storage whose name contains "models".
list "novita_cloud_storage" "models" {
  provider = novita

  config {
    name_contains = "models"
  }
}
