# `terraform test` (or `tofu test`) for this module. The same runs pass against
# the local Novita emulator and against a Novita account: only the variables
# file and the environment differ.
#
#   offline, free:  scripts/test-examples-testing.sh in the provider's repository,
#                   or, with the emulator's export lines in the environment,
#                   terraform test -var-file=tests/emulator.tfvars
#   live, billed:   export NOVITA_API_KEY=sk_... TF_VAR_registry_password=...
#                   terraform test -var-file=tests/novita.tfvars
#
# Variables set here win over the command line's, so this block holds only what
# is the same everywhere. Values a run block passes to the module come from the
# module's variables, the variables file or an earlier run (OpenTofu 1.12 does not
# let a run block read this block).
variables {
  # The state the provider reports for an endpoint that takes jobs.
  serving_state = "running"
}

# Plan-time guards fail before anything is created: a GPU nobody offers trips
# the endpoint's precondition (the plan asks the API for the GPU catalogue),
# and a max_workers out of range trips the variable's validation.
run "unknown_gpu_fails_at_plan" {
  command = plan

  variables {
    gpu = "^no-such-gpu$"
  }

  expect_failures = [novita_endpoint.this]
}

run "max_workers_is_bounded" {
  command = plan

  variables {
    max_workers = 50
  }

  expect_failures = [var.max_workers]
}

# Everything is created, the job completes, and the health counts include it.
run "deploys_and_runs_a_job" {
  assert {
    condition     = output.endpoint_state == var.serving_state
    error_message = "The endpoint is ${output.endpoint_state}, want ${var.serving_state}."
  }

  assert {
    condition     = output.job_status == "COMPLETED"
    error_message = "The job ended ${output.job_status}, error ${jsonencode(output.job_error)}."
  }

  assert {
    condition     = output.job_output == var.expected_job_output
    error_message = "The job's output is ${jsonencode(output.job_output)}, want ${jsonencode(var.expected_job_output)}."
  }

  assert {
    condition     = output.health.jobs.completed >= 1 && output.health.jobs.failed == 0
    error_message = "Health counts ${jsonencode(output.health.jobs)}: want the completed job and no failures."
  }

  assert {
    condition     = output.health.workers.total == output.health.workers.idle + output.health.workers.running + output.health.workers.throttled
    error_message = "Worker counts ${jsonencode(output.health.workers)} do not add up."
  }
}

# A scaling change updates the endpoint in place: same id, still serving. (The
# earlier id comes in as a variable: OpenTofu's assertions cannot read run.*.)
run "scales_in_place" {
  variables {
    max_workers          = 2
    previous_endpoint_id = run.deploys_and_runs_a_job.endpoint_id
  }

  assert {
    condition     = output.endpoint_id == var.previous_endpoint_id
    error_message = "Changing max_workers replaced endpoint ${var.previous_endpoint_id} with ${output.endpoint_id}."
  }

  assert {
    condition     = output.max_workers == 2 && output.endpoint_state == var.serving_state
    error_message = "After the update: max_workers ${output.max_workers}, state ${output.endpoint_state}."
  }
}

# A job the worker rejects is reported, not hidden: the module expects FAILED.
run "reports_a_failing_job" {
  variables {
    max_workers         = 2
    job_input           = var.failing_job_input
    expected_job_status = "FAILED"
  }

  assert {
    condition     = output.job_status == "FAILED" && try(strcontains(output.job_error, var.failing_job_error), false)
    error_message = "The job ended ${output.job_status} with error ${jsonencode(output.job_error)}, want FAILED with \"${var.failing_job_error}\"."
  }

  assert {
    condition     = output.health.jobs.failed >= 1
    error_message = "Health counts ${jsonencode(output.health.jobs)}: the failed job is not counted."
  }
}
