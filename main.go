// Command terraform-provider-novita serves the Novita Terraform provider.
package main

import (
	"context"
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/novitalabs/terraform-provider-novita/internal/provider"
)

// version is set by the release build (goreleaser) through -ldflags.
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	// Under -debug the logs go to the developer's terminal, so they are wanted as they are.
	if !debug {
		if err := quietSDKLogsInProcess(); err != nil {
			log.Fatal(err.Error())
		}
	}
	stopProfile, err := startCPUProfile(os.Getenv(envCPUProfile))
	if err != nil {
		log.Fatal(err.Error())
	}
	err = providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/novitalabs/novita",
		Debug:   debug,
	})
	stopProfile()
	if err != nil {
		log.Fatal(err.Error())
	}
}
