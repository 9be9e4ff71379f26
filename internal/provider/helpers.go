package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	actionschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
	"github.com/alien-intelligence/terraform-provider-alien/internal/textrule"
)

// The helpers every resource, data source and ephemeral resource shares.

// clientFromProviderData is the body of every Configure method:
//
//	func (r *memberResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
//		r.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
//	}
//
// It answers nil without an error while the provider is not configured yet (Terraform validates
// configurations before it configures providers), and nil with an error for provider data of an
// unexpected type. Data sources get the client itself, resources a *resourceData that holds it.
func clientFromProviderData(providerData any, diags *diag.Diagnostics) *client.Client {
	switch d := providerData.(type) {
	case nil:
		return nil
	case *client.Client:
		if d != nil {
			return d
		}
	case *resourceData:
		if d != nil && d.client != nil {
			return d.client
		}
	}
	diags.AddError("Unexpected provider data",
		fmt.Sprintf("Expected *client.Client, got %T. This is a bug in the provider: please report it.", providerData))
	return nil
}

// resourceData is what the provider hands its resources (ResourceData): the API client, and the
// notes the resources of one plan leave for each other.
type resourceData struct {
	client *client.Client
	notes  *planNotes
}

func newResourceData(c *client.Client) *resourceData {
	return &resourceData{client: c, notes: &planNotes{reactivated: map[string]bool{}}}
}

// notesFromProviderData answers the plan notes of a resource's provider data (nil before the
// provider is configured, or for provider data of another type, which clientFromProviderData
// reports).
func notesFromProviderData(providerData any) *planNotes {
	if d, ok := providerData.(*resourceData); ok && d != nil {
		return d.notes
	}
	return nil
}

// planNotes are what one resource's plan tells another's within a run of the provider.
// Terraform plans a resource only after the resources it refers to, so a token's plan sees what
// the plan of its service account noted.
type planNotes struct {
	mu          sync.Mutex
	reactivated map[string]bool // service accounts whose plan reactivates them, by id
}

// noteReactivated records that this run's plan reactivates service account id.
func (n *planNotes) noteReactivated(id string) {
	if n == nil {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	n.reactivated[id] = true
}

// reactivates tells whether this run's plan reactivates service account id.
func (n *planNotes) reactivates(id string) bool {
	if n == nil {
		return false
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.reactivated[id]
}

// apiErrorDiagnostic turns a failed API call into a diagnostic. action is what the provider was
// doing, as a gerund ("creating"); kind is the object's kind as users name it ("member"); name
// identifies the object for the user (an email, an id) and may be empty. The summary reads
// "Error creating member"; the detail names the object and gives the API's message, the field at
// fault and the request id, so that a user can act on it or quote it to support.
//
// Wrap it with diag.WithPath to attach it to an attribute.
func apiErrorDiagnostic(action, kind, name string, err error) diag.Diagnostic {
	summary := "Error " + action + " " + kind

	object := kind
	if name != "" {
		object += fmt.Sprintf(" %q", name)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s failed", capitalize(action), object)

	var apiErr *client.APIError
	var validationErr *client.ValidationError
	switch {
	case errors.As(err, &apiErr):
		fmt.Fprintf(&b, ": %s", apiErr.Message)
		fmt.Fprintf(&b, "\n\nStatus: %d %s", apiErr.StatusCode, apiErr.Code)
		if apiErr.Field != "" {
			fmt.Fprintf(&b, "\nField: %s", apiErr.Field)
		}
		if apiErr.Method != "" || apiErr.Path != "" {
			fmt.Fprintf(&b, "\nRequest: %s", strings.TrimSpace(apiErr.Method+" "+apiErr.Path))
		}
		if apiErr.RequestID != "" {
			fmt.Fprintf(&b, "\nRequest ID: %s", apiErr.RequestID)
		}
		if errors.Is(err, client.ErrUnauthorized) {
			b.WriteString("\n\nThe provider's credential was refused: check that its token (or OAuth client) " +
				"exists, is not revoked, disabled or expired, and belongs to this organization.")
		}
	case errors.As(err, &validationErr):
		fmt.Fprintf(&b, ": %s\n\nField: %s", validationErr.Message, validationErr.Field)
	default:
		fmt.Fprintf(&b, ": %s", err)
	}
	return diag.NewErrorDiagnostic(summary, b.String())
}

// addAPIError adds apiErrorDiagnostic(action, kind, name, err) to diags.
func addAPIError(diags *diag.Diagnostics, action, kind, name string, err error) {
	diags.Append(apiErrorDiagnostic(action, kind, name, err))
}

// isNotFound tells whether err says that the object does not exist (in the credential's
// organization): Read turns it into RemoveResource, Delete into success.
func isNotFound(err error) bool {
	return errors.Is(err, client.ErrNotFound)
}

// capitalize upper-cases the first letter of an ASCII word.
func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// timeValue is an API timestamp as state holds it: RFC 3339 in UTC; the zero time is null.
func timeValue(t time.Time) types.String {
	if t.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339))
}

// timePointerValue is an optional API timestamp as state holds it: null when absent.
func timePointerValue(t *time.Time) types.String {
	if t == nil {
		return types.StringNull()
	}
	return timeValue(*t)
}

// The token scopes as users write them; the API calls them "api-key" and "api-secret".
const (
	scopeRead      = "read"
	scopeReadWrite = "read_write"
)

// scopeFromAPI maps an API token scope to the provider's name (null when there is none). A scope
// the provider does not know is passed through as the API spelled it.
func scopeFromAPI(s *client.TokenScope) types.String {
	if s == nil {
		return types.StringNull()
	}
	switch *s {
	case client.ScopeRead:
		return types.StringValue(scopeRead)
	case client.ScopeReadWrite:
		return types.StringValue(scopeReadWrite)
	}
	return types.StringValue(string(*s))
}

// scopeToAPI maps the provider's scope name to the API's.
func scopeToAPI(s string) client.TokenScope {
	switch s {
	case scopeRead:
		return client.ScopeRead
	case scopeReadWrite:
		return client.ScopeReadWrite
	}
	return client.TokenScope(s)
}

// parseDurationBetween parses a Go duration ("90s", "2m", "1h30m") that must lie in [low, high].
func parseDurationBetween(s string, low, high time.Duration) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("it is not a duration such as \"30s\", \"5m\" or \"1h\"")
	}
	if d < low || d > high {
		return 0, fmt.Errorf("it must be between %s and %s", formatDuration(low), formatDuration(high))
	}
	return d, nil
}

// formatDuration prints a duration without zero units ("1h", not "1h0m0s").
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// durationBetween validates a string attribute holding a Go duration between low and high
// (terraform-plugin-framework-validators has no duration validator).
func durationBetween(low, high time.Duration) validator.String {
	return durationValidator{low: low, high: high}
}

// durationValidator is the validator durationBetween returns.
type durationValidator struct {
	low, high time.Duration
}

var _ validator.String = durationValidator{}

// Description describes the validation in plain text.
func (v durationValidator) Description(_ context.Context) string {
	return fmt.Sprintf("value must be a duration such as \"30s\" or \"5m\", between %s and %s",
		formatDuration(v.low), formatDuration(v.high))
}

// MarkdownDescription describes the validation in Markdown.
func (v durationValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

// ValidateString checks a known value.
func (v durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := parseDurationBetween(req.ConfigValue.ValueString(), v.low, v.high); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("%q is not usable here: %s.", req.ConfigValue.ValueString(), err))
	}
}

// Emails, as the API checks and compares them: alien_member, alien_invitation,
// alien_service_account, alien_managed_user and the data sources that filter by email share these.
// The rules are internal/textrule's, which alien-local calls too.

// emailValidators check an email address at plan time by the API's own rules, so that an address
// the API would refuse fails before any API call, and one it accepts is never refused. An address
// the API would store in another form (not Unicode NFC) is refused too, saying which form to
// write: the state must hold what the configuration says.
func emailValidators() []validator.String {
	return []validator.String{ruleValidator{summary: "Invalid email address", rule: textrule.EmailRule, check: textrule.Email}}
}

// emailSpelling is the email to keep in state: keep (the configured or prior spelling) when it is
// the same address as apiEmail (textrule.SameEmail: the API compares emails by Unicode case
// folding), else apiEmail. The API keeps the spelling it was given; keeping the configuration's
// spelling means a differently-cased answer never shows as a diff.
func emailSpelling(apiEmail, keep string) string {
	if keep != "" && textrule.SameEmail(apiEmail, keep) {
		return keep
	}
	return apiEmail
}

// emailRequiresReplace replaces the resource when its email changes to another address (the API
// cannot change an email); a change of letter case only is the same address, and updates the state
// in place.
func emailRequiresReplace() planmodifier.String {
	const description = "A change to another address replaces the resource; a change of letter case only updates it in place."
	return stringplanmodifier.RequiresReplaceIf(
		func(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
			resp.RequiresReplace = req.PlanValue.IsUnknown() || req.StateValue.IsUnknown() ||
				!textrule.SameEmail(req.PlanValue.ValueString(), req.StateValue.ValueString())
		},
		description, description,
	)
}

// nameValidators check a name at plan time by the API's rules (textrule.Name): 1 to
// textrule.NameMaxLength characters, not blank, on one line, without control or invisible
// formatting characters, and in the form the API stores (Unicode NFC).
func nameValidators() []validator.String {
	return []validator.String{ruleValidator{summary: "Invalid name", rule: textrule.NameRule(textrule.NameMaxLength), check: func(v string) (string, error) {
		return textrule.Name(v, textrule.NameMaxLength)
	}}}
}

// textValidators check free text (a description) of at most maxLen characters at plan time by the
// API's rules (textrule.Text).
func textValidators(maxLen int) []validator.String {
	return []validator.String{ruleValidator{summary: "Invalid text", rule: textrule.TextRule(maxLen), check: func(v string) (string, error) {
		return textrule.Text(v, maxLen)
	}}}
}

// ruleValidator checks a known string value with check, the rule's owner (internal/textrule),
// which answers the form the API stores the value in, or why the API refuses it. A value the API
// would store in another form is refused too (textrule.NotStoredForm). Its error reads
// "Attribute <path> <rule>: <reason>; got <value>.".
type ruleValidator struct {
	summary string
	rule    string
	check   func(string) (string, error)
}

var _ validator.String = ruleValidator{}

// Description describes the validation in plain text.
func (v ruleValidator) Description(_ context.Context) string {
	return "value " + v.rule + ", in Unicode normalization form C (NFC)"
}

// MarkdownDescription describes the validation in Markdown.
func (v ruleValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

// ValidateString checks a known value.
func (v ruleValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	value := req.ConfigValue.ValueString()
	stored, err := v.check(value)
	if err == nil && stored != value {
		err = textrule.NotStoredForm(v.rule, value, stored)
	}
	var te *textrule.Error
	switch {
	case err == nil:
	case errors.As(err, &te):
		resp.Diagnostics.AddAttributeError(req.Path, v.summary,
			fmt.Sprintf("Attribute %s %s: %s; got %q.", req.Path, te.Rule, te.Reason, value))
	default:
		resp.Diagnostics.AddAttributeError(req.Path, v.summary, fmt.Sprintf("Attribute %s: %s; got %q.", req.Path, err, value))
	}
}

// apiIDValidator checks at plan time that a value is an id of one kind of API object: prefix
// (such as "tok_") and more, without the characters a path cannot hold. kind names the object
// ("API token"); example says where such an id comes from. The API prefixes every id with its
// kind, so an id of another kind is refused before any API call.
func apiIDValidator(prefix, kind, example string) validator.String {
	return apiIDFormatValidator{prefix: prefix, kind: kind, example: example}
}

// apiIDFormatValidator is the validator apiIDValidator returns.
type apiIDFormatValidator struct {
	prefix, kind, example string
}

var _ validator.String = apiIDFormatValidator{}

// Description describes the validation in plain text.
func (v apiIDFormatValidator) Description(_ context.Context) string {
	return fmt.Sprintf("value must be the id of %s (%s...)", withArticle(v.kind), v.prefix)
}

// MarkdownDescription describes the validation in Markdown.
func (v apiIDFormatValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

// ValidateString checks a known value. A value shaped like a credential (a token's secret value
// pasted where its id belongs) is refused without being repeated: errors are printed, logged
// and kept in CI output.
func (v apiIDFormatValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	id := req.ConfigValue.ValueString()
	switch {
	case strings.HasPrefix(id, "oat_") || strings.HasPrefix(id, "oaa_"):
		resp.Diagnostics.AddAttributeError(req.Path, "A credential where an id belongs",
			fmt.Sprintf("Attribute %s holds a credential's secret value (oat_... or oaa_...), not the id of %s "+
				"(%s...). Remove the value from the configuration (it is a secret) and give the id instead: %s.",
				req.Path, withArticle(v.kind), v.prefix, v.example))
	case !strings.HasPrefix(id, v.prefix) || len(id) == len(v.prefix) || strings.ContainsAny(id, "/?# "):
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+v.kind+" id",
			fmt.Sprintf("Attribute %s must be the id of %s (%s...): %s; got %q.",
				req.Path, withArticle(v.kind), v.prefix, v.example, id))
	}
}

// withArticle puts "a" or "an" before a noun phrase.
func withArticle(noun string) string {
	if noun != "" && strings.ContainsRune("aeiouAEIOU", rune(noun[0])) {
		return "an " + noun
	}
	return "a " + noun
}

// actionClientReady tells whether an action was configured with an API client; when it was not
// (Terraform always configures the provider before it invokes an action), it adds an error.
func actionClientReady(c *client.Client, diags *diag.Diagnostics) bool {
	if c == nil {
		diags.AddError("Provider not configured",
			"The action was invoked before the alien provider was configured, so it has no API client. "+
				"This is a bug in the provider or in the program that invokes it: please report it.")
		return false
	}
	return true
}

// formatTime prints an API timestamp for a message: RFC 3339 in UTC, as state holds it.
func formatTime(t time.Time) string {
	return t.UTC().Format(time.RFC3339)
}

// validateActionPlan runs, on the configuration an action is planned with, the checks of its
// schema (required attributes, attribute validators) and its config validators. Terraform 1.14
// runs them (ValidateActionConfig) only when it validates the configuration, where variables are
// still unknown and the checks pass; the plan then hands the provider the real values
// (PlanAction), so every action's ModifyPlan calls this: a value from a variable
// (`-var token_id=...`) is checked before the action runs, with the attribute path.
func validateActionPlan(ctx context.Context, req action.ModifyPlanRequest, s actionschema.Schema, validators []action.ConfigValidator, diags *diag.Diagnostics) {
	names := make([]string, 0, len(s.Attributes))
	for name := range s.Attributes {
		names = append(names, name)
	}
	slices.Sort(names) // diagnostics in a stable order
	for _, name := range names {
		attr := s.Attributes[name]
		at := path.Root(name)
		str, ok := attr.(actionschema.StringAttribute)
		if !ok {
			diags.AddAttributeError(at, "Unsupported attribute type",
				fmt.Sprintf("The action's attribute %s is a %T, which the provider cannot check at plan time. This is a "+
					"bug in the provider: please report it.", name, attr))
			continue
		}
		var value types.String
		diags.Append(req.Config.GetAttribute(ctx, at, &value)...)
		if value.IsUnknown() {
			continue
		}
		if value.IsNull() {
			if str.Required {
				diags.AddAttributeError(at, "Missing required argument",
					fmt.Sprintf("The argument %s is required, but its value is null (from a variable without a value?). "+
						"Set it, for example with -var.", name))
			}
			continue
		}
		vreq := validator.StringRequest{Path: at, PathExpression: at.Expression(), Config: req.Config, ConfigValue: value}
		for _, v := range str.Validators {
			vresp := &validator.StringResponse{}
			v.ValidateString(ctx, vreq, vresp)
			diags.Append(vresp.Diagnostics...)
		}
	}
	for _, v := range validators {
		vresp := &action.ValidateConfigResponse{}
		v.ValidateAction(ctx, action.ValidateConfigRequest{Config: req.Config}, vresp)
		diags.Append(vresp.Diagnostics...)
	}
}
