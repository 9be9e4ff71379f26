package main

import (
	"os"
	"strings"
)

// providerLogLevels are the variables that set the levels of the provider's loggers: the SDK
// (terraform-plugin-go), its protocol subsystem, the framework, and the provider's own (tflog,
// which the API client's subsystem inherits).
var providerLogLevels = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER"}

// quietLogsUnlessAsked turns the provider's loggers off when no TF_LOG* variable is set. Every
// logger of a provider defaults to TRACE: the provider formats each line as JSON on stderr and
// Terraform parses it, then drops it unless TF_LOG or TF_LOG_PROVIDER asks for it. That is tens
// of lines per resource and per request, which cost a third of the provider's CPU (and as much of
// Terraform's) in a no-change plan of a thousand resources, for lines nobody reads. Terraform
// passes its environment to providers, so a TF_LOG* variable set for terraform is seen here, and
// then nothing changes.
func quietLogsUnlessAsked(environ []string, setenv func(key, value string) error) error {
	for _, kv := range environ {
		if k, v, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "TF_LOG") && v != "" {
			return nil
		}
	}
	for _, k := range providerLogLevels {
		if err := setenv(k, "OFF"); err != nil {
			return err
		}
	}
	return nil
}

// quietLogs is quietLogsUnlessAsked on the process's environment.
func quietLogs() error {
	return quietLogsUnlessAsked(os.Environ(), os.Setenv)
}
