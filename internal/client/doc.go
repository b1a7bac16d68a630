// Package client is a Go client for Novita AI's serverless GPU API: the management API
// (endpoints, clusters, products, cloud storage, registry credentials) and the async job gateway.
//
// It follows the contract in the project's docs (novita-api.md) and knows nothing of Terraform.
package client
