package provider

// The harness of the actions' tests.
//
// testAccActionProvider serves the provider in-process and invokes an action the way Terraform
// does, through the provider server's RPCs (ValidateActionConfig, PlanAction, then InvokeAction,
// whose stream carries the progress messages and the diagnostics). It needs no CLI, so these
// tests run on every CLI the project is tested on.
//
// testAccNewCLIWorkspace runs the CLI under test itself, with the provider built from this tree
// through dev_overrides, for what plugin-testing cannot drive: `terraform apply -invoke`.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/actionvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	actionschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// testActionProvider is the provider served in-process, as Terraform speaks to it.
type testActionProvider struct {
	t        *testing.T
	provider tfprotov6.ProviderServer
	server   tfprotov6.ActionServer
	schemas  map[string]*tfprotov6.ActionSchema
}

// newTestActionProvider serves the provider in-process, not configured: enough to validate
// actions' configurations (terraform validate does not configure providers), not to invoke them.
func newTestActionProvider(t *testing.T) *testActionProvider {
	t.Helper()
	server, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	testFailOnDiagnostics(t, "GetProviderSchema", schemas.Diagnostics)
	// Terraform speaks to actions through tfprotov6.ActionServer, which terraform-plugin-go keeps
	// apart from ProviderServer for now.
	actions, ok := server.(tfprotov6.ActionServer)
	if !ok {
		t.Fatalf("the provider server (%T) serves no actions", server)
	}
	return &testActionProvider{t: t, provider: server, server: actions, schemas: schemas.ActionSchemas}
}

// testAccActionProvider serves the provider in-process and configures it with a provider block
// holding values (nil: an empty block, so the endpoint and credential come from the acceptance
// tests' environment).
func testAccActionProvider(t *testing.T, values map[string]tftypes.Value) *testActionProvider {
	t.Helper()
	testAccPreCheck(t)
	p := newTestActionProvider(t)
	config := providerConfig(t, values)
	dv, err := tfprotov6.NewDynamicValue(config.Raw.Type(), config.Raw)
	if err != nil {
		t.Fatal(err)
	}
	configured, err := p.provider.ConfigureProvider(context.Background(),
		&tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.14.0", Config: &dv})
	if err != nil {
		t.Fatal(err)
	}
	testFailOnDiagnostics(t, "ConfigureProvider", configured.Diagnostics)
	return p
}

// testFailOnDiagnostics fails the test when an RPC answered an error.
func testFailOnDiagnostics(t *testing.T, rpc string, diags []*tfprotov6.Diagnostic) {
	t.Helper()
	if err := diagsError(diags); err != nil {
		t.Fatalf("%s: %v", rpc, err)
	}
}

// diagsError joins the error diagnostics (nil when there is none): testFailOnDiagnostics for
// goroutines other than the test's, which may not call t.Fatal.
func diagsError(diags []*tfprotov6.Diagnostic) error {
	var errs []error
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			errs = append(errs, fmt.Errorf("%s: %s", d.Summary, d.Detail))
		}
	}
	return errors.Join(errs...)
}

// testActionRun is what Terraform would show of one run of an action: its progress messages and
// its diagnostics.
type testActionRun struct {
	Progress    []string
	Diagnostics []*tfprotov6.Diagnostic
}

// errors are the run's error diagnostics.
func (r testActionRun) errors() []*tfprotov6.Diagnostic {
	return r.bySeverity(tfprotov6.DiagnosticSeverityError)
}

// warnings are the run's warning diagnostics.
func (r testActionRun) warnings() []*tfprotov6.Diagnostic {
	return r.bySeverity(tfprotov6.DiagnosticSeverityWarning)
}

func (r testActionRun) bySeverity(s tfprotov6.DiagnosticSeverity) []*tfprotov6.Diagnostic {
	var out []*tfprotov6.Diagnostic
	for _, d := range r.Diagnostics {
		if d.Severity == s {
			out = append(out, d)
		}
	}
	return out
}

// String prints the run for a failure message.
func (r testActionRun) String() string {
	var b strings.Builder
	for _, p := range r.Progress {
		fmt.Fprintf(&b, "progress: %s\n", p)
	}
	for _, d := range r.Diagnostics {
		fmt.Fprintf(&b, "%s at %v: %s: %s\n", d.Severity, d.Attribute, d.Summary, d.Detail)
	}
	return b.String()
}

// config is the action's configuration holding values, its other attributes null.
func (p *testActionProvider) config(actionType string, values map[string]string) *tfprotov6.DynamicValue {
	p.t.Helper()
	s, ok := p.schemas[actionType]
	if !ok {
		p.t.Fatalf("action %s is not registered", actionType)
	}
	objectType, ok := s.Schema.ValueType().(tftypes.Object)
	if !ok {
		p.t.Fatalf("action %s: the schema is not an object", actionType)
	}
	attrs := map[string]tftypes.Value{}
	for name, typ := range objectType.AttributeTypes {
		attrs[name] = tftypes.NewValue(typ, nil)
	}
	for name, v := range values {
		if _, ok := objectType.AttributeTypes[name]; !ok {
			p.t.Fatalf("action %s has no attribute %q", actionType, name)
		}
		attrs[name] = tftypes.NewValue(tftypes.String, v)
	}
	dv, err := tfprotov6.NewDynamicValue(objectType, tftypes.NewValue(objectType, attrs))
	if err != nil {
		p.t.Fatal(err)
	}
	return &dv
}

// validate runs the checks of terraform validate and terraform plan (ValidateActionConfig, then
// PlanAction when it passed) and answers their diagnostics.
func (p *testActionProvider) validate(actionType string, values map[string]string) []*tfprotov6.Diagnostic {
	p.t.Helper()
	ctx := context.Background()
	config := p.config(actionType, values)
	validated, err := p.server.ValidateActionConfig(ctx, &tfprotov6.ValidateActionConfigRequest{ActionType: actionType, Config: config})
	if err != nil {
		p.t.Fatal(err)
	}
	diags := validated.Diagnostics
	if (testActionRun{Diagnostics: diags}).errors() != nil {
		return diags
	}
	planned, err := p.server.PlanAction(ctx, &tfprotov6.PlanActionRequest{ActionType: actionType, Config: config})
	if err != nil {
		p.t.Fatal(err)
	}
	return append(diags, planned.Diagnostics...)
}

// plan runs PlanAction alone and answers its diagnostics: the checks the plan makes with the
// values of variables, which terraform validate did not know.
func (p *testActionProvider) plan(actionType string, values map[string]string) []*tfprotov6.Diagnostic {
	p.t.Helper()
	planned, err := p.server.PlanAction(context.Background(), &tfprotov6.PlanActionRequest{
		ActionType: actionType, Config: p.config(actionType, values),
	})
	if err != nil {
		p.t.Fatal(err)
	}
	return planned.Diagnostics
}

// invoke runs the action as terraform apply -invoke does: validate and plan, then, when they
// passed, invoke; it reads the whole event stream.
func (p *testActionProvider) invoke(actionType string, values map[string]string) testActionRun {
	p.t.Helper()
	run := testActionRun{Diagnostics: p.validate(actionType, values)}
	if run.errors() != nil {
		return run
	}
	stream, err := p.server.InvokeAction(context.Background(), &tfprotov6.InvokeActionRequest{
		ActionType: actionType, Config: p.config(actionType, values),
	})
	if err != nil {
		p.t.Fatal(err)
	}
	completed := 0
	for event := range stream.Events {
		switch e := event.Type.(type) {
		case tfprotov6.ProgressInvokeActionEventType:
			run.Progress = append(run.Progress, e.Message)
		case tfprotov6.CompletedInvokeActionEventType:
			completed++
			run.Diagnostics = append(run.Diagnostics, e.Diagnostics...)
		default:
			p.t.Fatalf("unexpected event %T", e)
		}
	}
	if completed != 1 {
		p.t.Fatalf("the invocation sent %d completed events, want 1", completed)
	}
	return run
}

// testExpectActionOK fails the test unless the run ended without an error.
func testExpectActionOK(t *testing.T, run testActionRun) {
	t.Helper()
	if errs := run.errors(); errs != nil {
		t.Fatalf("the action failed:\n%s", run)
	}
}

// testExpectActionError checks that the diagnostics hold exactly one error, at the attribute
// named attr ("" for none), whose summary and detail match re.
func testExpectActionError(t *testing.T, diags []*tfprotov6.Diagnostic, attr, re string) {
	t.Helper()
	run := testActionRun{Diagnostics: diags}
	errs := run.errors()
	if len(errs) != 1 {
		t.Fatalf("want one error, got %d:\n%s", len(errs), run)
	}
	got := ""
	if errs[0].Attribute != nil {
		got = errs[0].Attribute.String()
	}
	if want := testAttributePath(attr); got != want {
		t.Errorf("error at %q, want %q:\n%s", got, want, run)
	}
	if text := errs[0].Summary + ": " + errs[0].Detail; !regexp.MustCompile(re).MatchString(text) {
		t.Errorf("error %q does not match %q", text, re)
	}
}

// testAttributePath is how a tftypes.AttributePath prints a top-level attribute ("" for none).
func testAttributePath(attr string) string {
	if attr == "" {
		return ""
	}
	return tftypes.NewAttributePath().WithAttributeName(attr).String()
}

// testExpectProgress checks that the run's progress messages, in order, match the regular
// expressions, and that none holds a secret: none of secrets, and nothing shaped like a
// credential.
func testExpectProgress(t *testing.T, run testActionRun, secrets []string, want ...string) {
	t.Helper()
	if len(run.Progress) != len(want) {
		t.Fatalf("%d progress messages, want %d:\n%s", len(run.Progress), len(want), run)
	}
	for i, re := range want {
		if !regexp.MustCompile(re).MatchString(run.Progress[i]) {
			t.Errorf("progress message %d %q does not match %q", i+1, run.Progress[i], re)
		}
	}
	testExpectNoSecret(t, run, secrets)
}

// testExpectNoSecret checks that nothing the run shows (progress, diagnostics) holds one of
// secrets or anything shaped like a credential. Failures never print the secret.
func testExpectNoSecret(t *testing.T, run testActionRun, secrets []string) {
	t.Helper()
	shown := run.Progress
	for _, d := range run.Diagnostics {
		shown = append(shown, d.Summary, d.Detail)
	}
	for i, secret := range secrets {
		if secret == "" {
			t.Fatalf("secret #%d is empty: the check would prove nothing", i+1)
		}
		for _, text := range shown {
			if strings.Contains(text, secret) {
				t.Errorf("secret #%d is shown: %s", i+1, strings.ReplaceAll(text, secret, "<SECRET>"))
			}
		}
	}
	for _, text := range shown {
		if credentialShape.MatchString(text) {
			t.Errorf("a credential-shaped value is shown: %s", credentialShape.ReplaceAllString(text, "<CREDENTIAL>"))
		}
	}
}

// testAccCLIHasActions tells whether a CLI runs actions: action blocks, action_trigger and
// terraform apply -invoke (Terraform 1.14 and later; OpenTofu has none).
func testAccCLIHasActions(c testAccCLIInfo) bool { return c.IsTerraformAtLeast("1.14.0") }

// testAccRequireActions skips the test unless the CLI under test runs actions.
func testAccRequireActions(t *testing.T) {
	t.Helper()
	testAccRequireCLI(t, "actions (action blocks, action_trigger, terraform apply -invoke)", testAccCLIHasActions)
}

// testAccDevOverridesEnv builds the provider from this tree and answers the environment of a CLI
// command that uses it through dev_overrides (for source "alien-intelligence/alien"): nothing is
// installed, and `init` is not needed. The environment is the tests' own (ALIEN_ENDPOINT,
// ALIEN_TOKEN) plus the CLI configuration; nothing process-wide changes, so tests that use it
// may run in parallel.
func testAccDevOverridesEnv(t *testing.T) []string {
	t.Helper()
	pluginDir := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(pluginDir, "terraform-provider-alien"),
		"github.com/alien-intelligence/terraform-provider-alien")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	cliConfig := filepath.Join(t.TempDir(), "terraform.rc")
	rc := fmt.Sprintf("disable_checkpoint = true\nprovider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n",
		"alien-intelligence/alien", pluginDir)
	if err := os.WriteFile(cliConfig, []byte(rc), 0o600); err != nil {
		t.Fatal(err)
	}
	return append(os.Environ(), "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
}

// testAccCLIWorkspace is a working directory where a test runs the CLI under test itself.
type testAccCLIWorkspace struct {
	t   *testing.T
	cli testAccCLIInfo
	dir string
	env []string
}

// testAccNewCLIWorkspace writes config (main.tf, which needs no required_providers block) into a
// new working directory that runs the CLI under test with the provider built from this tree.
func testAccNewCLIWorkspace(t *testing.T, config string) *testAccCLIWorkspace {
	t.Helper()
	w := testAccEmptyCLIWorkspace(t)
	w.write("versions.tf", []byte("terraform {\n  required_providers {\n    alien = {\n      source = \"alien-intelligence/alien\"\n    }\n  }\n}\n"))
	w.write("main.tf", []byte(config))
	return w
}

// testAccEmptyCLIWorkspace is a new working directory, with no configuration yet, that runs the
// CLI under test with the provider built from this tree.
func testAccEmptyCLIWorkspace(t *testing.T) *testAccCLIWorkspace {
	t.Helper()
	return &testAccCLIWorkspace{t: t, cli: testAccCLI(t), dir: t.TempDir(), env: testAccDevOverridesEnv(t)}
}

// authenticate makes the CLI call the API as org's owner (its bootstrap token), or, when org is
// nil, with no credential at all (for commands that call no API).
func (w *testAccCLIWorkspace) authenticate(org *testAccOrganization) {
	env := w.env[:0:0]
	for _, kv := range w.env {
		if k, _, _ := strings.Cut(kv, "="); !strings.HasPrefix(k, "ALIEN_") {
			env = append(env, kv)
		}
	}
	if org != nil {
		env = append(env, envEndpoint+"="+os.Getenv(envEndpoint), envToken+"="+org.Token)
	}
	w.env = env
}

// write writes a file of the configuration.
func (w *testAccCLIWorkspace) write(name string, content []byte) {
	w.t.Helper()
	if err := os.WriteFile(filepath.Join(w.dir, name), content, 0o600); err != nil { //nolint:gosec // the test's own directory and files
		w.t.Fatal(err)
	}
}

// run runs the CLI with args (and -no-color), for at most 10 minutes, and answers its combined
// output and exit code.
func (w *testAccCLIWorkspace) run(args ...string) (string, int) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, w.cli.Path, append(args, "-no-color")...)
	cmd.Dir, cmd.Env = w.dir, w.env
	out, err := cmd.CombinedOutput()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &exitErr):
		return string(out), exitErr.ExitCode()
	}
	w.t.Fatalf("running %s %s: %v\n%s", w.cli.Path, strings.Join(args, " "), err, out)
	return "", -1
}

// mustRun runs the CLI with args and fails the test unless it exits 0.
func (w *testAccCLIWorkspace) mustRun(args ...string) string {
	w.t.Helper()
	out, code := w.run(args...)
	if code != 0 {
		w.t.Fatalf("%s %s exited %d:\n%s", w.cli, strings.Join(args, " "), code, out)
	}
	return out
}

// TestValidateActionPlan checks the plan-time checks on a schema of its own: a null required
// attribute, validators of each attribute (in the order of their names) and the config
// validators; an attribute type it cannot check is reported, not skipped.
func TestValidateActionPlan(t *testing.T) {
	ctx := context.Background()
	s := actionschema.Schema{Attributes: map[string]actionschema.Attribute{
		"b_id":    actionschema.StringAttribute{Required: true, Validators: []validator.String{apiIDValidator("tok_", "API token", "an id")}},
		"a_id":    actionschema.StringAttribute{Optional: true, Validators: []validator.String{apiIDValidator("mu_", "managed user", "an id")}},
		"c_email": actionschema.StringAttribute{Optional: true, Validators: emailValidators()},
	}}
	config := func(values map[string]tftypes.Value) tfsdk.Config {
		typ, ok := s.Type().TerraformType(ctx).(tftypes.Object)
		if !ok {
			t.Fatalf("the schema is not an object")
		}
		attrs := map[string]tftypes.Value{}
		for name, at := range typ.AttributeTypes {
			attrs[name] = tftypes.NewValue(at, nil)
			if v, ok := values[name]; ok {
				attrs[name] = v
			}
		}
		return tfsdk.Config{Schema: s, Raw: tftypes.NewValue(typ, attrs)}
	}
	summaries := func(diags diag.Diagnostics) []string {
		var out []string
		for _, d := range diags {
			out = append(out, d.Summary())
		}
		return out
	}
	exactlyOne := []action.ConfigValidator{actionvalidator.ExactlyOneOf(path.MatchRoot("a_id"), path.MatchRoot("c_email"))}

	var diags diag.Diagnostics
	validateActionPlan(ctx, action.ModifyPlanRequest{Config: config(map[string]tftypes.Value{
		"a_id": str("sa_x"), "b_id": str("tok_x"), "c_email": str("not an email"),
	})}, s, exactlyOne, &diags)
	if got, want := summaries(diags), []string{"Invalid managed user id", "Invalid email address", "Invalid Attribute Combination"}; !slices.Equal(got, want) {
		t.Errorf("diagnostics %q, want %q", got, want)
	}

	diags = nil
	validateActionPlan(ctx, action.ModifyPlanRequest{Config: config(map[string]tftypes.Value{
		"b_id": tftypes.NewValue(tftypes.String, tftypes.UnknownValue), "a_id": str("mu_x"),
	})}, s, exactlyOne, &diags)
	if diags.HasError() {
		t.Errorf("an unknown value and a good one: %v", diags)
	}

	diags = nil
	validateActionPlan(ctx, action.ModifyPlanRequest{Config: config(nil)}, s, nil, &diags)
	if got := summaries(diags); !slices.Equal(got, []string{"Missing required argument"}) {
		t.Errorf("a null required attribute: %q", got)
	}

	withBool := actionschema.Schema{Attributes: map[string]actionschema.Attribute{"flag": actionschema.BoolAttribute{Optional: true}}}
	typ, _ := withBool.Type().TerraformType(ctx).(tftypes.Object)
	diags = nil
	validateActionPlan(ctx, action.ModifyPlanRequest{Config: tfsdk.Config{Schema: withBool,
		Raw: tftypes.NewValue(typ, map[string]tftypes.Value{"flag": tftypes.NewValue(tftypes.Bool, true)})}}, withBool, nil, &diags)
	if got := summaries(diags); !slices.Equal(got, []string{"Unsupported attribute type"}) {
		t.Errorf("a bool attribute: %q", got)
	}
}
