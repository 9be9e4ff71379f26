package provider

import (
	"context"
	"errors"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

const testAccCurrentIdentityConfig = `data "alien_current_identity" "test" {}`

// stringOrNull is the known value of an optional string attribute.
func stringOrNull(s *string) knownvalue.Check {
	if s == nil {
		return knownvalue.Null()
	}
	return knownvalue.StringExact(*s)
}

func TestAccCurrentIdentityDataSource_organizationKey(t *testing.T) {
	me := testAccCurrentIdentity(t)
	var expiresAt knownvalue.Check = knownvalue.Null()
	if me.ExpiresAt != nil {
		expiresAt = knownvalue.StringExact(timeValue(*me.ExpiresAt).ValueString())
	}
	const addr = "data.alien_current_identity.test"

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccCurrentIdentityConfig,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("kind"), knownvalue.StringExact("organization_key")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("organization_id"), knownvalue.StringExact(me.Organization.ID)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("organization_name"), knownvalue.StringExact(me.Organization.Name)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("organization_plan"), knownvalue.StringExact(string(me.Organization.Plan))),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("role"), knownvalue.StringExact("owner")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("token_id"), knownvalue.StringRegexp(regexp.MustCompile(`^tok_`))),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("user_id"), stringOrNull(me.UserID)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("email"), stringOrNull(me.Email)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("scope"), knownvalue.Null()),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("service_account_id"), knownvalue.Null()),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("managed_user_id"), knownvalue.Null()),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("oauth_client_id"), knownvalue.Null()),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("expires_at"), expiresAt),
			},
		}},
	})
}

func TestAccCurrentIdentityDataSource_oauthClient(t *testing.T) {
	oauthClient := testAccCreateOAuthClient(t, testAccClient(t), "identity")
	const addr = "data.alien_current_identity.test"

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccProviderOAuthConfig(oauthClient.ClientID, oauthClient.ClientSecret) + testAccCurrentIdentityConfig,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("kind"), knownvalue.StringExact("oauth_client")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("oauth_client_id"), knownvalue.StringExact(oauthClient.ID)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("organization_id"), knownvalue.StringExact(testAccOrganizationID(t))),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("role"), knownvalue.StringExact("owner")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("token_id"), knownvalue.Null()),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("scope"), knownvalue.Null()),
				// Access tokens are short-lived.
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("expires_at"), knownvalue.NotNull()),
			},
		}},
	})
}

func TestAccCurrentIdentityDataSource_serviceAccountToken(t *testing.T) {
	c := testAccClient(t)
	ctx := context.Background()
	sa, err := c.ServiceAccounts.Create(ctx, client.ServiceAccountCreateOptions{Email: testAccRandomEmail("identity-sa")})
	if errors.Is(err, client.ErrPlanRequired) {
		t.Skipf("service accounts need the Enterprise plan: %v", err)
	}
	if err != nil {
		t.Fatalf("creating a service account: %v", err)
	}
	t.Cleanup(func() {
		if _, err := c.ServiceAccounts.Deactivate(context.Background(), sa.ID); err != nil && !isNotFound(err) {
			t.Errorf("deactivating service account %s: %v", sa.ID, err)
		}
	})
	scope := client.ScopeRead
	token, err := c.APITokens.Create(ctx, client.APITokenCreateOptions{
		Name: testAccRandomName("identity"), ExpiresIn: client.Expiry30d,
		ServiceAccountID: &sa.ID, Scope: &scope,
	})
	if err != nil {
		t.Fatalf("creating a service-account token: %v", err)
	}
	const addr = "data.alien_current_identity.test"

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
provider "alien" {
  token = "` + token.Token + `"
}
` + testAccCurrentIdentityConfig,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("kind"), knownvalue.StringExact("service_account_token")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("scope"), knownvalue.StringExact("read")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("role"), knownvalue.StringExact("client")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("token_id"), knownvalue.StringExact(token.ID)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("service_account_id"), knownvalue.StringExact(sa.ID)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("email"), knownvalue.StringExact(sa.Email)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("user_id"), knownvalue.Null()),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("expires_at"),
					knownvalue.StringExact(timePointerValue(token.ExpiresAt).ValueString())),
			},
		}},
	})
}

func TestAccCurrentIdentityDataSource_revokedCredential(t *testing.T) {
	c := testAccClient(t)
	token, err := c.APITokens.Create(context.Background(), client.APITokenCreateOptions{
		Name: testAccRandomName("revoked"), ExpiresIn: client.ExpiryNever,
	})
	if err != nil {
		t.Fatalf("creating an organization key: %v", err)
	}
	if err := c.APITokens.Revoke(context.Background(), token.ID); err != nil {
		t.Fatalf("revoking token %s: %v", token.ID, err)
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
provider "alien" {
  token = "` + token.Token + `"
}
` + testAccCurrentIdentityConfig,
			ExpectError: regexp.MustCompile(`(?s)Error reading current identity.*401\s+unauthorized.*Request\s+ID:\s+\S+.*credential\s+was\s+refused`),
		}},
	})
}

// testModel is an empty value of the model of the data source, which TestModelsMatchSchemas checks
// against its schema.
func (*currentIdentityDataSource) testModel() any { return &currentIdentityModel{} }
