# Serverless GPU products whose name matches a regular expression and that
# have stock now. Use a product's id as novita_endpoint.product_id.
data "novita_gpu_products" "rtx4090" {
  name_regex     = "4090"
  available_only = true
}

output "rtx4090" {
  value = [for p in data.novita_gpu_products.rtx4090.products : {
    id          = p.id
    name        = p.name
    gpus_max    = p.gpus_per_worker_max
    cluster_ids = p.cluster_ids
    # Prices as Novita sends them: raw integers with their unit and precision (no currency is documented).
    postpaid_price  = p.postpaid_price
    price_unit      = p.price_unit
    price_precision = p.price_precision
  }]
}
