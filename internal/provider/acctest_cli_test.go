package provider

// Which CLI the acceptance tests drive: Terraform or OpenTofu, and its version. plugin-testing
// runs the binary named by TF_ACC_TERRAFORM_PATH (the Makefile sets it from TERRAFORM=...), else
// the terraform on PATH. Tests of features that only some CLIs have skip, saying why, through
// testAccRequireCLI.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-version"
)

// testAccCLIInfo is the CLI under test.
type testAccCLIInfo struct {
	Path    string
	Name    string // "terraform" or "tofu"
	Version *version.Version
}

func (c testAccCLIInfo) String() string {
	if c.Name == "tofu" {
		return "OpenTofu " + c.Version.String()
	}
	return "Terraform " + c.Version.String()
}

// IsTerraformAtLeast reports whether the CLI is Terraform (not OpenTofu) at floor or later.
func (c testAccCLIInfo) IsTerraformAtLeast(floor string) bool {
	return c.Name == "terraform" && !c.Version.LessThan(version.Must(version.NewVersion(floor)))
}

// IsTofuAtLeast reports whether the CLI is OpenTofu at floor or later.
func (c testAccCLIInfo) IsTofuAtLeast(floor string) bool {
	return c.Name == "tofu" && !c.Version.LessThan(version.Must(version.NewVersion(floor)))
}

var (
	testAccCLIOnce sync.Once
	testAccCLIVal  testAccCLIInfo
	testAccCLIErr  error
)

// testAccCLI is the CLI the acceptance tests run, read once with `<cli> version -json`.
func testAccCLI(t *testing.T) testAccCLIInfo {
	t.Helper()
	testAccCLIOnce.Do(func() { testAccCLIVal, testAccCLIErr = readTestAccCLI() })
	if testAccCLIErr != nil {
		t.Fatalf("finding the CLI under test: %v", testAccCLIErr)
	}
	return testAccCLIVal
}

func readTestAccCLI() (testAccCLIInfo, error) {
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if bin == "" {
		p, err := exec.LookPath("terraform")
		if err != nil {
			return testAccCLIInfo{}, fmt.Errorf("TF_ACC_TERRAFORM_PATH is not set and terraform is not on PATH")
		}
		bin = p
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "version", "-json") //nolint:gosec // the CLI the acceptance tests run (TF_ACC_TERRAFORM_PATH)
	cmd.Stdout = &out
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
	if err := cmd.Run(); err != nil {
		return testAccCLIInfo{}, fmt.Errorf("%s version -json: %w", bin, err)
	}
	// Both CLIs answer {"terraform_version": "..."}; OpenTofu names itself in its text output.
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out.Bytes(), &v); err != nil {
		return testAccCLIInfo{}, fmt.Errorf("%s version -json did not answer JSON (%w); OpenTofu prints warnings "+
			"first when TF_CLI_CONFIG_FILE names a file that does not exist (make testacc writes one)", bin, err)
	}
	ver, err := version.NewVersion(v.Version)
	if err != nil {
		return testAccCLIInfo{}, fmt.Errorf("%s version -json: %w", bin, err)
	}
	name := "terraform"
	if testAccIsTofu(ctx, bin) {
		name = "tofu"
	}
	return testAccCLIInfo{Path: bin, Name: name, Version: ver}, nil
}

// testAccIsTofu tells OpenTofu from Terraform by the line of `version` that names the CLI
// (OpenTofu may print a warning before it, e.g. about a missing TF_CLI_CONFIG_FILE).
func testAccIsTofu(ctx context.Context, bin string) bool {
	out, err := exec.CommandContext(ctx, bin, "version").Output() //nolint:gosec // the CLI the acceptance tests run
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "OpenTofu v") {
			return true
		}
	}
	return false
}

// testAccRequireCLI skips the test unless the CLI under test has what it needs; need says what
// (such as "list resources (terraform query)"), ok says whether this CLI has it.
func testAccRequireCLI(t *testing.T, need string, ok func(testAccCLIInfo) bool) {
	t.Helper()
	cli := testAccCLI(t)
	if !ok(cli) {
		t.Skipf("%s: not supported by %s", need, cli)
	}
}

// testAccCLIHasRemovedBlocks: `removed` blocks (forget a resource without destroying it) came
// with Terraform 1.7 and OpenTofu 1.7.
func testAccCLIHasRemovedBlocks(c testAccCLIInfo) bool {
	return c.IsTerraformAtLeast("1.7.0") || c.IsTofuAtLeast("1.7.0")
}

// testAccCLIHasEphemeral: ephemeral resources came with Terraform 1.10 and OpenTofu 1.11.
func testAccCLIHasEphemeral(c testAccCLIInfo) bool {
	return c.IsTerraformAtLeast("1.10.0") || c.IsTofuAtLeast("1.11.0")
}

// testAccCLIHasForEachImport: import blocks with for_each came with Terraform 1.7 and OpenTofu 1.7.
func testAccCLIHasForEachImport(c testAccCLIInfo) bool {
	return c.IsTerraformAtLeast("1.7.0") || c.IsTofuAtLeast("1.7.0")
}

// testAccCLIHasIdentity: resource identity (import blocks with `identity`) came with Terraform
// 1.12; OpenTofu 1.12.6, the oldest OpenTofu tested, has it.
func testAccCLIHasIdentity(c testAccCLIInfo) bool {
	return c.IsTerraformAtLeast("1.12.0") || c.IsTofuAtLeast("1.12.0")
}

// testAccCLIHasQuery: list resources (`terraform query`, `-generate-config-out`) came with
// Terraform 1.14; OpenTofu has no query command.
func testAccCLIHasQuery(c testAccCLIInfo) bool {
	return c.IsTerraformAtLeast("1.14.0")
}

func TestAccCLI_detected(t *testing.T) {
	testAccPreCheck(t)
	cli := testAccCLI(t)
	if cli.Name != "terraform" && cli.Name != "tofu" {
		t.Fatalf("CLI name %q, want terraform or tofu", cli.Name)
	}
	if cli.Version.LessThan(version.Must(version.NewVersion("1.0.0"))) {
		t.Fatalf("CLI version %s: too old to be real", cli.Version)
	}
	t.Logf("acceptance tests run %s (%s)", cli, cli.Path)
}

func TestAccCLI_requireSkips(t *testing.T) {
	testAccPreCheck(t)
	cli := testAccCLI(t)
	var asked testAccCLIInfo
	ran := t.Run("lacking", func(t *testing.T) {
		testAccRequireCLI(t, "a feature no CLI has", func(c testAccCLIInfo) bool { asked = c; return false })
		t.Error("testAccRequireCLI did not skip")
	})
	if !ran || asked.Path != cli.Path {
		t.Fatalf("the subtest ran=%v with CLI %q, want a skip judged on %q", ran, asked.Path, cli.Path)
	}
	t.Run("having", func(t *testing.T) {
		testAccRequireCLI(t, "any CLI", func(testAccCLIInfo) bool { return true })
	})
}
