// Package api holds the OpenAPI document of the Alien Intelligence platform API as implemented by
// alien-local and spoken by internal/client. It is the contract both sides are tested against.
package api

import _ "embed"

// OpenAPI is the OpenAPI 3 document (YAML) of the API.
//
//go:embed openapi.yaml
var OpenAPI []byte
