// Package provider is the Terraform provider for the Alien Intelligence platform, built on
// terraform-plugin-framework. Every resource and data source speaks to the API through
// internal/client only.
package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

// The environment variables the provider reads when an argument is not set in its block.
const (
	envEndpoint       = "ALIEN_ENDPOINT"
	envToken          = "ALIEN_TOKEN"
	envClientID       = "ALIEN_CLIENT_ID"
	envClientSecret   = "ALIEN_CLIENT_SECRET"
	envInsecureHTTP   = "ALIEN_INSECURE_HTTP"
	envMaxRetries     = "ALIEN_MAX_RETRIES"
	envRequestTimeout = "ALIEN_REQUEST_TIMEOUT"
	envRetryWaitMax   = "ALIEN_RETRY_WAIT_MAX"
)

// Defaults of the provider arguments.
const (
	defaultMaxRetries     = 5
	defaultRequestTimeout = 60 * time.Second
	defaultRetryWaitMax   = 30 * time.Second
	maxMaxRetries         = 20
)

var (
	_ provider.Provider                       = &alienProvider{}
	_ provider.ProviderWithEphemeralResources = &alienProvider{}
	_ provider.ProviderWithActions            = &alienProvider{}
	_ provider.ProviderWithListResources      = &alienProvider{}
)

// New returns a function that creates the provider; version is the release version (or "dev",
// or "test" in acceptance tests).
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &alienProvider{version: version}
	}
}

// alienProvider is the provider implementation.
type alienProvider struct {
	version string
}

// alienProviderModel maps the provider block.
type alienProviderModel struct {
	Endpoint       types.String `tfsdk:"endpoint"`
	Token          types.String `tfsdk:"token"`
	ClientID       types.String `tfsdk:"client_id"`
	ClientSecret   types.String `tfsdk:"client_secret"`
	InsecureHTTP   types.Bool   `tfsdk:"insecure_http"`
	MaxRetries     types.Int64  `tfsdk:"max_retries"`
	RequestTimeout types.String `tfsdk:"request_timeout"`
	RetryWaitMax   types.String `tfsdk:"retry_wait_max"`
}

// Metadata returns the provider type name.
func (p *alienProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "alien"
	resp.Version = p.version
}

// Schema describes the provider block.
func (p *alienProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages an Alien Intelligence organization: its settings, members and " +
			"invitations, service accounts, managed users, API tokens and OAuth clients. " +
			"The organization is the credential's: use one provider block (with an alias) per organization.",
		Attributes: map[string]schema.Attribute{
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "The API's base URL. Defaults to the `" + envEndpoint + "` environment variable, " +
					"then to `" + client.DefaultEndpoint + "`. Plain `http://` is accepted only for a loopback " +
					"address (such as a local `alien-local`) unless `insecure_http` is true.",
				Optional:   true,
				Validators: []validator.String{endpointSyntaxValidator{}},
			},
			"token": schema.StringAttribute{
				MarkdownDescription: "The credential: an organization key (an API token without a service account, " +
					"`oat_...`), or an OAuth client's access token (`oaa_...`, such as the `access_token` of " +
					"`alien_access_token`, which lasts one hour). " +
					"Defaults to the `" + envToken + "` environment variable. Conflicts with `client_id` and `client_secret`.",
				Optional:  true,
				Sensitive: true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.ConflictsWith(path.MatchRoot("client_id"), path.MatchRoot("client_secret")),
				},
			},
			"client_id": schema.StringAttribute{
				MarkdownDescription: "The client ID of an OAuth client, to authenticate with the client-credentials " +
					"grant (with `client_secret`). Defaults to the `" + envClientID + "` environment variable.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"client_secret": schema.StringAttribute{
				MarkdownDescription: "The client secret of the OAuth client named by `client_id`. " +
					"Defaults to the `" + envClientSecret + "` environment variable.",
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"insecure_http": schema.BoolAttribute{
				MarkdownDescription: "Allow a plain `http://` endpoint that is not a loopback address. Never do " +
					"this over a network you do not control: the credential travels in clear. " +
					"Defaults to the `" + envInsecureHTTP + "` environment variable, then to `false`.",
				Optional: true,
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times a failed request is retried (rate limits, "+
					"server errors, network errors; writes are retried safely with an idempotency key). "+
					"`0` disables retries. Defaults to the `%s` environment variable, then to `%d`.",
					envMaxRetries, defaultMaxRetries),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, maxMaxRetries)},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: "How long one attempt of a request may take, as a duration such as `\"60s\"` " +
					"or `\"2m\"`. Defaults to the `" + envRequestTimeout + "` environment variable, then to `\"60s\"`.",
				Optional:   true,
				Validators: []validator.String{durationBetween(time.Second, time.Hour)},
			},
			"retry_wait_max": schema.StringAttribute{
				MarkdownDescription: "The longest wait between two retries (the backoff grows up to it; a " +
					"`Retry-After` answer is honoured up to it), as a duration such as `\"30s\"`. " +
					"Defaults to the `" + envRetryWaitMax + "` environment variable, then to `\"30s\"`.",
				Optional:   true,
				Validators: []validator.String{durationBetween(time.Second, time.Hour)},
			},
		},
	}
}

// Configure builds the API client from the provider block and the environment (the block wins)
// and hands it to every resource, data source, list resource, ephemeral resource and action.
func (p *alienProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var config alienProviderModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	// A value known only after apply (another resource's attribute, such as the bootstrap token of
	// an alien_organization that the same run creates) cannot configure a client yet. Terraform
	// configures the provider again, with known values, before it applies; until then the
	// resources get a client whose every request fails at once with an error that says why.
	var unknown []string
	for _, a := range []struct {
		name    string
		unknown bool
	}{
		{"endpoint", config.Endpoint.IsUnknown()},
		{"token", config.Token.IsUnknown()},
		{"client_id", config.ClientID.IsUnknown()},
		{"client_secret", config.ClientSecret.IsUnknown()},
		{"insecure_http", config.InsecureHTTP.IsUnknown()},
		{"max_retries", config.MaxRetries.IsUnknown()},
		{"request_timeout", config.RequestTimeout.IsUnknown()},
		{"retry_wait_max", config.RetryWaitMax.IsUnknown()},
	} {
		if a.unknown {
			unknown = append(unknown, a.name)
		}
	}
	if len(unknown) > 0 {
		p.configureDeferred(ctx, config, unknown, resp)
		return
	}

	settings := resolveSettings(config, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	// Mask the secrets in every log line written with this context, before anything logs.
	secrets := settings.secrets()
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, maskedFieldKeys...)
	ctx = tflog.MaskAllFieldValuesStrings(ctx, secrets...)
	ctx = tflog.MaskMessageStrings(ctx, secrets...)
	ctx = tflog.SetField(ctx, "alien_endpoint", settings.endpoint)
	ctx = tflog.SetField(ctx, "alien_auth", settings.authMethod())
	tflog.Debug(ctx, "Creating the Alien API client")

	userAgentExtra := ""
	if req.TerraformVersion != "" {
		userAgentExtra = "terraform/" + req.TerraformVersion
	}
	c, err := client.New(client.Config{
		Endpoint:          settings.endpoint,
		AllowInsecureHTTP: settings.insecureHTTP,
		Token:             settings.token,
		ClientID:          settings.clientID,
		ClientSecret:      settings.clientSecret,
		Version:           p.version,
		UserAgentExtra:    userAgentExtra,
		MaxRetries:        settings.clientMaxRetries(),
		RetryWaitMax:      settings.retryWaitMax,
		RequestTimeout:    settings.requestTimeout,
		Logger:            newClientLogger(secrets),
		ReadCache:         true,
	})
	if err != nil {
		resp.Diagnostics.AddError("Unable to create the Alien API client",
			"The provider settings were accepted, but the API client could not be created: "+err.Error())
		return
	}

	resp.DataSourceData = c
	resp.ResourceData = newResourceData(c)
	resp.ActionData = c
	resp.ListResourceData = c
	resp.EphemeralResourceData = &ephemeralResourceData{Client: c, ClientID: settings.clientID, ClientSecret: settings.clientSecret}
	tflog.Info(ctx, "Configured the Alien API client")
}

// deferredToken stands in for the credential of a deferred client: a request never leaves the
// process, so it is never sent anywhere.
const deferredToken = "deferred-until-apply"

// configureDeferred hands the resources, data sources, ephemeral resources and actions a client
// whose every request fails at once (no retries) with deferredConfigError: the provider block
// holds values known only after apply (unknown names them). Terraform configures the provider
// again with known values before it applies, so only what must call the API during plan (a data
// source, a refresh, a plan-time check) fails, with an error that says why.
func (p *alienProvider) configureDeferred(ctx context.Context, config alienProviderModel, unknown []string, resp *provider.ConfigureResponse) {
	tflog.Info(ctx, "The Alien provider configuration is known only after apply: API calls during plan will fail",
		map[string]any{"unknown_arguments": strings.Join(unknown, ", ")})

	// The endpoint only appears in error messages here; keep the configured one when it is known.
	endpoint := client.DefaultEndpoint
	if v, _, ok := configString(config.Endpoint, envEndpoint); ok && !config.Endpoint.IsUnknown() {
		if u, err := client.CheckEndpoint(v, true); err == nil {
			endpoint = u
		}
	}
	c, err := client.New(client.Config{
		Endpoint:          endpoint,
		AllowInsecureHTTP: true,
		Token:             deferredToken,
		Version:           p.version,
		HTTPClient:        &http.Client{Transport: deferredTransport{unknown: unknown}},
		MaxRetries:        -1,
	})
	if err != nil {
		resp.Diagnostics.AddError("Unable to create the Alien API client",
			"The provider configuration is known only after apply, and even the placeholder API client "+
				"could not be created: "+err.Error()+". This is a bug in the provider: please report it.")
		return
	}
	resp.DataSourceData = c
	resp.ResourceData = newResourceData(c)
	resp.ActionData = c
	resp.ListResourceData = c
	resp.EphemeralResourceData = &ephemeralResourceData{Client: c}
}

// deferredConfigError is the error of every request of a deferred client.
type deferredConfigError struct {
	unknown []string
}

// Error names the arguments known only after apply.
func (e deferredConfigError) Error() string {
	return fmt.Sprintf("this alien provider's configuration (%s) is known only after apply, so it cannot "+
		"call the API during plan; it will at apply, once the values are known. If a data source or a "+
		"plan-time check needs the API, give the provider block values known at plan time",
		strings.Join(e.unknown, ", "))
}

// deferredTransport is the http.RoundTripper of a deferred client: it fails every request with
// deferredConfigError, sending nothing.
type deferredTransport struct {
	unknown []string
}

// RoundTrip fails the request.
func (t deferredTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
	return nil, deferredConfigError(t)
}

// Resources lists the managed resources. One line per resource, sorted by name.
func (p *alienProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewAPITokenResource,
		NewInvitationResource,
		NewManagedUserResource,
		NewMemberResource,
		NewOAuthClientResource,
		NewOrganizationResource,
		NewServiceAccountResource,
	}
}

// DataSources lists the data sources. One line per data source, sorted by name.
func (p *alienProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewAPITokensDataSource,
		NewCurrentIdentityDataSource,
		NewManagedUsersDataSource,
		NewMembersDataSource,
		NewOAuthClientsDataSource,
		NewOrganizationDataSource,
		NewServiceAccountsDataSource,
	}
}

// EphemeralResources lists the ephemeral resources. One line per ephemeral resource, sorted by name.
func (p *alienProvider) EphemeralResources(_ context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		NewAccessTokenEphemeralResource,
	}
}

// Actions lists the actions (Terraform 1.14 and later). One line per action, sorted by name.
func (p *alienProvider) Actions(_ context.Context) []func() action.Action {
	return []func() action.Action{
		NewAPITokenRevokeAction,
		NewInvitationResendAction,
		NewManagedUserPasswordResetAction,
	}
}

// ListResources lists the list resources (`terraform query`). One line per list resource, sorted
// by name.
func (p *alienProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		NewAPITokenListResource,
		NewManagedUserListResource,
		NewMemberListResource,
		NewOAuthClientListResource,
		NewServiceAccountListResource,
	}
}

// providerSettings are the provider arguments after the environment and the defaults were applied.
type providerSettings struct {
	endpoint       string
	insecureHTTP   bool
	token          string
	clientID       string
	clientSecret   string
	maxRetries     int
	requestTimeout time.Duration
	retryWaitMax   time.Duration
}

// secrets lists the credential values that must never appear in a log line.
func (s providerSettings) secrets() []string {
	var out []string
	for _, v := range []string{s.token, s.clientSecret} {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// authMethod names the kind of credential, for logs.
func (s providerSettings) authMethod() string {
	if s.token != "" {
		return "token"
	}
	return "client_credentials"
}

// clientMaxRetries translates max_retries into client.Config.MaxRetries, where 0 means the
// default and a negative value disables retries.
func (s providerSettings) clientMaxRetries() int {
	if s.maxRetries == 0 {
		return -1
	}
	return s.maxRetries
}

// configString is the value of a string argument: the block's value when set, else the
// environment variable's when not empty. from tells where it came from, for error messages.
func configString(v types.String, env string) (value, from string, set bool) {
	if !v.IsNull() {
		return v.ValueString(), "", true
	}
	if e := os.Getenv(env); e != "" {
		return e, " (from " + env + ")", true
	}
	return "", "", false
}

// resolveSettings applies the environment and the defaults to the provider block and checks the
// result; every error is reported at the path of the argument at fault.
func resolveSettings(config alienProviderModel, diags *diag.Diagnostics) providerSettings {
	s := providerSettings{
		endpoint:       client.DefaultEndpoint,
		maxRetries:     defaultMaxRetries,
		requestTimeout: defaultRequestTimeout,
		retryWaitMax:   defaultRetryWaitMax,
	}

	// insecure_http first: the endpoint check depends on it.
	if !config.InsecureHTTP.IsNull() {
		s.insecureHTTP = config.InsecureHTTP.ValueBool()
	} else if e := os.Getenv(envInsecureHTTP); e != "" {
		b, err := strconv.ParseBool(e)
		if err != nil {
			diags.AddAttributeError(path.Root("insecure_http"), "Invalid "+envInsecureHTTP,
				fmt.Sprintf("%s must be true or false, not %q.", envInsecureHTTP, e))
		}
		s.insecureHTTP = b
	}

	if v, from, ok := configString(config.Endpoint, envEndpoint); ok {
		endpoint, problem := endpointProblem(v, from, s.insecureHTTP)
		if problem != "" {
			diags.AddAttributeError(path.Root("endpoint"), "Invalid Alien API endpoint", problem)
		}
		s.endpoint = endpoint
	}

	if !config.MaxRetries.IsNull() {
		s.maxRetries = int(config.MaxRetries.ValueInt64())
	} else if e := os.Getenv(envMaxRetries); e != "" {
		n, err := strconv.Atoi(e)
		if err != nil || n < 0 || n > maxMaxRetries {
			diags.AddAttributeError(path.Root("max_retries"), "Invalid "+envMaxRetries,
				fmt.Sprintf("%s must be a whole number between 0 and %d, not %q.", envMaxRetries, maxMaxRetries, e))
		}
		s.maxRetries = n
	}

	for _, d := range []struct {
		name, env string
		value     types.String
		into      *time.Duration
	}{
		{"request_timeout", envRequestTimeout, config.RequestTimeout, &s.requestTimeout},
		{"retry_wait_max", envRetryWaitMax, config.RetryWaitMax, &s.retryWaitMax},
	} {
		v, from, ok := configString(d.value, d.env)
		if !ok {
			continue
		}
		dur, err := parseDurationBetween(v, time.Second, time.Hour)
		if err != nil {
			diags.AddAttributeError(path.Root(d.name), "Invalid "+d.name,
				fmt.Sprintf("The %s %q%s is not usable: %s.", d.name, v, from, err))
		}
		*d.into = dur
	}

	resolveCredentials(config, &s, diags)
	return s
}

// resolveCredentials picks the credential: the block's token or OAuth client first, then the
// environment's. The schema already refuses a token together with client credentials in the block.
func resolveCredentials(config alienProviderModel, s *providerSettings, diags *diag.Diagnostics) {
	oauthInConfig := !config.ClientID.IsNull() || !config.ClientSecret.IsNull()
	switch {
	case !config.Token.IsNull():
		s.token = config.Token.ValueString()
		return
	case !oauthInConfig && os.Getenv(envToken) != "":
		if os.Getenv(envClientID) != "" {
			diags.AddAttributeError(path.Root("token"), "Ambiguous Alien API credentials",
				"Both "+envToken+" and "+envClientID+" are set in the environment, and the provider block "+
					"sets neither token nor client_id. Unset one of them, or set token, or client_id and "+
					"client_secret, in the provider block.")
			return
		}
		s.token = os.Getenv(envToken)
		return
	}

	id, _, idSet := configString(config.ClientID, envClientID)
	secret, _, secretSet := configString(config.ClientSecret, envClientSecret)
	switch {
	case idSet && secretSet:
		s.clientID, s.clientSecret = id, secret
	case idSet:
		diags.AddAttributeError(path.Root("client_secret"), "Missing Alien OAuth client secret",
			"client_id is set but client_secret is not. Set client_secret in the provider block, or the "+
				envClientSecret+" environment variable, to the secret of OAuth client "+strconv.Quote(id)+".")
	case secretSet:
		diags.AddAttributeError(path.Root("client_id"), "Missing Alien OAuth client ID",
			"client_secret is set but client_id is not. Set client_id in the provider block, or the "+
				envClientID+" environment variable, to the OAuth client's client ID.")
	default:
		diags.AddAttributeError(path.Root("token"), "Missing Alien API credentials",
			"The provider needs a credential. Set token in the provider block, or the "+envToken+
				" environment variable, to an API token; or set client_id and client_secret (or "+
				envClientID+" and "+envClientSecret+") to the credentials of an OAuth client.")
	}
}

// maskedFieldKeys are log field names whose values are always masked, whatever they hold.
var maskedFieldKeys = []string{
	"alien_token", "alien_client_secret", "token", "client_secret", "access_token",
	"bootstrap_token", "authorization", "Authorization",
}

// clientLogSubsystem is the tflog subsystem of the API client's log lines
// (level: TF_LOG_PROVIDER_ALIEN_CLIENT, else TF_LOG_PROVIDER, else TF_LOG).
const clientLogSubsystem = "alien_client"

// clientLogger adapts client.Logger to tflog: every line goes to the alien_client subsystem of
// the request's context, with the provider's secrets masked in messages and field values.
type clientLogger struct {
	secrets []string
}

var _ client.Logger = clientLogger{}

// newClientLogger returns the adapter; secrets holds values masked in every line.
func newClientLogger(secrets []string) clientLogger {
	return clientLogger{secrets: append([]string(nil), secrets...)}
}

// context prepares the subsystem logger, with masking, on ctx.
func (l clientLogger) context(ctx context.Context) context.Context {
	ctx = tflog.NewSubsystem(ctx, clientLogSubsystem,
		tflog.WithLevelFromEnv("TF_LOG_PROVIDER_ALIEN_CLIENT"), tflog.WithRootFields())
	ctx = tflog.SubsystemMaskFieldValuesWithFieldKeys(ctx, clientLogSubsystem, maskedFieldKeys...)
	if len(l.secrets) > 0 {
		ctx = tflog.SubsystemMaskAllFieldValuesStrings(ctx, clientLogSubsystem, l.secrets...)
		ctx = tflog.SubsystemMaskMessageStrings(ctx, clientLogSubsystem, l.secrets...)
	}
	return ctx
}

// Debug logs a request or its outcome.
func (l clientLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.SubsystemDebug(l.context(ctx), clientLogSubsystem, msg, fields)
}

// Warn logs a retry or an unexpected answer.
func (l clientLogger) Warn(ctx context.Context, msg string, fields map[string]any) {
	tflog.SubsystemWarn(l.context(ctx), clientLogSubsystem, msg, fields)
}

// endpointProblem checks an endpoint by the client's rule (client.CheckEndpoint) and answers it
// normalized, or the detail of an "Invalid Alien API endpoint" error: the endpoint (any password
// redacted), from says where it came from, and what to do in the provider's terms.
func endpointProblem(raw, from string, allowInsecure bool) (string, string) {
	endpoint, err := client.CheckEndpoint(raw, allowInsecure)
	if err == nil {
		return endpoint, ""
	}
	var ee *client.EndpointError
	if !errors.As(err, &ee) {
		return "", fmt.Sprintf("The endpoint%s is not usable: %s.", from, err)
	}
	shown := ""
	if ee.Endpoint != "" {
		shown = " " + strconv.Quote(ee.Endpoint)
	}
	detail := fmt.Sprintf("The endpoint%s%s is not usable: %s", shown, from, ee.Problem)
	if ee.Insecure {
		detail += "; use https://, or set insecure_http = true (or " + envInsecureHTTP + "=true) if you accept " +
			"sending the credential in clear"
	}
	return "", detail + "."
}

// endpointSyntaxValidator checks the endpoint's form by the client's rule at validation time; the
// loopback rule, which depends on insecure_http and the environment, is checked in Configure.
type endpointSyntaxValidator struct{}

var _ validator.String = endpointSyntaxValidator{}

// Description describes the validation in plain text.
func (endpointSyntaxValidator) Description(_ context.Context) string {
	return "value must be an http:// or https:// URL with a host, and no credentials, query or fragment"
}

// MarkdownDescription describes the validation in Markdown.
func (v endpointSyntaxValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

// ValidateString checks a known endpoint value.
func (endpointSyntaxValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, problem := endpointProblem(req.ConfigValue.ValueString(), "", true); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Alien API endpoint", problem)
	}
}
