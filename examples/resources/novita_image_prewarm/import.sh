# An image prewarm task is imported by its id.
terraform import novita_image_prewarm.comfyui 8f14e45f-ceea-467f-a0e6-1c1c8f3b2a10
