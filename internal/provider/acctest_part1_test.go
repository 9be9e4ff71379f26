package provider

// Acceptance-test helpers of alien_organization, alien_member, alien_invitation and alien_members.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	acc "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

// testAccAliasedProviderBlock is a provider block with an alias, authenticated with token.
func testAccAliasedProviderBlock(alias, token string) string {
	return fmt.Sprintf("provider \"alien\" {\n  alias = %q\n  token = %q\n}\n", alias, token)
}

// testAccInvite invites email as role through c, as someone outside Terraform would.
func testAccInvite(t *testing.T, c *client.Client, email string, role client.Role) *client.Invitation {
	t.Helper()
	inv, err := c.Invitations.Create(context.Background(), client.InvitationCreateOptions{Email: email, Role: role})
	if err != nil {
		t.Fatalf("inviting %s: %v", email, err)
	}
	return inv
}

// testAccInviteAndAccept makes email a member with role through c: invited, then accepted through
// the emailed link. The member is removed when the test ends.
func testAccInviteAndAccept(t *testing.T, c *client.Client, email string, role client.Role) *client.Member {
	t.Helper()
	testAccInvite(t, c, email, role)
	accepted := testAccAcceptInvitation(t, email)
	t.Cleanup(func() {
		if err := c.Members.Delete(context.Background(), accepted.Member.ID); err != nil && !isNotFound(err) {
			t.Errorf("removing member %s: %v", accepted.Member.ID, err)
		}
	})
	return &accepted.Member
}

// testAccCheckPeopleGone is a CheckDestroy: no alien_member of the state is still a member or
// invited, as c sees the organization.
func testAccCheckPeopleGone(c *client.Client) func(*terraform.State) error {
	return func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "alien_member" {
				continue
			}
			email := rs.Primary.Attributes["email"]
			p, err := lookupMemberPerson(context.Background(), c, email, "")
			if err != nil {
				return fmt.Errorf("looking up %s: %w", email, err)
			}
			if p.exists() {
				return fmt.Errorf("%s is still %s after destroy", email, p.status())
			}
		}
		return nil
	}
}

// testAccConfigJoin joins configuration fragments.
func testAccConfigJoin(parts ...string) string {
	return strings.Join(parts, "\n")
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

// testAccPhrase is a regular expression matching phrase as Terraform prints it in an error,
// where any space may have become a line break.
func testAccPhrase(phrase string) string {
	return strings.ReplaceAll(regexp.QuoteMeta(phrase), " ", `\s+`)
}
