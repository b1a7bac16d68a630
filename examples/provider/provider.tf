terraform {
  required_version = ">= 1.11"
  required_providers {
    novita = {
      source = "novitalabs/novita"
    }
  }
}

# The API key comes from NOVITA_API_KEY in the environment. Every argument
# is optional; set one only to override its environment variable or default.
provider "novita" {
  # api_key         = "sk_..."                                      # NOVITA_API_KEY
  # base_url        = "https://api.novita.ai"                       # NOVITA_BASE_URL
  # async_base_url  = "https://async-public.serverless.novita.ai/v1" # NOVITA_ASYNC_BASE_URL
  max_retries     = 8
  request_timeout = "60s"
}
