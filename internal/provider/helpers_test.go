package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
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

// testCheckDataSourceModel checks that a model struct matches a data source's schema attribute
// for attribute (the framework refuses to set state from a struct that does not), without an
// API. Resource authors: the same with resource.SchemaRequest and tfsdk.State.
func testCheckDataSourceModel(t *testing.T, ds datasource.DataSource, model any) {
	t.Helper()
	ctx := context.Background()
	var resp datasource.SchemaResponse
	ds.Schema(ctx, datasource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	state := tfsdk.State{Schema: resp.Schema, Raw: tftypes.NewValue(resp.Schema.Type().TerraformType(ctx), nil)}
	if diags := state.Set(ctx, model); diags.HasError() {
		t.Errorf("the model %T does not match the schema: %v", model, diags)
	}
}

func TestDataSourceModels(t *testing.T) {
	testCheckDataSourceModel(t, NewCurrentIdentityDataSource(), &currentIdentityModel{})
	testCheckDataSourceModel(t, NewOrganizationDataSource(), &organizationDataSourceModel{})
}
