// Command terraform-provider-alien is the Terraform provider for the Alien Intelligence platform.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/alien-intelligence/terraform-provider-alien/internal/provider"
)

// Generate the documentation (docs/) from the schemas, examples/ and templates/ with "make docs"
// (scripts/docs): it exports the schema with a Terraform 1.14 or later, which alone exports actions
// and list resources, and keeps tfplugindocs offline. tfplugindocs run alone with an older
// terraform on PATH would drop their pages.
//go:generate make docs

// version is set by the release build (goreleaser): -ldflags "-X main.version=1.2.3".
var version = "dev"

// protocolVersion is the plugin protocol the provider serves; terraform-registry-manifest.json
// tells both registries so (TestRegistryManifest).
const protocolVersion = 6

func main() {
	var debug bool

	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	if !debug {
		// Under a debugger the provider's own stderr shows its logs: keep them there.
		if err := quietLogs(); err != nil {
			log.Fatal(err.Error())
		}
	}

	opts := providerserver.ServeOpts{
		Address:         "registry.terraform.io/alien-intelligence/alien",
		Debug:           debug,
		ProtocolVersion: protocolVersion,
	}

	if err := providerserver.Serve(context.Background(), provider.New(version), opts); err != nil {
		log.Fatal(err.Error())
	}
}
