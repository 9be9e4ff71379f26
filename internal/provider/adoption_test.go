package provider

// Adopting an existing organization, end to end through the real CLI and the built provider
// (dev_overrides, as Terraform runs it): the Terraform 1.14 path (`terraform query
// -generate-config-out`, then plan and apply) and the path of every CLI since Terraform 1.7 and
// OpenTofu 1.7 (import blocks with for_each over the data sources, examples/adoption/for-each).
// Both adopt an organization of the test's own that holds every kind of object, in every state,
// and check that the first plan only imports, and that the plan after the apply is empty.
//
// Not parallel: the inventory expires an invitation by moving alien-local's clock.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

// adoptionInventory is what testAccAdoptionOrganization put in the organization.
type adoptionInventory struct {
	org *testAccOrganization
	// adoptable counts the objects adoption brings in: members and pending invitations (the
	// owner's membership included), service accounts and managed users (locked ones included),
	// active tokens (the bootstrap organization key included), OAuth clients.
	adoptable int
	// leftOut are names and emails that must not be adopted by default: an expired invitation and
	// a revoked token.
	leftOut []string
	// mixedCase is an active member's email spelled with capitals.
	mixedCase string
}

// testAccAdoptionOrganization creates an Enterprise organization holding active members (one with
// a mixed-case email), pending invitations, an expired invitation, active and locked service
// accounts and managed users, organization keys, service-account tokens, a revoked token, and
// enabled and disabled OAuth clients. It moves the shared clock: call it from tests that do not
// run in parallel.
func testAccAdoptionOrganization(t *testing.T) adoptionInventory {
	t.Helper()
	ctx := context.Background()
	org := testAccEnterpriseOrganization(t)
	c := org.Client
	inv := &adoptionInventory{org: org, adoptable: 1} // the owner's membership
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	// Sent, then expired: 8 days pass.
	expired := testAccRandomEmail("adopt-expired")
	testAccInvite(t, c, expired, client.RoleViewer)
	testAccAdvanceClock(t, 8*24*time.Hour)
	inv.leftOut = append(inv.leftOut, expired)

	inv.mixedCase = "Adopt.Mixed." + acctest.RandString(8) + "@Example.com"
	for _, m := range []struct {
		email string
		role  client.Role
	}{{inv.mixedCase, client.RoleWriter}, {testAccRandomEmail("adopt-active"), client.RoleViewer}} {
		testAccInvite(t, c, m.email, m.role)
		testAccAcceptInvitation(t, m.email)
		inv.adoptable++
	}
	for _, role := range []client.Role{client.RoleWriter, client.RoleOwner} {
		testAccInvite(t, c, testAccRandomEmail("adopt-invited"), role)
		inv.adoptable++
	}

	var robots []*client.ServiceAccount
	for i, description := range []string{"Nightly ingestion", "", "Retired pipeline"} {
		sa, err := c.ServiceAccounts.Create(ctx, client.ServiceAccountCreateOptions{Email: testAccRandomEmail("adopt-robot"), Description: description})
		must(err)
		if i == 2 {
			_, err = c.ServiceAccounts.Deactivate(ctx, sa.ID)
			must(err)
		}
		robots = append(robots, sa)
		inv.adoptable++
	}
	for i := range 2 {
		mu, err := c.ManagedUsers.Create(ctx, client.ManagedUserCreateOptions{Email: testAccRandomEmail("adopt-user"), FirstName: "Ada", LastName: fmt.Sprintf("User %d", i)})
		must(err)
		if i == 1 {
			_, err = c.ManagedUsers.Deactivate(ctx, mu.ID)
			must(err)
		}
		inv.adoptable++
	}

	inv.adoptable++ // the bootstrap organization key
	read, readWrite := client.ScopeRead, client.ScopeReadWrite
	for _, opts := range []client.APITokenCreateOptions{
		{Name: "Deploy key", ExpiresIn: client.Expiry90d},
		{Name: "CI read", ExpiresIn: client.ExpiryNever, ServiceAccountID: &robots[0].ID, Scope: &read},
		{Name: "CI write", ExpiresIn: client.Expiry1y, ServiceAccountID: &robots[1].ID, Scope: &readWrite},
	} {
		_, err := c.APITokens.Create(ctx, opts)
		must(err)
		inv.adoptable++
	}
	revoked, err := c.APITokens.Create(ctx, client.APITokenCreateOptions{Name: testAccRandomName("revoked"), ExpiresIn: client.ExpiryNever})
	must(err)
	must(c.APITokens.Revoke(ctx, revoked.ID))
	inv.leftOut = append(inv.leftOut, revoked.Name)

	for i := range 2 {
		oc, err := c.OAuthClients.Create(ctx, client.OAuthClientCreateOptions{Name: fmt.Sprintf("Adopted integration %d", i)})
		must(err)
		if i == 1 {
			_, err = c.OAuthClients.Update(ctx, oc.ID, client.OAuthClientUpdateOptions{Enabled: new(false)})
			must(err)
		}
		inv.adoptable++
	}
	return *inv
}

// copyExample copies the files of an example directory (relative to examples/).
func (w *testAccCLIWorkspace) copyExample(example string) {
	w.t.Helper()
	files, err := filepath.Glob(filepath.Join(testExamplesDir, example, "*"))
	if err != nil || len(files) == 0 {
		w.t.Fatalf("example %s: %v (%d files)", example, err, len(files))
	}
	for _, f := range files {
		content, err := os.ReadFile(f)
		if err != nil {
			w.t.Fatal(err)
		}
		w.write(filepath.Base(f), content)
	}
}

// planActions plans into a file and answers, per action of the JSON plan ("import" for a no-op
// import, else the actions joined, such as "create" or "update"), the resource addresses.
func (w *testAccCLIWorkspace) planActions() map[string][]string {
	w.t.Helper()
	if out, code := w.run("plan", "-out=tfplan", "-detailed-exitcode"); code != 0 && code != 2 {
		w.t.Fatalf("%s plan exited %d:\n%s", w.cli, code, out)
	}
	out := w.mustRun("show", "-json", "tfplan")
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				Actions   []string        `json:"actions"`
				Importing json.RawMessage `json:"importing"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(out), &plan); err != nil {
		w.t.Fatalf("reading the plan: %v\n%s", err, out)
	}
	actions := map[string][]string{}
	for _, rc := range plan.ResourceChanges {
		a := strings.Join(rc.Change.Actions, ",")
		if a == "no-op" && len(rc.Change.Importing) > 0 && string(rc.Change.Importing) != "null" {
			a = "import"
		}
		actions[a] = append(actions[a], rc.Address)
	}
	return actions
}

// expectOnlyImports checks that the plan saved in tfplan imports want objects and does nothing
// else, then applies it and checks that the next plan is empty.
func (w *testAccCLIWorkspace) expectOnlyImportsThenEmpty(want int) {
	w.t.Helper()
	actions := w.planActions()
	imports := actions["import"]
	delete(actions, "import")
	if len(imports) != want || len(actions) != 0 {
		w.t.Fatalf("the first plan imports %d objects (want %d) and plans %v besides", len(imports), want, actions)
	}
	out := w.mustRun("apply", "tfplan")
	if !strings.Contains(out, fmt.Sprintf("%d imported, 0 added, 0 changed, 0 destroyed", want)) {
		w.t.Errorf("the apply did not report %d imports and nothing else:\n%s", want, out)
	}
	if out, code := w.run("plan", "-detailed-exitcode"); code != 0 {
		w.t.Errorf("the plan after the apply is not empty:\n%s", out)
	}
}

// TestAccAdoption_generatedConfigRoundTrip adopts an organization on Terraform 1.14 and later:
// `terraform query -generate-config-out` writes a resource and an import block for every object
// the list resources find (expired invitations and revoked tokens left out, no secret written);
// the first plan of that configuration imports them all and changes nothing; after the apply, the
// next plan is empty.
func TestAccAdoption_generatedConfigRoundTrip(t *testing.T) {
	testAccPreCheck(t)
	testAccRequireCLI(t, "list resources (terraform query -generate-config-out, Terraform 1.14 and later)",
		testAccCLIHasQuery)
	inv := testAccAdoptionOrganization(t)
	w := testAccEmptyCLIWorkspace(t)
	w.authenticate(inv.org)
	w.copyExample("adoption/query")

	out := w.mustRun("query", "-generate-config-out=generated.tf")
	t.Logf("terraform query:\n%s", out)
	generated, err := os.ReadFile(filepath.Join(w.dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(regexp.MustCompile(`(?m)^resource "alien_`).FindAll(generated, -1)); n != inv.adoptable {
		t.Errorf("generated.tf declares %d resources, want %d", n, inv.adoptable)
	}
	if n := len(regexp.MustCompile(`(?m)^\s+identity = \{`).FindAll(generated, -1)); n != inv.adoptable {
		t.Errorf("generated.tf has %d import blocks by identity, want %d", n, inv.adoptable)
	}
	for _, name := range inv.leftOut {
		if bytes.Contains(generated, []byte(name)) {
			t.Errorf("generated.tf adopts %q, which it must leave out", name)
		}
	}
	if !bytes.Contains(generated, []byte(`email    = "`+inv.mixedCase+`"`)) ||
		!bytes.Contains(generated, []byte(`email = "`+strings.ToLower(inv.mixedCase)+`"`)) {
		t.Errorf("generated.tf does not declare %s as the API spells it, identified in lower case", inv.mixedCase)
	}
	if loc := credentialShape.FindIndex(generated); loc != nil {
		t.Errorf("generated.tf holds a credential-shaped value at byte %d", loc[0])
	}

	w.expectOnlyImportsThenEmpty(inv.adoptable)
}

// TestAccAdoption_forEachImport adopts an organization with examples/adoption/for-each: import
// blocks with for_each over the data sources (Terraform 1.7 and later, OpenTofu 1.7 and later).
// The first plan imports every object and changes nothing; after the apply, the next plan is empty.
func TestAccAdoption_forEachImport(t *testing.T) {
	testAccPreCheck(t)
	testAccRequireCLI(t, "import blocks with for_each (Terraform 1.7 and later, OpenTofu 1.7 and later)",
		testAccCLIHasForEachImport)
	inv := testAccAdoptionOrganization(t)
	w := testAccEmptyCLIWorkspace(t)
	w.authenticate(inv.org)
	w.copyExample("adoption/for-each")
	w.expectOnlyImportsThenEmpty(inv.adoptable)
}

// TestAccExamples_queryValid validates the query files the docs show (examples/list-resources and
// examples/adoption/query) with `terraform validate -query` (Terraform 1.14 and later), against the
// provider's list resources: nothing is called.
func TestAccExamples_queryValid(t *testing.T) {
	testAccPreCheck(t)
	testAccRequireCLI(t, "query files (terraform validate -query, Terraform 1.14 and later)",
		testAccCLIHasQuery)
	t.Parallel()
	files, err := filepath.Glob(filepath.Join(testExamplesDir, "*", "*", "*.tfquery.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 6 {
		t.Fatalf("found %d query files under %s, want every list resource's and the adoption's", len(files), testExamplesDir)
	}
	w := testAccEmptyCLIWorkspace(t)
	w.authenticate(nil)
	main, err := os.ReadFile(filepath.Join(testExamplesDir, "adoption", "query", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		w.dir = t.TempDir()
		w.write("main.tf", main)
		w.write(filepath.Base(file), src)
		if out, code := w.run("validate", "-query"); code > 1 || !strings.Contains(out, "Success!") {
			t.Errorf("terraform validate -query refuses %s:\n%s", strings.TrimPrefix(file, testExamplesDir+"/"), out)
		}
	}
}
