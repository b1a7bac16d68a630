# An endpoint is imported by its id (the Novita console shows it).
terraform import novita_endpoint.comfyui 0f43a6867e05fddd
