package provider

// Building the configurations of acceptance tests: fragments, provider blocks, variables whose
// value an earlier step captured, and the built provider binary for tests with several provider
// blocks.

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	acc "github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// testAccConfigJoin joins configuration fragments.
func testAccConfigJoin(parts ...string) string {
	return strings.Join(parts, "\n")
}

// testAccProviderBlock is a provider block that authenticates with token (another organization's).
func testAccProviderBlock(token string) string {
	return fmt.Sprintf("provider \"alien\" {\n  token = %q\n}\n", token)
}

// testAccAliasedProviderBlock is a provider block with an alias, authenticated with token.
func testAccAliasedProviderBlock(alias, token string) string {
	return fmt.Sprintf("provider \"alien\" {\n  alias = %q\n  token = %q\n}\n", alias, token)
}

// testAccLazyString is a test step's variable (ConfigVariables) whose value is read when the step
// starts: a value an earlier step's Check captured from state, such as a secret.
type testAccLazyString struct{ value *string }

// MarshalJSON encodes the value as it is now.
func (v testAccLazyString) MarshalJSON() ([]byte, error) {
	if *v.value == "" {
		return nil, fmt.Errorf("the variable's value was not captured by an earlier step")
	}
	return json.Marshal(*v.value)
}

// testAccBuiltProviderVersion is the version the built provider is installed as.
const testAccBuiltProviderVersion = "0.0.1"

// testAccBuiltProvider builds the provider binary and has Terraform install it from a local
// filesystem mirror (nothing is downloaded), for the tests whose configuration holds several
// alien provider blocks: in-process provider factories serve every provider block of a
// configuration from one provider server, so the last block configured would answer for all of
// them, while real Terraform runs one provider process per block. Use the answer as the
// TestCase's ExternalProviders, without ProtoV6ProviderFactories. It sets TF_CLI_CONFIG_FILE, so
// the test must not run in parallel (resource.Test). The provider process inherits ALIEN_ENDPOINT
// and ALIEN_TOKEN from the tests' environment.
func testAccBuiltProvider(t *testing.T) map[string]acc.ExternalProvider {
	t.Helper()
	testAccPreCheck(t)
	// Installed under the address a user's `source = "alien-intelligence/alien"` means to this
	// CLI: OpenTofu gives a source without a host its own registry's. (OpenTofu also installs
	// registry.terraform.io/... from the mirror, but that is not what its users write.)
	host := "registry.terraform.io"
	if testAccCLI(t).Name == "tofu" {
		host = "registry.opentofu.org"
	}
	dir := t.TempDir()
	platform := runtime.GOOS + "_" + runtime.GOARCH
	pluginDir := filepath.Join(dir, "mirror", host, "alien-intelligence", "alien",
		testAccBuiltProviderVersion, platform)
	binary := filepath.Join(pluginDir, "terraform-provider-alien_v"+testAccBuiltProviderVersion)
	// The go command that runs these tests is on PATH.
	build := exec.Command("go", "build", "-o", binary, "github.com/alien-intelligence/terraform-provider-alien")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}

	cliConfig := filepath.Join(dir, "terraform.rc")
	rc := fmt.Sprintf(`disable_checkpoint = true
provider_installation {
  filesystem_mirror {
    path    = %q
    include = ["%s/alien-intelligence/alien"]
  }
}
`, filepath.Join(dir, "mirror"), host)
	if err := os.WriteFile(cliConfig, []byte(rc), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TF_CLI_CONFIG_FILE", cliConfig)
	t.Setenv("CHECKPOINT_DISABLE", "1")
	return map[string]acc.ExternalProvider{
		"alien": {Source: host + "/alien-intelligence/alien", VersionConstraint: testAccBuiltProviderVersion},
	}
}
