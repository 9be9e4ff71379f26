package provider

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// testExamplesDir is the examples of the docs, from this package's directory.
const testExamplesDir = "../../examples"

// TestAccExamples_valid checks every example configuration that the docs show (examples/provider,
// resources, data-sources, ephemeral-resources and, on Terraform 1.14 and later, actions; the
// quickstart is applied by make demo): that terraform fmt leaves it as it is, and that terraform
// validate accepts it against the provider's schema, so that what a user copies from the docs is
// well formed. Each file is validated alone (resource.tf and import-by-block.tf declare the same
// resource), with the built provider through dev_overrides: nothing is installed, and no API is
// called.
func TestAccExamples_valid(t *testing.T) {
	t.Parallel()
	testAccPreCheck(t)
	cli := testAccCLI(t)
	terraform := cli.Path

	patterns := []string{"provider/*.tf", "resources/*/*.tf", "data-sources/*/*.tf", "ephemeral-resources/*/*.tf"}
	// Action blocks are Terraform 1.14's: older CLIs and OpenTofu cannot validate them.
	if testAccCLIHasActions(cli) {
		patterns = append(patterns, "actions/*/*.tf")
	} else {
		t.Logf("examples/actions not validated: actions are not supported by %s", cli)
	}
	var files []string
	for _, pattern := range patterns {
		matches, err := filepath.Glob(filepath.Join(testExamplesDir, pattern))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, matches...)
	}
	if len(files) < 20 {
		t.Fatalf("found %d example files under %s, want every resource's, data source's and ephemeral resource's", len(files), testExamplesDir)
	}

	// The built provider through dev_overrides; the environment of each command carries it, so
	// the test changes no process-wide setting.
	env := testAccDevOverridesEnv(t)
	run := func(dir string, args ...string) (string, error) {
		cmd := exec.Command(terraform, args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	if out, err := run(testExamplesDir, "fmt", "-check", "-recursive", "-diff", "-no-color"); err != nil {
		t.Errorf("terraform fmt would change the examples (run terraform fmt -recursive examples): %v\n%s", err, out)
	}

	requiredProviders := regexp.MustCompile(`(?m)^\s*required_providers\s*{`)
	for _, file := range files {
		if strings.HasPrefix(file, filepath.Join(testExamplesDir, "ephemeral-resources")) && !testAccCLIHasEphemeral(cli) {
			t.Logf("not validating %s: %s has no ephemeral resources", file, cli)
			continue
		}
		// Not tfplugindocs' import-by-identity.tf: it refuses that file when the CLI that exports the
		// schema has no identity, whatever the template shows.
		if filepath.Base(file) == "import-identity-block.tf" && !testAccCLIHasIdentity(cli) {
			t.Logf("not validating %s: %s has no import by identity", file, cli)
			continue
		}
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		sources := map[string]string{filepath.Base(file): string(src)}
		if !requiredProviders.Match(src) {
			sources["versions.tf"] = "terraform {\n  required_providers {\n    alien = {\n      source = \"alien-intelligence/alien\"\n    }\n  }\n}\n"
		}
		for name, content := range sources {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if out, err := run(dir, "validate", "-no-color"); err != nil || !strings.Contains(out, "Success!") {
			t.Errorf("terraform validate refuses %s: %v\n%s", strings.TrimPrefix(file, testExamplesDir+"/"), err, out)
		}
	}
}
