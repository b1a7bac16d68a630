# Serverless GPU products whose name matches a regular expression and that
# have stock now. Use a product's id as novita_endpoint.product_id.
data "novita_gpu_products" "rtx4090" {
  name_regex     = "4090"
  available_only = true
}

output "rtx4090" {
  value = [for p in data.novita_gpu_products.rtx4090.products : {
    id                 = p.id
    name               = p.name
    price_per_hour_usd = p.price_per_hour_usd
    clusters           = p.clusters
  }]
}
