# Terraform 1.12 or newer: import by identity.
import {
  to       = novita_endpoint.comfyui
  identity = { id = "0f43a6867e05fddd" }
}
