# How many image prewarm tasks the account has, and may have. The provider
# already fails a plan that would exceed the quota; a check block can warn
# earlier, when only one slot is left.
data "novita_image_prewarm_quota" "this" {}

check "prewarm_quota" {
  assert {
    condition     = data.novita_image_prewarm_quota.this.limit - data.novita_image_prewarm_quota.this.total > 1
    error_message = "Only ${data.novita_image_prewarm_quota.this.limit - data.novita_image_prewarm_quota.this.total} image prewarm task(s) left in the quota."
  }
}

output "largest_prewarm_image_gb" {
  value = data.novita_image_prewarm_quota.this.per_image_size_gb
}
