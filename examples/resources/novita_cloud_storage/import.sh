# Cloud storage is imported by its id (a UUID).
terraform import novita_cloud_storage.models 3b9d6f0e-7c1a-4f43-9a55-2d1c8e6b7f10
