package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

// TestProvider_schemas checks the provider's schema and every resource's, data source's and
// ephemeral resource's, the way Terraform fetches them (names, attribute definitions).
func TestProvider_schemas(t *testing.T) {
	server, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Errorf("%s: %s: %s", d.Severity, d.Summary, d.Detail)
	}
	// The descriptions are the docs: no Go identifier (camelCase) may leak into them, as one did
	// when a rename of a Go type reached alien_invitation's description.
	schemas := map[string]*tfprotov6.Schema{"provider": resp.Provider}
	for kind, m := range map[string]map[string]*tfprotov6.Schema{
		"resource": resp.ResourceSchemas, "data source": resp.DataSourceSchemas, "ephemeral resource": resp.EphemeralResourceSchemas,
	} {
		for name, s := range m {
			schemas[kind+" "+name] = s
		}
	}
	for name, s := range schemas {
		for where, text := range testSchemaDescriptions(s) {
			if id := goIdentifierInText.FindString(text); id != "" {
				t.Errorf("%s: the description of %s names %q, a Go identifier", name, where, id)
			}
		}
	}
}

// goIdentifierInText matches a camelCase word, such as a Go identifier, in prose.
var goIdentifierInText = regexp.MustCompile(`\b[a-z]+[A-Z][A-Za-z0-9]*\b`)

// testSchemaDescriptions maps "the schema" and each attribute's path (nested ones included) to
// its description.
func testSchemaDescriptions(s *tfprotov6.Schema) map[string]string {
	out := map[string]string{"the schema": s.Block.Description}
	var walk func(prefix string, attrs []*tfprotov6.SchemaAttribute)
	walk = func(prefix string, attrs []*tfprotov6.SchemaAttribute) {
		for _, a := range attrs {
			out[prefix+a.Name] = a.Description
			if a.NestedType != nil {
				walk(prefix+a.Name+".", a.NestedType.Attributes)
			}
		}
	}
	walk("", s.Block.Attributes)
	return out
}

// clearAlienEnv hides the ALIEN_* variables (the acceptance harness sets some) for one test.
func clearAlienEnv(t *testing.T) {
	t.Helper()
	for _, env := range []string{envEndpoint, envToken, envClientID, envClientSecret, envInsecureHTTP,
		envMaxRetries, envRequestTimeout, envRetryWaitMax} {
		t.Setenv(env, "")
	}
}

// providerConfig is a provider block holding values, the other arguments null.
func providerConfig(t *testing.T, values map[string]tftypes.Value) tfsdk.Config {
	t.Helper()
	ctx := context.Background()
	var schemaResp provider.SchemaResponse
	New("test")().Schema(ctx, provider.SchemaRequest{}, &schemaResp)

	objectType, ok := schemaResp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatalf("the provider schema is not an object: %T", schemaResp.Schema.Type().TerraformType(ctx))
	}
	for name := range values {
		if _, ok := objectType.AttributeTypes[name]; !ok {
			t.Fatalf("the provider has no argument %q", name)
		}
	}
	attrs := map[string]tftypes.Value{}
	for name, typ := range objectType.AttributeTypes {
		if v, ok := values[name]; ok {
			attrs[name] = v
		} else {
			attrs[name] = tftypes.NewValue(typ, nil)
		}
	}
	return tfsdk.Config{Schema: schemaResp.Schema, Raw: tftypes.NewValue(objectType, attrs)}
}

// configureProvider runs the provider's Configure with a provider block holding values (the
// other arguments null) and answers the response.
func configureProvider(t *testing.T, values map[string]tftypes.Value) *provider.ConfigureResponse {
	t.Helper()
	req := provider.ConfigureRequest{TerraformVersion: "1.11.4", Config: providerConfig(t, values)}
	resp := &provider.ConfigureResponse{}
	New("test")().Configure(context.Background(), req, resp)
	return resp
}

func str(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

// expectAttributeError checks that diags hold exactly one error, at path p, whose summary and
// detail match re.
func expectAttributeError(t *testing.T, diags diag.Diagnostics, p path.Path, re string) {
	t.Helper()
	errs := diags.Errors()
	if len(errs) != 1 {
		t.Fatalf("want one error at %s, got %d: %v", p, len(errs), diags)
	}
	withPath, ok := errs[0].(diag.DiagnosticWithPath)
	if !ok {
		t.Fatalf("want an error at %s, got one without a path: %s: %s", p, errs[0].Summary(), errs[0].Detail())
	}
	if !withPath.Path().Equal(p) {
		t.Errorf("error at %s, want %s: %s: %s", withPath.Path(), p, errs[0].Summary(), errs[0].Detail())
	}
	if text := errs[0].Summary() + ": " + errs[0].Detail(); !regexp.MustCompile(re).MatchString(text) {
		t.Errorf("error %q does not match %q", text, re)
	}
}

// configureWithToken configures the provider with a token in the environment, env on top and
// config in the block. When errPath is set it expects an error at that path matching errRe and
// answers false; otherwise it expects a configured provider and answers the resolved settings.
func configureWithToken(t *testing.T, config map[string]tftypes.Value, env map[string]string, errPath, errRe string) (providerSettings, bool) {
	t.Helper()
	clearAlienEnv(t)
	t.Setenv(envToken, "oat_a.b")
	for k, v := range env {
		t.Setenv(k, v)
	}
	resp := configureProvider(t, config)
	if errPath != "" {
		expectAttributeError(t, resp.Diagnostics, path.Root(errPath), errRe)
		return providerSettings{}, false
	}
	expectConfigured(t, resp)
	var diags diag.Diagnostics
	s := resolveSettings(configModel(t, config), &diags)
	if diags.HasError() {
		t.Fatal(diags)
	}
	return s, true
}

func expectConfigured(t *testing.T, resp *provider.ConfigureResponse) {
	t.Helper()
	if resp.Diagnostics.HasError() {
		t.Fatalf("Configure failed: %v", resp.Diagnostics)
	}
	for name, data := range map[string]any{
		"DataSourceData": resp.DataSourceData,
		"ResourceData":   resp.ResourceData,
	} {
		if c, ok := data.(*client.Client); !ok || c == nil {
			t.Errorf("%s is %T, want a *client.Client", name, data)
		}
	}
	// Ephemeral resources also get the provider's OAuth client credentials (alien_access_token).
	if d, ok := resp.EphemeralResourceData.(*ephemeralResourceData); !ok || d == nil || d.Client != resp.ResourceData {
		t.Errorf("EphemeralResourceData is %T, want an *ephemeralResourceData with the provider's client", resp.EphemeralResourceData)
	}
}

// TestProviderConfigure_unknownValues checks that a provider block holding values known only
// after apply (another resource's attribute) configures without error a client whose every
// request fails at once, sending nothing, with an error that names the unknown arguments.
func TestProviderConfigure_unknownValues(t *testing.T) {
	unknown := tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	for _, tc := range []struct {
		attr string
		val  tftypes.Value
	}{
		{"endpoint", unknown},
		{"token", unknown},
		{"client_id", unknown},
		{"client_secret", unknown},
		{"insecure_http", tftypes.NewValue(tftypes.Bool, tftypes.UnknownValue)},
		{"max_retries", tftypes.NewValue(tftypes.Number, tftypes.UnknownValue)},
		{"request_timeout", unknown},
		{"retry_wait_max", unknown},
	} {
		t.Run(tc.attr, func(t *testing.T) {
			clearAlienEnv(t)
			// A server that counts requests: none may reach it.
			var requests atomic.Int32
			server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				requests.Add(1)
				w.WriteHeader(http.StatusInternalServerError)
			}))
			defer server.Close()
			t.Setenv(envEndpoint, server.URL)

			values := map[string]tftypes.Value{tc.attr: tc.val}
			if tc.attr != "token" && tc.attr != "client_id" && tc.attr != "client_secret" {
				values["token"] = str("oat_x.y")
			}
			resp := configureProvider(t, values)
			expectConfigured(t, resp)
			if len(resp.Diagnostics) > 0 {
				t.Errorf("want no diagnostics, got %v", resp.Diagnostics)
			}

			c, ok := resp.ResourceData.(*client.Client)
			if !ok {
				t.Fatalf("ResourceData is %T", resp.ResourceData)
			}
			start := time.Now()
			_, err := c.Members.List(context.Background(), client.MemberListOptions{})
			if err == nil {
				t.Fatal("a request of a provider configured with unknown values succeeded")
			}
			want := "this alien provider's configuration (" + tc.attr + ") is known only after apply, " +
				"so it cannot call the API during plan"
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not say %q", err, want)
			}
			var deferred deferredConfigError
			if !errors.As(err, &deferred) {
				t.Errorf("error %q is not a deferredConfigError", err)
			}
			if elapsed := time.Since(start); elapsed > 2*time.Second {
				t.Errorf("the request took %s to fail: it was retried", elapsed)
			}
			if n := requests.Load(); n != 0 {
				t.Errorf("%d requests reached the server", n)
			}
		})
	}

	t.Run("several unknown arguments", func(t *testing.T) {
		clearAlienEnv(t)
		resp := configureProvider(t, map[string]tftypes.Value{"endpoint": unknown, "token": unknown})
		expectConfigured(t, resp)
		c, _ := resp.DataSourceData.(*client.Client)
		if c == nil {
			t.Fatalf("DataSourceData is %T", resp.DataSourceData)
		}
		_, err := c.Organizations.Current(context.Background())
		if err == nil || !strings.Contains(err.Error(), "configuration (endpoint, token) is known only after apply") {
			t.Errorf("error %v does not name both unknown arguments", err)
		}
	})
}

func TestProviderConfigure_credentials(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		config  map[string]tftypes.Value
		errPath string // empty: success
		errRe   string
		auth    string // on success: "token" or "client_credentials"
	}{
		{
			name: "nothing", errPath: "token",
			errRe: `^Missing Alien API credentials: .*Set token .* ALIEN_TOKEN .*client_id and client_secret \(or ALIEN_CLIENT_ID and ALIEN_CLIENT_SECRET\)`,
		},
		{name: "token in config", config: map[string]tftypes.Value{"token": str("oat_a.b")}, auth: "token"},
		{name: "token in env", env: map[string]string{envToken: "oat_a.b"}, auth: "token"},
		{
			name: "client credentials in env", auth: "client_credentials",
			env: map[string]string{envClientID: "cid", envClientSecret: "secret"},
		},
		{
			name: "client id in config, secret in env", auth: "client_credentials",
			config: map[string]tftypes.Value{"client_id": str("cid")},
			env:    map[string]string{envClientSecret: "secret", envToken: "oat_ignored.x"},
		},
		{
			name: "config token wins over env client credentials", auth: "token",
			config: map[string]tftypes.Value{"token": str("oat_a.b")},
			env:    map[string]string{envClientID: "cid", envClientSecret: "secret"},
		},
		{
			name: "config client credentials win over env token", auth: "client_credentials",
			config: map[string]tftypes.Value{"client_id": str("cid"), "client_secret": str("secret")},
			env:    map[string]string{envToken: "oat_a.b"},
		},
		{
			name: "client id without secret", errPath: "client_secret",
			config: map[string]tftypes.Value{"client_id": str("cid")},
			errRe:  `^Missing Alien OAuth client secret: client_id is set but client_secret is not\. Set client_secret .* ALIEN_CLIENT_SECRET`,
		},
		{
			name: "secret without client id", errPath: "client_id",
			env:   map[string]string{envClientSecret: "secret"},
			errRe: `^Missing Alien OAuth client ID: client_secret is set but client_id is not\. Set client_id .* ALIEN_CLIENT_ID`,
		},
		{
			name: "both kinds in env", errPath: "token",
			env:   map[string]string{envToken: "oat_a.b", envClientID: "cid", envClientSecret: "secret"},
			errRe: `^Ambiguous Alien API credentials: Both ALIEN_TOKEN and ALIEN_CLIENT_ID are set`,
		},
		{
			name: "env token with a stray env secret", auth: "token",
			env: map[string]string{envToken: "oat_a.b", envClientSecret: "secret"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clearAlienEnv(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			resp := configureProvider(t, tc.config)
			if tc.errPath != "" {
				expectAttributeError(t, resp.Diagnostics, path.Root(tc.errPath), tc.errRe)
				return
			}
			expectConfigured(t, resp)

			var diags diag.Diagnostics
			s := resolveSettings(configModel(t, tc.config), &diags)
			if diags.HasError() {
				t.Fatal(diags)
			}
			if s.authMethod() != tc.auth {
				t.Errorf("authenticates with %s, want %s", s.authMethod(), tc.auth)
			}
		})
	}
}

// configModel decodes a provider block into the model, as Configure does.
func configModel(t *testing.T, values map[string]tftypes.Value) alienProviderModel {
	t.Helper()
	var m alienProviderModel
	if diags := providerConfig(t, values).Get(context.Background(), &m); diags.HasError() {
		t.Fatal(diags)
	}
	return m
}

func TestProviderConfigure_endpoint(t *testing.T) {
	for _, tc := range []struct {
		name     string
		env      map[string]string
		config   map[string]tftypes.Value
		errPath  string
		errRe    string
		endpoint string
	}{
		{name: "default", endpoint: client.DefaultEndpoint},
		{name: "config", config: map[string]tftypes.Value{"endpoint": str("https://alien.example.com/api/")}, endpoint: "https://alien.example.com/api"},
		{name: "env", env: map[string]string{envEndpoint: "https://alien.example.com"}, endpoint: "https://alien.example.com"},
		{
			name:     "config wins over env",
			config:   map[string]tftypes.Value{"endpoint": str("https://config.example.com")},
			env:      map[string]string{envEndpoint: "not a url"},
			endpoint: "https://config.example.com",
		},
		{name: "http to 127.0.0.1", config: map[string]tftypes.Value{"endpoint": str("http://127.0.0.1:8080")}, endpoint: "http://127.0.0.1:8080"},
		{name: "http to localhost", env: map[string]string{envEndpoint: "http://localhost:8080"}, endpoint: "http://localhost:8080"},
		{name: "http to ::1", config: map[string]tftypes.Value{"endpoint": str("http://[::1]:8080")}, endpoint: "http://[::1]:8080"},
		{
			name: "http to a remote host", errPath: "endpoint",
			config: map[string]tftypes.Value{"endpoint": str("http://alien.example.com")},
			errRe:  `^Invalid Alien API endpoint: The endpoint "http://alien.example.com" is not usable: plain http:// is allowed only to a loopback address .*set insecure_http = true \(or ALIEN_INSECURE_HTTP=true\)`,
		},
		{
			name: "http to a remote host from env", errPath: "endpoint",
			env:   map[string]string{envEndpoint: "http://10.1.2.3:8080"},
			errRe: `The endpoint "http://10.1.2.3:8080" \(from ALIEN_ENDPOINT\) is not usable: plain http://`,
		},
		{
			name:     "http to a remote host with insecure_http",
			config:   map[string]tftypes.Value{"endpoint": str("http://alien.example.com"), "insecure_http": tftypes.NewValue(tftypes.Bool, true)},
			endpoint: "http://alien.example.com",
		},
		{
			name:     "http to a remote host with ALIEN_INSECURE_HTTP",
			env:      map[string]string{envEndpoint: "http://alien.example.com", envInsecureHTTP: "true"},
			endpoint: "http://alien.example.com",
		},
		{
			name: "insecure_http false in config wins over env", errPath: "endpoint",
			config: map[string]tftypes.Value{"insecure_http": tftypes.NewValue(tftypes.Bool, false)},
			env:    map[string]string{envEndpoint: "http://alien.example.com", envInsecureHTTP: "true"},
			errRe:  `plain http:// is allowed only to a loopback address`,
		},
		{
			name: "bad ALIEN_INSECURE_HTTP", errPath: "insecure_http",
			env:   map[string]string{envInsecureHTTP: "sometimes"},
			errRe: `^Invalid ALIEN_INSECURE_HTTP: ALIEN_INSECURE_HTTP must be true or false, not "sometimes"\.`,
		},
		{
			name: "no scheme", errPath: "endpoint",
			env:   map[string]string{envEndpoint: "api.alien.club"},
			errRe: `\(from ALIEN_ENDPOINT\) is not usable: it must start with https://`,
		},
		{
			name: "credentials in the URL", errPath: "endpoint",
			config: map[string]tftypes.Value{"endpoint": str("https://user:pw@api.alien.club")},
			errRe:  `it must not hold credentials`,
		},
		{
			name: "query", errPath: "endpoint",
			config: map[string]tftypes.Value{"endpoint": str("https://api.alien.club/?x=1")},
			errRe:  `it must not have a query or a fragment`,
		},
		{
			name: "credentials never shown", errPath: "endpoint",
			config: map[string]tftypes.Value{"endpoint": str("https://user:hunter2@api.alien.club")},
			errRe:  `^Invalid Alien API endpoint: The endpoint "https://user:xxxxx@api.alien.club" is not usable: it must not hold credentials`,
		},
		{
			name: "not a URL, nothing of it shown", errPath: "endpoint",
			env:   map[string]string{envEndpoint: "https://user:hunter2@api.alien.club:port"},
			errRe: `^Invalid Alien API endpoint: The endpoint \(from ALIEN_ENDPOINT\) is not usable: it is not a URL such as https://api.alien.club\.$`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, ok := configureWithToken(t, tc.config, tc.env, tc.errPath, tc.errRe)
			if !ok {
				return
			}
			if s.endpoint != tc.endpoint {
				t.Errorf("endpoint %q, want %q", s.endpoint, tc.endpoint)
			}
		})
	}
}

func TestProviderConfigure_retriesAndTimeouts(t *testing.T) {
	num := func(n int64) tftypes.Value { return tftypes.NewValue(tftypes.Number, n) }
	for _, tc := range []struct {
		name    string
		env     map[string]string
		config  map[string]tftypes.Value
		errPath string
		errRe   string
		want    providerSettings
	}{
		{name: "defaults", want: providerSettings{maxRetries: 5, requestTimeout: 60 * time.Second, retryWaitMax: 30 * time.Second}},
		{
			name:   "config",
			config: map[string]tftypes.Value{"max_retries": num(0), "request_timeout": str("2m"), "retry_wait_max": str("5s")},
			want:   providerSettings{maxRetries: 0, requestTimeout: 2 * time.Minute, retryWaitMax: 5 * time.Second},
		},
		{
			name: "env",
			env:  map[string]string{envMaxRetries: "9", envRequestTimeout: "90s", envRetryWaitMax: "1m"},
			want: providerSettings{maxRetries: 9, requestTimeout: 90 * time.Second, retryWaitMax: time.Minute},
		},
		{
			name:   "config wins over env",
			config: map[string]tftypes.Value{"max_retries": num(2), "request_timeout": str("10s")},
			env:    map[string]string{envMaxRetries: "oops", envRequestTimeout: "oops"},
			want:   providerSettings{maxRetries: 2, requestTimeout: 10 * time.Second, retryWaitMax: 30 * time.Second},
		},
		{
			name: "bad ALIEN_MAX_RETRIES", errPath: "max_retries",
			env:   map[string]string{envMaxRetries: "many"},
			errRe: `^Invalid ALIEN_MAX_RETRIES: ALIEN_MAX_RETRIES must be a whole number between 0 and 20, not "many"\.`,
		},
		{
			name: "ALIEN_MAX_RETRIES out of range", errPath: "max_retries",
			env:   map[string]string{envMaxRetries: "-1"},
			errRe: `between 0 and 20, not "-1"`,
		},
		{
			name: "bad ALIEN_REQUEST_TIMEOUT", errPath: "request_timeout",
			env:   map[string]string{envRequestTimeout: "60"},
			errRe: `^Invalid request_timeout: The request_timeout "60" \(from ALIEN_REQUEST_TIMEOUT\) is not usable: it is not a duration such as "30s"`,
		},
		{
			name: "ALIEN_RETRY_WAIT_MAX too long", errPath: "retry_wait_max",
			env:   map[string]string{envRetryWaitMax: "2h"},
			errRe: `it must be between 1s and 1h\.$`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, ok := configureWithToken(t, tc.config, tc.env, tc.errPath, tc.errRe)
			if !ok {
				return
			}
			if s.maxRetries != tc.want.maxRetries || s.requestTimeout != tc.want.requestTimeout || s.retryWaitMax != tc.want.retryWaitMax {
				t.Errorf("got max_retries %d, request_timeout %s, retry_wait_max %s; want %d, %s, %s",
					s.maxRetries, s.requestTimeout, s.retryWaitMax,
					tc.want.maxRetries, tc.want.requestTimeout, tc.want.retryWaitMax)
			}
		})
	}
	if got := (providerSettings{maxRetries: 0}).clientMaxRetries(); got >= 0 {
		t.Errorf("max_retries = 0 gives client MaxRetries %d, want a negative value (no retries)", got)
	}
}

// TestAccProvider_validation checks the provider block's validators at plan time, before any
// API call.
func TestAccProvider_validation(t *testing.T) {
	for _, tc := range []struct {
		name, block, errRe string
	}{
		{"token and client_id", `token = "oat_a.b"` + "\n" + `client_id = "cid"`, `(?s)Invalid Attribute Combination.*"client_id"\s+cannot\s+be\s+specified\s+when\s+"token"`},
		{"bad request_timeout", `request_timeout = "sixty"`, `(?s)Invalid duration.*"sixty" is not usable here: it is\s+not a duration`},
		{"max_retries too high", `max_retries = 100`, `(?s)Invalid Attribute Value.*max_retries.*between 0 and 20`},
		{"endpoint syntax", `endpoint = "ftp://example.com"`, `(?s)Invalid Alien API endpoint.*it must start with https://`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      "provider \"alien\" {\n" + tc.block + "\n}\n\ndata \"alien_current_identity\" \"test\" {}\n",
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tc.errRe),
				}},
			})
		})
	}
}

// TestAccProvider_secretsNeverLogged runs the provider with TF_LOG=TRACE, authenticated once with
// a token and once with an OAuth client, and checks that neither credential appears anywhere in
// the log while the provider really called the API. Both secrets come from the environment, as in
// a pipeline: the test harness itself logs each step's configuration.
func TestAccProvider_secretsNeverLogged(t *testing.T) {
	c := testAccClient(t)
	ownerToken := os.Getenv(envToken)
	oauthClient := testAccCreateOAuthClient(t, c, "log-masking")
	t.Setenv(envClientSecret, oauthClient.ClientSecret)

	logPath := testAccCaptureTraceLog(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// ALIEN_TOKEN.
				Config: `data "alien_current_identity" "test" {}`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.alien_current_identity.test", tfjsonpath.New("kind"),
						knownvalue.StringExact(string(client.IdentityOrganizationKey))),
				},
			},
			{
				// client_id in the block, ALIEN_CLIENT_SECRET.
				Config: `
provider "alien" {
  client_id = "` + oauthClient.ClientID + `"
}

data "alien_current_identity" "test" {}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.alien_current_identity.test", tfjsonpath.New("oauth_client_id"),
						knownvalue.StringExact(oauthClient.ID)),
				},
			},
		},
	})

	log := testAccCheckLogExcludes(t, logPath, ownerToken, oauthClient.ClientSecret)
	// The provider really spoke to the API, and said so in the log.
	if !strings.Contains(log, clientLogSubsystem) || !strings.Contains(log, "/me") {
		t.Errorf("the TRACE log at %s has no alien_client line about GET /me: the test proves nothing", logPath)
	}
}

// testAccProviderOAuthConfig is a provider block that authenticates with an OAuth client.
func testAccProviderOAuthConfig(clientID, clientSecret string) string {
	return `
provider "alien" {
  client_id     = "` + clientID + `"
  client_secret = "` + clientSecret + `"
}
`
}

// TestAccProvider_configurationKnownAfterApply configures a provider block with a token known only
// after apply (a terraform_data output): what needs the API during plan (a data source) fails with
// an error that says why, and a resource is planned without the API and created at apply, once
// Terraform configures the provider again with the known token.
func TestAccProvider_configurationKnownAfterApply(t *testing.T) {
	c := testAccClient(t)
	email := testAccRandomEmail("late-provider")
	lateProvider := `
resource "terraform_data" "token" {
  input = "` + os.Getenv(envToken) + `"
}

provider "alien" {
  alias = "late"
  token = terraform_data.token.output
}
`
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			invs, err := c.Invitations.List(context.Background(), client.InvitationListOptions{Email: &email})
			if err != nil {
				return err
			}
			for _, inv := range invs {
				if inv.Status != client.InvitationRevoked {
					return fmt.Errorf("invitation %s is still %s after destroy", inv.ID, inv.Status)
				}
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: lateProvider + `
data "alien_current_identity" "late" {
  provider = alien.late
}
`,
				PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)Error reading current identity.*` +
					testAccPhrase("this alien provider's configuration (token) is known only after apply, so it cannot call the API during plan")),
			},
			{
				Config: lateProvider + `
resource "alien_invitation" "late" {
  provider = alien.late
  email    = "` + email + `"
  role     = "viewer"
}
`,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("alien_invitation.late", plancheck.ResourceActionCreate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("alien_invitation.late", tfjsonpath.New("status"), knownvalue.StringExact("pending")),
					statecheck.ExpectKnownValue("alien_invitation.late", tfjsonpath.New("email"), knownvalue.StringExact(email)),
				},
			},
		},
	})
}
