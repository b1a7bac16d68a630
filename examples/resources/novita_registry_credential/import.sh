# A registry credential is imported by its id. The password is not read back:
# keep password_wo (or password) in the configuration.
terraform import novita_registry_credential.dockerhub 1a2b3c4d5e6f
