# Terraform 1.12 or newer: import by identity.
import {
  to       = novita_cloud_storage.models
  identity = { id = "3b9d6f0e-7c1a-4f43-9a55-2d1c8e6b7f10" }
}
