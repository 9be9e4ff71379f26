package provider

// Convergence under faults: the provider applies a configuration of 200 mixed resources against
// an alien-local of the test's own that answers 20% of requests 503, 10% 429 (Retry-After) and
// drops 5% of answers after their write committed. The run must end with exactly the declared
// objects on the server (no duplicate, no orphan), an empty second plan and every secret in state
// working; the checks go through a fault-free alien-local on the same database.
//
// TestAccFaults_interruptedApply does the same for an apply interrupted with SIGINT (as Ctrl-C
// does) and run again: it builds the provider binary once and runs terraform with dev_overrides.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
	"github.com/alien-intelligence/terraform-provider-alien/internal/converge"
	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi"
)

// testAccFaults are the faults of the convergence tests, as issue 5 sets them.
var testAccFaults = localapi.FaultConfig{FailRate: converge.FailRate, RateLimitRate: converge.RateLimitRate, DropRate: converge.DropRate, Seed: 5}

// testAccFaultsConfig is the configuration of the blocks; providerArgs goes in the provider
// block (patient retries, and the endpoint when it is not in the environment).
func testAccFaultsConfig(providerArgs string, blocks []converge.Block) string {
	return fmt.Sprintf("provider \"alien\" {\n%s  max_retries    = 15\n  retry_wait_max = \"2s\"\n}\n\n", providerArgs) +
		converge.Resources(blocks)
}

// testAccFaultyAPI is an alien-local of one test with faults on, and a fault-free alien-local on
// the same database for the checks.
type testAccFaultyAPI struct {
	t      *testing.T
	faulty *localapi.Instance
	dbPath string

	mu      sync.Mutex
	checker *client.Client
}

// testAccStartFaultyAPI starts an alien-local with faults on a new database file; every request and
// answer is checked against the contract.
func testAccStartFaultyAPI(t *testing.T, faults localapi.FaultConfig) *testAccFaultyAPI {
	t.Helper()
	api := &testAccFaultyAPI{t: t, dbPath: filepath.Join(t.TempDir(), "alien.db")}
	inst, err := localapi.Start(context.Background(), "127.0.0.1:0", localapi.Config{
		DBPath:        api.dbPath,
		Faults:        faults,
		ContractCheck: func(err error) { t.Errorf("contract violation: %v", err) },
	})
	if err != nil {
		t.Fatalf("starting alien-local with faults: %v", err)
	}
	t.Cleanup(func() { _ = inst.Close() })
	api.faulty = inst
	// Started now, so that it outlives the test's own cleanups (they run last in, first out).
	if _, err := api.client(); err != nil {
		t.Fatal(err)
	}
	return api
}

// providerArgs points a provider block at the faulty alien-local.
func (a *testAccFaultyAPI) providerArgs() string {
	return fmt.Sprintf("  endpoint = %q\n  token    = %q\n", a.faulty.URL, a.faulty.Bootstrap.Token)
}

// client is an API client of the fault-free alien-local on the same database, with the
// organization's owner token.
func (a *testAccFaultyAPI) client() (*client.Client, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.checker != nil {
		return a.checker, nil
	}
	inst, err := localapi.Start(context.Background(), "127.0.0.1:0", localapi.Config{DBPath: a.dbPath})
	if err != nil {
		return nil, fmt.Errorf("starting the fault-free alien-local: %w", err)
	}
	a.t.Cleanup(func() { _ = inst.Close() })
	a.checker, err = client.New(client.Config{Endpoint: inst.URL, Token: a.faulty.Bootstrap.Token, Version: "acceptance-test"})
	return a.checker, err
}

// faultCounts reads how many faults the faulty alien-local injected.
func (a *testAccFaultyAPI) faultCounts() (map[string]int, error) {
	c, err := client.New(client.Config{Endpoint: a.faulty.URL, Version: "acceptance-test"})
	if err != nil {
		return nil, err
	}
	st, err := client.Local(c).Stats(context.Background())
	if err != nil {
		return nil, err
	}
	return st.Faults, nil
}

// testAccCheckConverged compares the server (through the fault-free alien-local) with the blocks
// and the state (converge.Check): every declared email or name has exactly one live object, held
// in state; every live object is declared and in state; every token in state authenticates as
// itself and every OAuth client secret gets an access token.
func testAccCheckConverged(api *testAccFaultyAPI, blocks []converge.Block, state converge.State) (*converge.Outcome, error) {
	c, err := api.client()
	if err != nil {
		return nil, err
	}
	return converge.Check(context.Background(), c, blocks, state)
}

// testAccStateByBlock groups the state's instances by resource name.
func testAccStateByBlock(s *terraform.State) converge.State {
	out := converge.State{}
	for addr, rs := range s.RootModule().Resources {
		name := strings.SplitN(strings.TrimPrefix(addr, rs.Type+"."), ".", 2)[0]
		attrs := map[string]string{}
		for k, v := range rs.Primary.Attributes {
			attrs[k] = v
		}
		attrs["id"] = rs.Primary.ID
		out[name] = append(out[name], converge.Instance{Address: addr, Attrs: attrs})
	}
	return out
}

// testAccCheckNothingLive fails when a block still has a live object (after destroy).
func testAccCheckNothingLive(api *testAccFaultyAPI, blocks []converge.Block) error {
	c, err := api.client()
	if err != nil {
		return err
	}
	live, err := converge.Live(context.Background(), c, blocks)
	if err != nil {
		return err
	}
	var left []string
	for _, b := range blocks {
		for _, o := range live[b.Name] {
			left = append(left, fmt.Sprintf("%s.%s %s (%s)", b.Type, b.Name, o.Key, o.ID))
		}
	}
	if len(left) > 0 {
		return fmt.Errorf("%d objects are still live after destroy: %s", len(left), strings.Join(left, ", "))
	}
	return nil
}

func TestAccFaults_convergence(t *testing.T) {
	testAccPreCheck(t)
	api := testAccStartFaultyAPI(t, testAccFaults)
	blocks := converge.Mix200()
	total := 0
	for _, b := range blocks {
		total += b.Count
	}
	if total != 200 {
		t.Fatalf("the mix declares %d resources, want 200", total)
	}
	config := testAccFaultsConfig(api.providerArgs(), blocks)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			return testAccCheckNothingLive(api, blocks)
		},
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					out, err := testAccCheckConverged(api, blocks, testAccStateByBlock(s))
					if err != nil {
						return err
					}
					if problems := out.Problems; len(problems) > 0 {
						return fmt.Errorf("%d problems after the apply under faults:\n  %s", len(problems), strings.Join(problems, "\n  "))
					}
					faults, err := api.faultCounts()
					if err != nil {
						return err
					}
					if faults["unavailable"] == 0 || faults["rate_limited"] == 0 || faults["dropped"] == 0 {
						return fmt.Errorf("faults injected = %v: every kind must have happened for the test to prove anything", faults)
					}
					t.Logf("faults injected during the apply: %v", faults)
					return nil
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// A second plan, still under faults, is empty.
				Config:   config,
				PlanOnly: true,
			},
		},
	})
}

// TestAccFaults_interruptedApply interrupts an apply under faults with SIGINT, as Ctrl-C does,
// and runs it again: the second run must converge exactly as an uninterrupted one. It runs the
// provider as Terraform does in production (a plugin process, built once, through dev_overrides),
// because the in-process test harness cannot be interrupted.
func TestAccFaults_interruptedApply(t *testing.T) {
	testAccPreCheck(t)
	t.Parallel()
	tfPath := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tfPath == "" {
		var err error
		if tfPath, err = exec.LookPath("terraform"); err != nil {
			t.Skip("TF_ACC_TERRAFORM_PATH is not set and terraform is not on PATH")
		}
	}
	api := testAccStartFaultyAPI(t, testAccFaults)
	blocks := []converge.Block{
		{Type: "alien_service_account", Name: "sa", Count: 10, Prefix: "cv-sa-"},
		{Type: "alien_api_token", Name: "sa_token", Count: 20, Prefix: "cv-sa-token-"},
		{Type: "alien_api_token", Name: "org_key", Count: 15, Prefix: "cv-org-key-"},
		{Type: "alien_member", Name: "member", Count: 15, Prefix: "cv-member-"},
		{Type: "alien_oauth_client", Name: "oauth", Count: 20, Prefix: "cv-oauth-"},
	}
	total := 0
	for _, b := range blocks {
		total += b.Count
	}

	dir := t.TempDir()
	pluginDir := filepath.Join(dir, "plugins")
	build := exec.Command("go", "build", "-o", filepath.Join(pluginDir, "terraform-provider-alien"), "../..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	rc := filepath.Join(dir, "terraform.rc")
	if err := os.WriteFile(rc, fmt.Appendf(nil, "disable_checkpoint = true\nprovider_installation {\n  dev_overrides {\n    \"alien-intelligence/alien\" = %q\n  }\n  filesystem_mirror {\n    path    = %q\n    include = [\"*/*/*\"]\n  }\n}\n", pluginDir, filepath.Join(dir, "none")), 0o600); err != nil {
		t.Fatal(err)
	}
	work := filepath.Join(dir, "config")
	if err := os.MkdirAll(work, 0o700); err != nil {
		t.Fatal(err)
	}
	config := "terraform {\n  required_providers {\n    alien = {\n      source = \"alien-intelligence/alien\"\n    }\n  }\n}\n\n" +
		testAccFaultsConfig(api.providerArgs(), blocks)
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); !strings.HasPrefix(k, "TF_") && !strings.HasPrefix(k, "ALIEN_") {
			env = append(env, kv)
		}
	}
	env = append(env, "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	terraformCmd := func(args ...string) *exec.Cmd {
		switch args[0] {
		case "apply", "plan", "destroy":
			args = append(args, "-input=false", "-no-color")
		}
		cmd := exec.Command(tfPath, args...) //nolint:gosec // the terraform the acceptance tests run (TF_ACC_TERRAFORM_PATH)
		cmd.Dir, cmd.Env = work, env
		return cmd
	}
	run := func(okExits []int, args ...string) (int, string) {
		t.Helper()
		out, err := terraformCmd(args...).CombinedOutput()
		var exit *exec.ExitError
		switch {
		case err == nil:
			return 0, string(out)
		case errors.As(err, &exit):
			for _, ok := range okExits {
				if exit.ExitCode() == ok {
					return ok, string(out)
				}
			}
			t.Fatalf("terraform %s exited %d:\n%s", args[0], exit.ExitCode(), out)
		default:
			t.Fatalf("terraform %s: %v", args[0], err)
		}
		return 0, ""
	}
	t.Cleanup(func() {
		if _, err := os.Stat(filepath.Join(work, "terraform.tfstate")); err != nil {
			return
		}
		if out, err := terraformCmd("destroy", "-auto-approve").CombinedOutput(); err != nil {
			t.Errorf("terraform destroy: %v\n%s", err, out)
			return
		}
		if err := testAccCheckNothingLive(api, blocks); err != nil {
			t.Error(err)
		}
	})

	// The apply, interrupted once a third of the creations have been answered.
	statsClient, err := client.New(client.Config{Endpoint: api.faulty.URL, Version: "acceptance-test"})
	if err != nil {
		t.Fatal(err)
	}
	apply := terraformCmd("apply", "-auto-approve")
	var applyOut strings.Builder
	apply.Stdout, apply.Stderr = &applyOut, &applyOut
	if err := apply.Start(); err != nil {
		t.Fatal(err)
	}
	var applyErr error
	exited := make(chan struct{}) // closed when the apply has exited and its output is complete
	go func() {
		applyErr = apply.Wait()
		close(exited)
	}()
	// A test that fails while the apply runs leaves no terraform behind (this runs before the
	// destroy registered above: cleanups run last in, first out).
	t.Cleanup(func() {
		select {
		case <-exited:
		default:
			_ = apply.Process.Kill()
			<-exited
		}
	})
	interrupted := false
	deadline := time.After(3 * time.Minute)
	for !interrupted {
		select {
		case <-exited:
			t.Fatalf("the apply ended before it could be interrupted (%v): make the configuration larger\n%s", applyErr, applyOut.String())
		case <-deadline:
			_ = apply.Process.Kill()
			<-exited
			t.Fatalf("the apply made no progress in 3 minutes:\n%s", applyOut.String())
		case <-time.After(20 * time.Millisecond):
		}
		st, err := client.Local(statsClient).Stats(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if converge.Creations(st.Requests) >= total/3 {
			if err := apply.Process.Signal(os.Interrupt); err != nil {
				t.Fatal(err)
			}
			interrupted = true
		}
	}
	<-exited
	err = applyErr
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() == 0 {
		t.Fatalf("the interrupted apply answered %v, want a failure:\n%s", err, applyOut.String())
	}
	if !strings.Contains(applyOut.String(), "Interrupt received") {
		t.Fatalf("terraform did not report the interrupt:\n%s", applyOut.String())
	}
	_, showOut := run(nil, "show", "-json", "-no-color")
	state, err := converge.ParseShowJSON([]byte(showOut))
	if err != nil {
		t.Fatal(err)
	}
	inState := 0
	for _, insts := range state {
		inState += len(insts)
	}
	if inState == 0 || inState == total {
		t.Fatalf("the interrupted apply left %d of %d resources in state: the interrupt came too early or too late", inState, total)
	}
	t.Logf("the interrupted apply left %d of %d resources in state", inState, total)
	// What the interrupted run created is all in state: a create in flight when Terraform
	// cancelled it was finished, not abandoned on the server.
	out, err := testAccCheckConverged(api, blocks, state)
	if err != nil {
		t.Fatal(err)
	}
	if orphans := out.Orphans; len(orphans) > 0 {
		t.Errorf("the interrupted apply left %d objects on the server that its state does not hold:\n  %s", len(orphans), strings.Join(orphans, "\n  "))
	}

	// Run again: it converges.
	run(nil, "apply", "-auto-approve")
	if code, out := run([]int{2}, "plan", "-detailed-exitcode"); code != 0 {
		t.Fatalf("the plan after the second apply is not empty:\n%s", out)
	}
	_, showOut = run(nil, "show", "-json", "-no-color")
	if state, err = converge.ParseShowJSON([]byte(showOut)); err != nil {
		t.Fatal(err)
	}
	if out, err = testAccCheckConverged(api, blocks, state); err != nil {
		t.Fatal(err)
	}
	if problems := out.Problems; len(problems) > 0 {
		t.Fatalf("%d problems after an interrupted apply and a second one:\n  %s", len(problems), strings.Join(problems, "\n  "))
	}
}
