# A job is imported as <endpoint_name>/<job id>. Results are kept for 6 hours
# after a job finishes.
terraform import novita_job.smoke 0f43a6867e05fddd-comfyui/8c3f2f52-2e3b-4b4e-9f5e-6f1d2a7c9b01
