package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

func TestClientFromProviderData(t *testing.T) {
	var diags diag.Diagnostics
	if c := clientFromProviderData(nil, &diags); c != nil || diags.HasError() {
		t.Errorf("nil provider data: got %v, %v; want nil and no error", c, diags)
	}

	c, err := client.New(client.Config{Endpoint: "http://127.0.0.1:1", Token: "oat_a.b"})
	if err != nil {
		t.Fatal(err)
	}
	if got := clientFromProviderData(c, &diags); got != c || diags.HasError() {
		t.Errorf("client provider data: got %v, %v; want the client", got, diags)
	}

	if got := clientFromProviderData("oops", &diags); got != nil || !diags.HasError() {
		t.Fatalf("string provider data: got %v, %v; want nil and an error", got, diags)
	}
	if d := diags.Errors()[0]; d.Summary() != "Unexpected provider data" || !strings.Contains(d.Detail(), "got string") {
		t.Errorf("unexpected diagnostic %q: %q", d.Summary(), d.Detail())
	}
}

func TestAPIErrorDiagnostic(t *testing.T) {
	apiErr := &client.APIError{
		StatusCode: 409, Code: client.CodeConflict, Message: "the last owner cannot be removed",
		Field: "role", RequestID: "req_123", Method: "DELETE", Path: "/members/mem_1",
	}
	for _, tc := range []struct {
		name          string
		action, kind  string
		object        string
		err           error
		summary       string
		detailHas     []string
		detailHasNone []string
	}{
		{
			name: "API error", action: "deleting", kind: "member", object: "alice@example.com",
			err:     fmt.Errorf("wrapped: %w", apiErr),
			summary: "Error deleting member",
			detailHas: []string{
				`Deleting member "alice@example.com" failed: the last owner cannot be removed`,
				"Status: 409 conflict", "Field: role", "Request: DELETE /members/mem_1", "Request ID: req_123",
			},
			detailHasNone: []string{"credential was refused"},
		},
		{
			name: "unauthorized", action: "reading", kind: "current identity",
			err:       &client.APIError{StatusCode: 401, Code: client.CodeUnauthorized, Message: "token revoked", RequestID: "req_9"},
			summary:   "Error reading current identity",
			detailHas: []string{"Reading current identity failed: token revoked", "Request ID: req_9", "credential was refused"},
		},
		{
			name: "validation error", action: "creating", kind: "invitation", object: "bob@example.com",
			err:       &client.ValidationError{Field: "email", Message: "must not be empty"},
			summary:   "Error creating invitation",
			detailHas: []string{`Creating invitation "bob@example.com" failed: must not be empty`, "Field: email"},
		},
		{
			name: "transport error", action: "updating", kind: "organization", object: "org_1",
			err:           errors.New("dial tcp 127.0.0.1:1: connection refused"),
			summary:       "Error updating organization",
			detailHas:     []string{`Updating organization "org_1" failed: dial tcp 127.0.0.1:1: connection refused`},
			detailHasNone: []string{"Request ID"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := apiErrorDiagnostic(tc.action, tc.kind, tc.object, tc.err)
			if d.Severity() != diag.SeverityError {
				t.Errorf("severity %v, want error", d.Severity())
			}
			if d.Summary() != tc.summary {
				t.Errorf("summary %q, want %q", d.Summary(), tc.summary)
			}
			for _, s := range tc.detailHas {
				if !strings.Contains(d.Detail(), s) {
					t.Errorf("detail lacks %q:\n%s", s, d.Detail())
				}
			}
			for _, s := range tc.detailHasNone {
				if strings.Contains(d.Detail(), s) {
					t.Errorf("detail has %q:\n%s", s, d.Detail())
				}
			}
		})
	}

	var diags diag.Diagnostics
	addAPIError(&diags, "creating", "member", "", apiErr)
	if len(diags) != 1 || diags[0].Summary() != "Error creating member" {
		t.Errorf("addAPIError added %v", diags)
	}
}

func TestIsNotFound(t *testing.T) {
	if !isNotFound(fmt.Errorf("read: %w", &client.APIError{StatusCode: 404, Code: client.CodeNotFound})) {
		t.Error("a wrapped 404 is not found")
	}
	if isNotFound(&client.APIError{StatusCode: 409, Code: client.CodeConflict}) || isNotFound(errors.New("x")) {
		t.Error("other errors are found")
	}
}

func TestTimeValues(t *testing.T) {
	at := time.Date(2026, 11, 21, 23, 19, 30, 0, time.FixedZone("CET", 3600))
	if got := timeValue(at).ValueString(); got != "2026-11-21T22:19:30Z" {
		t.Errorf("timeValue = %q", got)
	}
	if !timeValue(time.Time{}).IsNull() || !timePointerValue(nil).IsNull() {
		t.Error("zero and nil times are not null")
	}
	if got := timePointerValue(&at).ValueString(); got != "2026-11-21T22:19:30Z" {
		t.Errorf("timePointerValue = %q", got)
	}
}

func TestScopes(t *testing.T) {
	for provider, api := range map[string]client.TokenScope{"read": client.ScopeRead, "read_write": client.ScopeReadWrite} {
		if got := scopeToAPI(provider); got != api {
			t.Errorf("scopeToAPI(%q) = %q, want %q", provider, got, api)
		}
		if got := scopeFromAPI(&api); got.ValueString() != provider {
			t.Errorf("scopeFromAPI(%q) = %s, want %q", api, got, provider)
		}
	}
	if !scopeFromAPI(nil).IsNull() {
		t.Error("no scope is not null")
	}
}

func TestDurationValidator(t *testing.T) {
	v := durationBetween(time.Second, time.Hour)
	for value, wantErr := range map[string]string{
		"30s": "", "1h": "", "1m30s": "",
		"60":   `"60" is not usable here: it is not a duration such as "30s"`,
		"0s":   "it must be between 1s and 1h.",
		"90m":  "it must be between 1s and 1h.",
		"soon": "not a duration",
	} {
		resp := &validator.StringResponse{}
		v.ValidateString(context.Background(), validator.StringRequest{
			Path: path.Root("request_timeout"), ConfigValue: types.StringValue(value),
		}, resp)
		switch {
		case wantErr == "" && resp.Diagnostics.HasError():
			t.Errorf("%q: unexpected error %v", value, resp.Diagnostics)
		case wantErr != "" && !resp.Diagnostics.HasError():
			t.Errorf("%q: no error", value)
		case wantErr != "" && !strings.Contains(resp.Diagnostics.Errors()[0].Detail(), wantErr):
			t.Errorf("%q: error %q lacks %q", value, resp.Diagnostics.Errors()[0].Detail(), wantErr)
		}
	}
	for _, value := range []types.String{types.StringNull(), types.StringUnknown()} {
		resp := &validator.StringResponse{}
		v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("x"), ConfigValue: value}, resp)
		if resp.Diagnostics.HasError() {
			t.Errorf("%s: unexpected error %v", value, resp.Diagnostics)
		}
	}
}

// testResourceState is the state of resource r holding model (or, with Raw copied, its plan).
func testResourceState(t *testing.T, r resource.Resource, model any) tfsdk.State {
	t.Helper()
	ctx := context.Background()
	var resp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &resp)
	state := tfsdk.State{Schema: resp.Schema, Raw: tftypes.NewValue(resp.Schema.Type().TerraformType(ctx), nil)}
	if diags := state.Set(ctx, model); diags.HasError() {
		t.Fatalf("the model %T does not match the schema of %T: %v", model, r, diags)
	}
	return state
}

// testEmailCases are addresses the API accepts (true) or refuses (false), among them the ones
// where earlier plan-time patterns disagreed with it.
var testEmailCases = map[string]bool{
	"jane@example.com": true, "Jane.Doe+tf@Sub.Example.co.uk": true, "a@b.io": true, "ünï@bücher.de": true,
	"x_y-z@e-x.com": true, "pipeline-bot@yourcompany.com": true, "Jane.Doe+tag@Example.COM": true, "a@b.co": true,
	"o'brien@example.ie": true, "jöhn@exämple.de": true, "x_y{z}@sub.domain-1.example.org": true,
	"€uro@example.com": true, "a™@example.com": true, "a#b!c%d`e|f~g/h=i?j^k&l*m$@example.com": true,
	strings.Repeat("a", 64) + "@example.com": true, "a@" + strings.Repeat("b", 63) + ".com": true,

	"jane": false, "jane@": false, "@example.com": false, "jane@example": false, "jane doe@example.com": false,
	"jane@@example.com": false, "jane@-example.com": false, "jane@example-.com": false, "jane@exa_mple.com": false,
	`"jane"@example.com`: false, "jane@example..com": false, "not-an-email": false, "bot@localhost": false,
	"Bot <bot@example.com>": false, "a..b@example.com": false, ".a@example.com": false, "a.@example.com": false,
	"a@b@example.com": false, "a@example.com.": false, "a@example.com\n": false, "a,b@example.com": false,
	"(c)a@example.com": false, "a(c)@example.com": false, "a:b@example.com": false, "a;b@example.com": false,
	"a[b]@example.com": false, "a\x01b@example.com": false, "a@b™.com": false,
	strings.Repeat("a", 65) + "@example.com": false, "a@" + strings.Repeat("b", 64) + ".com": false,
}

func TestEmailValidators(t *testing.T) {
	for email, want := range testEmailCases {
		if got := emailProblem(email) == ""; got != want {
			t.Errorf("emailProblem(%q) accepts it: %t, want %t", email, got, want)
		}
		diags := testValidate(emailValidators(), "email", types.StringValue(email))
		if diags.HasError() == want {
			t.Errorf("%q: diagnostics %v, want an error: %t", email, diags, !want)
		}
		if !want && !strings.Contains(diags.Errors()[0].Detail(), "Attribute email must be a bare email address") {
			t.Errorf("%q: the error %q does not say what is wrong", email, diags.Errors()[0].Detail())
		}
	}
	for _, v := range []types.String{types.StringValue(""), types.StringValue("a@" + strings.Repeat("b", 250) + ".com")} {
		if diags := testValidate(emailValidators(), "email", v); !diags.HasError() {
			t.Errorf("%s: no error", v)
		}
	}
	for _, v := range []types.String{types.StringNull(), types.StringUnknown()} {
		if diags := testValidate(emailValidators(), "email", v); diags.HasError() {
			t.Errorf("%s: unexpected error %v", v, diags)
		}
	}
	if got := emailProblem("jane@" + strings.Repeat("b", 64) + ".com"); !strings.Contains(got, "at most 63 characters") {
		t.Errorf("a long domain label: %q", got)
	}
	if got := emailProblem(strings.Repeat("a", 65) + "@example.com"); !strings.Contains(got, "longer than 64") {
		t.Errorf("a long local part: %q", got)
	}
}

// testValidate runs validators on value v of attribute attr, as Terraform would at plan time.
func testValidate(validators []validator.String, attr string, v types.String) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, sv := range validators {
		resp := &validator.StringResponse{}
		sv.ValidateString(context.Background(), validator.StringRequest{Path: path.Root(attr), ConfigValue: v}, resp)
		diags.Append(resp.Diagnostics...)
	}
	return diags
}

// testAPIAccepts tells whether the API accepted a value, from the error of the call that sent it:
// accepted (nil, or a conflict with an object that exists), or refused as invalid (a 400 that
// names field, or the client's own refusal before any request). Any other error fails the test.
func testAPIAccepts(t *testing.T, err error, field string) (accepted bool, reason string) {
	t.Helper()
	var apiErr *client.APIError
	switch {
	case err == nil || errors.Is(err, client.ErrConflict):
		return true, ""
	case errors.As(err, &apiErr) && apiErr.StatusCode == 400 && apiErr.Field == field:
		return false, apiErr.Message
	case !errors.As(err, &apiErr) && errors.Is(err, client.ErrInvalid):
		return false, err.Error()
	}
	t.Fatalf("sending a %s: %v", field, err)
	return false, ""
}

// TestAccEmailValidators_agreeWithAPI sends every case to the API (as invitations in an
// organization of the test's own): the plan-time check must accept what the API accepts, and
// refuse what it refuses.
func TestAccEmailValidators_agreeWithAPI(t *testing.T) {
	t.Parallel()
	org := testAccNewOrganization(t)
	for email := range testEmailCases {
		accepts := !testValidate(emailValidators(), "email", types.StringValue(email)).HasError()
		_, err := org.Client.Invitations.Create(context.Background(), client.InvitationCreateOptions{Email: email, Role: client.RoleViewer})
		if apiAccepts, reason := testAPIAccepts(t, err, "email"); apiAccepts != accepts {
			t.Errorf("%q: the API accepts it: %t (%s); the provider: %t", email, apiAccepts, reason, accepts)
		}
	}
}

func TestEmailSpelling(t *testing.T) {
	for _, tc := range []struct {
		api, keep, want string
	}{
		{api: "bot@example.com", keep: "Bot@Example.COM", want: "Bot@Example.COM"},
		{api: "Bot@Example.COM", keep: "bot@example.com", want: "bot@example.com"},
		{api: "bot@example.com", keep: "other@example.com", want: "bot@example.com"},
		{api: "Bot@Example.COM", keep: types.StringNull().ValueString(), want: "Bot@Example.COM"},
		{api: "Bot@Example.COM", keep: types.StringUnknown().ValueString(), want: "Bot@Example.COM"},
	} {
		if got := emailSpelling(tc.api, tc.keep); got != tc.want {
			t.Errorf("emailSpelling(%q, %q) = %q, want %q", tc.api, tc.keep, got, tc.want)
		}
	}
}

func TestEmailRequiresReplace(t *testing.T) {
	ctx := context.Background()
	nonNull := tftypes.NewValue(tftypes.Object{}, map[string]tftypes.Value{})
	for _, tc := range []struct {
		state, plan types.String
		want        bool
	}{
		{state: types.StringValue("bot@example.com"), plan: types.StringValue("Bot@Example.com"), want: false},
		{state: types.StringValue("bot@example.com"), plan: types.StringValue("bot2@example.com"), want: true},
		{state: types.StringValue("bot@example.com"), plan: types.StringUnknown(), want: true},
		{state: types.StringUnknown(), plan: types.StringValue("bot@example.com"), want: true},
		{state: types.StringValue("bot@example.com"), plan: types.StringValue("bot@example.com"), want: false},
	} {
		req := planmodifier.StringRequest{
			State: tfsdk.State{Raw: nonNull}, Plan: tfsdk.Plan{Raw: nonNull},
			StateValue: tc.state, PlanValue: tc.plan, ConfigValue: tc.plan,
		}
		resp := &planmodifier.StringResponse{PlanValue: tc.plan}
		emailRequiresReplace().PlanModifyString(ctx, req, resp)
		if resp.RequiresReplace != tc.want || resp.Diagnostics.HasError() {
			t.Errorf("%s -> %s: replace %v (%v), want %v", tc.state, tc.plan, resp.RequiresReplace, resp.Diagnostics, tc.want)
		}
	}
}

// testNameCases are names the API accepts (true) or refuses (false), among them the ones where
// earlier plan-time checks disagreed with it (counting bytes, ASCII-only white space, control
// characters let through).
var testNameCases = map[string]bool{
	"Jane": true, "Mary Ann": true, "O'Brien": true, "Jean-Luc": true, "José": true, " Jane ": true,
	"CI Pipeline": true, strings.Repeat("x", 100): true, strings.Repeat("名", 100): true, "a\u200bb": true,

	"": false, "   ": false, "Jane\nMary": false, "Jane\tMary": false, "Jane\r": false, "\u0007": false,
	"ring\u0007bell": false, "a\x7fb": false, "a\u0085b": false, "\u00a0": false, "\u3000\u3000": false,
	strings.Repeat("x", 101): false, strings.Repeat("名", 101): false,
}

func TestNameValidators(t *testing.T) {
	for name, want := range testNameCases {
		if diags := testValidate(nameValidators(), "name", types.StringValue(name)); diags.HasError() == want {
			t.Errorf("%q: diagnostics %v, want an error: %t", name, diags, !want)
		}
	}
	for v, want := range map[string]string{
		" \u3000 ": "Attribute name must not be blank, and must be on one line without control characters: it is blank",
		"a\nb":     "Attribute name must not be blank, and must be on one line without control characters: it holds a control character",
	} {
		if diags := testValidate(nameValidators(), "name", types.StringValue(v)); !diags.HasError() ||
			!strings.Contains(diags.Errors()[0].Detail(), want) {
			t.Errorf("%q: %v, want an error that says %q", v, diags, want)
		}
	}
	for _, v := range []types.String{types.StringNull(), types.StringUnknown()} {
		if diags := testValidate(nameValidators(), "name", v); diags.HasError() {
			t.Errorf("%s: unexpected error %v", v, diags)
		}
	}
}

// TestAccNameValidators_agreeWithAPI sends every case to the API (as OAuth client names, in an
// organization of the test's own): the plan-time check must accept what the API accepts, and
// refuse what it refuses.
func TestAccNameValidators_agreeWithAPI(t *testing.T) {
	t.Parallel()
	org := testAccNewOrganization(t)
	for name := range testNameCases {
		accepts := !testValidate(nameValidators(), "name", types.StringValue(name)).HasError()
		_, err := org.Client.OAuthClients.Create(context.Background(), client.OAuthClientCreateOptions{Name: name})
		if apiAccepts, reason := testAPIAccepts(t, err, "name"); apiAccepts != accepts {
			t.Errorf("%q: the API accepts it: %t (%s); the provider: %t", name, apiAccepts, reason, accepts)
		}
	}
}
