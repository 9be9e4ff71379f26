package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"testing"
	"time"

	acc "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

// testAccTokenIDs checks that the list of tokens of data source addr holds exactly ids, in order.
func testAccTokenIDs(addr string, ids ...string) statecheck.StateCheck {
	checks := make([]knownvalue.Check, len(ids))
	for i, id := range ids {
		checks[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(id)})
	}
	return statecheck.ExpectKnownValue(addr, tfjsonpath.New("tokens"), knownvalue.ListExact(checks))
}

// The filters, in an organization of the test's own: its bootstrap key (used), a key never used,
// a service-account token used once, and a revoked key.
func TestAccAPITokensDataSource_filters(t *testing.T) {
	// Parallel before the setup, which would otherwise run among the sequential tests (one of
	// them may move the clock and expire what it created).
	t.Parallel()
	org := testAccEnterpriseOrganization(t)
	ctx := context.Background()
	oc := org.Client

	me, err := oc.Identity.Read(ctx)
	if err != nil || me.TokenID == nil {
		t.Fatalf("reading the organization's bootstrap key: %+v, %v", me, err)
	}
	bootstrapID := *me.TokenID
	unused, err := oc.APITokens.Create(ctx, client.APITokenCreateOptions{Name: "never used", ExpiresIn: client.Expiry90d})
	if err != nil {
		t.Fatalf("creating a key: %v", err)
	}
	sa, err := oc.ServiceAccounts.Create(ctx, client.ServiceAccountCreateOptions{Email: testAccRandomEmail("ds-bot")})
	if err != nil {
		t.Fatalf("creating a service account: %v", err)
	}
	scope := client.ScopeRead
	saToken, err := oc.APITokens.Create(ctx, client.APITokenCreateOptions{
		Name: "partner", ExpiresIn: client.Expiry1y, ServiceAccountID: &sa.ID, Scope: &scope,
	})
	if err != nil {
		t.Fatalf("creating a service-account token: %v", err)
	}
	if err := testAccExpectStatus(http.MethodGet, "/datasets", saToken.Token, nil, http.StatusOK); err != nil {
		t.Fatal(err)
	}
	revoked, err := oc.APITokens.Create(ctx, client.APITokenCreateOptions{Name: "revoked", ExpiresIn: client.ExpiryNever})
	if err != nil {
		t.Fatalf("creating a key: %v", err)
	}
	if err := oc.APITokens.Revoke(ctx, revoked.ID); err != nil {
		t.Fatalf("revoking %s: %v", revoked.ID, err)
	}
	// A cut-off after every use, whatever the platform's clock says (tests move it forward).
	const later = "2999-01-01T00:00:00Z"

	config := testAccProviderBlock(org.Token) + fmt.Sprintf(`
data "alien_api_tokens" "all" {}

data "alien_api_tokens" "service_account" {
  service_account_id = %q
}

data "alien_api_tokens" "keys" {
  kind = "organization_key"
}

data "alien_api_tokens" "revoked" {
  status = "revoked"
}

data "alien_api_tokens" "never_used" {
  not_used_since = "2000-01-01T00:00:00Z"
}

data "alien_api_tokens" "stale_and_active" {
  status         = "active"
  not_used_since = %q
}

data "alien_api_tokens" "expired" {
  expired = true
}

data "alien_api_tokens" "not_expired" {
  expired = false
}
`, sa.ID, later)

	acc.Test(t, acc.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []acc.TestStep{
			{
				Config:      testAccProviderBlock(org.Token) + `data "alien_api_tokens" "bad" { not_used_since = "last week" }`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid time.*not_used_since = "last week".*not\s+an\s+RFC\s+3339\s+time`),
			},
			{
				Config: testAccProviderBlock(org.Token) + `data "alien_api_tokens" "bad" {
  status  = "active"
  expired = false
}`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination.*status\s+= "active"`),
			},
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					testAccTokenIDs("data.alien_api_tokens.all", bootstrapID, unused.ID, saToken.ID, revoked.ID),
					statecheck.ExpectKnownValue("data.alien_api_tokens.service_account", tfjsonpath.New("tokens"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"id":                 knownvalue.StringExact(saToken.ID),
							"name":               knownvalue.StringExact("partner"),
							"kind":               knownvalue.StringExact("service_account_token"),
							"service_account_id": knownvalue.StringExact(sa.ID),
							"scope":              knownvalue.StringExact("read"),
							"status":             knownvalue.StringExact("active"),
							"expires_in":         knownvalue.StringExact("1y"),
							"created_at":         knownvalue.StringExact(timeValue(saToken.CreatedAt).ValueString()),
							"expires_at":         knownvalue.StringExact(timePointerValue(saToken.ExpiresAt).ValueString()),
							"last_used_at":       knownvalue.StringRegexp(testAccRFC3339),
							"revoked_at":         knownvalue.Null(),
						}),
					})),
					testAccTokenIDs("data.alien_api_tokens.keys", bootstrapID, unused.ID, revoked.ID),
					statecheck.ExpectKnownValue("data.alien_api_tokens.revoked", tfjsonpath.New("tokens"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"id":           knownvalue.StringExact(revoked.ID),
							"status":       knownvalue.StringExact("revoked"),
							"revoked_at":   knownvalue.StringRegexp(testAccRFC3339),
							"expires_at":   knownvalue.Null(),
							"last_used_at": knownvalue.Null(),
							"scope":        knownvalue.Null(),
						}),
					})),
					testAccTokenIDs("data.alien_api_tokens.never_used", unused.ID, revoked.ID),
					testAccTokenIDs("data.alien_api_tokens.stale_and_active", bootstrapID, unused.ID, saToken.ID),
					testAccTokenIDs("data.alien_api_tokens.expired"),
					testAccTokenIDs("data.alien_api_tokens.not_expired", bootstrapID, unused.ID, saToken.ID, revoked.ID),
				},
				Check: func(s *terraform.State) error {
					// Never a secret.
					for addr, rs := range s.RootModule().Resources {
						for name, v := range rs.Primary.Attributes {
							if credentialShape.MatchString(v) {
								return fmt.Errorf("%s.%s in state holds a credential", addr, name)
							}
						}
					}
					return nil
				},
			},
		},
	})
}

func TestAPITokensDataSource_kept(t *testing.T) {
	cutoff := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	before, after := cutoff.Add(-time.Second), cutoff
	yes, no := true, false
	for _, tc := range []struct {
		name    string
		token   client.APIToken
		expired *bool
		since   *time.Time
		want    bool
	}{
		{"no filter", client.APIToken{Status: client.TokenActive}, nil, nil, true},
		{"expired wanted", client.APIToken{Status: client.TokenExpired}, &yes, nil, true},
		{"expired not wanted", client.APIToken{Status: client.TokenExpired}, &no, nil, false},
		{"active, expired wanted", client.APIToken{Status: client.TokenActive}, &yes, nil, false},
		{"revoked is not expired", client.APIToken{Status: client.TokenRevoked}, &no, nil, true},
		{"never used", client.APIToken{Status: client.TokenActive}, nil, &cutoff, true},
		{"used before", client.APIToken{Status: client.TokenActive, LastUsedAt: &before}, nil, &cutoff, true},
		{"used at the cut-off", client.APIToken{Status: client.TokenActive, LastUsedAt: &after}, nil, &cutoff, false},
	} {
		if got := apiTokenKept(&tc.token, tc.expired, tc.since); got != tc.want {
			t.Errorf("%s: kept = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// testModel is an empty value of the model of the data source, which TestModelsMatchSchemas checks
// against its schema.
func (*apiTokensDataSource) testModel() any { return &apiTokensModel{} }
