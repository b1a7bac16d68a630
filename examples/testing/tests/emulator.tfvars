# Variables for the local Novita emulator (scripts/test-examples-testing.sh).
# The emulator's workers echo the input of any image except Novita's ComfyUI and
# sleep workers, and fail a job whose input has a top-level "error".

image             = "registry.example.com/acme/echo-worker:1.0"
registry_username = "acme"
registry_password = "emulator-password"

job_input           = { message = "hello from terraform test" }
expected_job_output = { message = "hello from terraform test" }

failing_job_input = { error = "CUDA out of memory" }
failing_job_error = "CUDA out of memory"
