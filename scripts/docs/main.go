// Command docs generates the provider's documentation, docs/, and checks that it is up to date:
//
//	go run ./scripts/docs generate -terraform PATH   # make docs
//	go run ./scripts/docs check -terraform PATH      # make docs-check
//
// tfplugindocs renders docs/ from the provider's schema as `terraform providers schema -json`
// exports it, and only Terraform 1.14 and later exports all of it: actions and list resources
// came with 1.14, resource identities with 1.12. An older CLI would render a docs/ without those
// pages. So:
//
//   - generate needs Terraform 1.14 or later. It exports the schema, refuses an export that lacks
//     anything the provider serves, writes the export to scripts/docs/providers-schema.json (the
//     snapshot) with the SHA-256 of the provider's own schema (as the provider serves it over the
//     plugin protocol, read in-process), and renders docs/ from the snapshot.
//   - check works with any CLI, Terraform or OpenTofu. It fails unless the snapshot's SHA-256 is
//     the provider's (no schema changed since make docs ran) and each section that this CLI exports
//     is the snapshot's; the sections it cannot export (an older CLI) are the snapshot's, and it
//     says so. It then renders the docs from the snapshot into bin/docs-check and compares them
//     with docs/: the paths tfplugindocs manages (index.md, resources/, ..., actions/,
//     list-resources/) must be identical; other files in docs/ (images) are left alone, but any
//     file the rendering writes must be there, the same.
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/alien-intelligence/terraform-provider-alien/internal/provider"
)

// providerAddress is the address the schema is exported under, as tfplugindocs looks it up.
const providerAddress = "registry.terraform.io/hashicorp/alien"

// minimumTerraform is the first Terraform that exports every section of the provider's schema.
const minimumTerraform = "1.14.0"

// managedPaths are the paths of a docs directory that tfplugindocs v0.25 owns: it deletes and
// rewrites them on every generate (managedWebsiteSubDirectories and managedWebsiteFiles in its
// internal/provider/generate.go).
var managedPaths = []string{"index.md", "data-sources", "guides", "resources", "functions",
	"ephemeral-resources", "actions", "list-resources", "state-stores"}

type options struct {
	terraform   string
	providerDir string
	snapshot    string
	docsDir     string
	checkDir    string
}

func main() {
	if len(os.Args) < 2 || (os.Args[1] != "generate" && os.Args[1] != "check") {
		fmt.Fprintln(os.Stderr, "usage: go run ./scripts/docs generate|check -terraform PATH")
		os.Exit(2)
	}
	o := options{}
	flags := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	flags.StringVar(&o.terraform, "terraform", "", "the terraform (or tofu) CLI that exports the provider's schema")
	flags.StringVar(&o.providerDir, "provider-dir", ".", "the provider's source tree")
	flags.StringVar(&o.snapshot, "snapshot", "scripts/docs/providers-schema.json", "the schema snapshot, relative to -provider-dir")
	flags.StringVar(&o.docsDir, "docs-dir", "docs", "the docs directory, relative to -provider-dir")
	flags.StringVar(&o.checkDir, "check-dir", "bin/docs-check", "where check renders the docs, relative to -provider-dir")
	_ = flags.Parse(os.Args[2:])
	if o.terraform == "" {
		fmt.Fprintln(os.Stderr, "docs: -terraform is required: the path of a terraform (or tofu) CLI")
		os.Exit(2)
	}

	ctx := context.Background()
	var err error
	if os.Args[1] == "generate" {
		err = generate(ctx, o)
	} else {
		err = check(ctx, o)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "docs %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}

// generate exports the schema with a CLI that exports all of it, writes the snapshot and renders
// docs/ from it.
func generate(ctx context.Context, o options) error {
	proto, err := readProtocolSchema(ctx)
	if err != nil {
		return err
	}
	cli, err := identifyCLI(ctx, o.terraform)
	if err != nil {
		return err
	}
	if !cli.isTerraformAtLeast(minimumTerraform) {
		return fmt.Errorf("docs need Terraform %s or later, which exports the schemas of actions and list resources "+
			"(their pages are part of docs/); %s is %s. Point TERRAFORM_LATEST at a Terraform %s or later "+
			"(make docs TERRAFORM_LATEST=/path/to/terraform), or put one at bin/cli/terraform",
			minimumTerraform, o.terraform, cli, minimumTerraform)
	}
	exported, err := exportSchema(ctx, o.providerDir, cli)
	if err != nil {
		return err
	}
	if missing := missingNames(proto.names, exported.Sections); len(missing) > 0 {
		return fmt.Errorf("%s exported an incomplete schema; it lacks %s. A newer Terraform is needed",
			cli, strings.Join(missing, ", "))
	}
	snap := snapshot{
		GeneratedBy:            "make docs (scripts/docs): the provider's schema as `terraform providers schema -json` exports it; do not edit",
		ProviderProtocolSHA256: proto.sha256,
		TerraformVersion:       cli.version.String(),
		FormatVersion:          exported.FormatVersion,
		ProviderSchemas:        map[string]json.RawMessage{providerAddress: exported.Raw},
	}
	if err := snap.write(filepath.Join(o.providerDir, o.snapshot)); err != nil {
		return err
	}
	if out, err := renderDocs(ctx, o.providerDir, o.snapshot, o.docsDir); err != nil {
		return fmt.Errorf("%w\n%s", err, out)
	}
	fmt.Printf("docs/ generated from the schema %s exported (%s).\n", cli, o.snapshot)
	return nil
}

// check fails unless docs/ and the snapshot are what generate would write.
func check(ctx context.Context, o options) error {
	proto, err := readProtocolSchema(ctx)
	if err != nil {
		return err
	}
	snapPath := filepath.Join(o.providerDir, o.snapshot)
	snap, err := readSnapshot(snapPath)
	if err != nil {
		return err
	}
	stale := "run 'make docs' (it needs Terraform " + minimumTerraform + " or later) and commit the result"
	if snap.ProviderProtocolSHA256 != proto.sha256 {
		return fmt.Errorf("the provider's schema changed since docs/ was generated (%s holds the schema of another "+
			"provider build): %s", o.snapshot, stale)
	}
	snapSections, err := snap.sections()
	if err != nil {
		return err
	}
	if missing := missingNames(proto.names, snapSections); len(missing) > 0 {
		return fmt.Errorf("%s lacks %s: %s", o.snapshot, strings.Join(missing, ", "), stale)
	}

	cli, err := identifyCLI(ctx, o.terraform)
	if err != nil {
		return err
	}
	exported, err := exportSchema(ctx, o.providerDir, cli)
	if err != nil {
		return err
	}
	fromSnapshot, problems := compareSections(exported.Sections, snapSections)
	if len(problems) > 0 {
		return fmt.Errorf("the schema %s exports differs from %s:\n  %s\n%s",
			cli, o.snapshot, strings.Join(problems, "\n  "), stale)
	}

	rendered := filepath.Join(o.providerDir, o.checkDir)
	if err := os.RemoveAll(rendered); err != nil {
		return err
	}
	if out, err := renderDocs(ctx, o.providerDir, o.snapshot, o.checkDir); err != nil {
		return fmt.Errorf("%w\n%s", err, out)
	}
	diffs, err := compareDocs(filepath.Join(o.providerDir, o.docsDir), rendered)
	if err != nil {
		return err
	}
	if len(diffs) > 0 {
		for _, d := range diffs {
			if d.docs != "" && d.rendered != "" {
				showDiff(d.docs, d.rendered)
			}
		}
		var lines []string
		for _, d := range diffs {
			lines = append(lines, d.problem)
		}
		return fmt.Errorf("docs/ is not what make docs generates:\n  %s\n%s", strings.Join(lines, "\n  "), stale)
	}

	if len(fromSnapshot) > 0 {
		fmt.Printf("%s exports no %s: the pages that come from them were checked against %s, which matches "+
			"the provider's schema (SHA-256 %s).\n", cli, strings.Join(fromSnapshot, ", "), o.snapshot, proto.sha256[:12])
	}
	fmt.Printf("docs/ is up to date (checked with %s).\n", cli)
	return nil
}

// protocolSchema is the provider's schema as it serves it over the plugin protocol: the names it
// serves in each section of the exported schema, and the SHA-256 of the whole.
type protocolSchema struct {
	names  map[string][]string
	sha256 string
}

// readProtocolSchema serves the provider in-process and reads its schema, as Terraform would.
func readProtocolSchema(ctx context.Context) (*protocolSchema, error) {
	server, err := providerserver.NewProtocol6WithError(provider.New("docs")())()
	if err != nil {
		return nil, err
	}
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		return nil, err
	}
	if err := diagnosticsError("GetProviderSchema", schemas.Diagnostics); err != nil {
		return nil, err
	}
	identities, err := server.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		return nil, err
	}
	if err := diagnosticsError("GetResourceIdentitySchemas", identities.Diagnostics); err != nil {
		return nil, err
	}
	return protocolSchemaOf(schemas, identities.IdentitySchemas)
}

// protocolSchemaOf summarises a provider's schemas. The SHA-256 covers everything the docs come
// from (every schema, description and function signature), not the diagnostics or the server's
// capabilities.
func protocolSchemaOf(schemas *tfprotov6.GetProviderSchemaResponse, identities map[string]*tfprotov6.ResourceIdentitySchema) (*protocolSchema, error) {
	whole := *schemas
	whole.Diagnostics, whole.ServerCapabilities = nil, nil
	// encoding/json writes map keys sorted, and the framework sorts attributes and blocks by name,
	// so the encoding of one schema is always the same.
	b, err := json.Marshal(struct {
		Schemas    tfprotov6.GetProviderSchemaResponse
		Identities map[string]*tfprotov6.ResourceIdentitySchema
	}{whole, identities})
	if err != nil {
		return nil, fmt.Errorf("encoding the provider's schema: %w", err)
	}
	sum := sha256.Sum256(b)
	return &protocolSchema{
		sha256: hex.EncodeToString(sum[:]),
		names: map[string][]string{
			"resource_schemas":           sortedKeys(schemas.ResourceSchemas),
			"data_source_schemas":        sortedKeys(schemas.DataSourceSchemas),
			"ephemeral_resource_schemas": sortedKeys(schemas.EphemeralResourceSchemas),
			"action_schemas":             sortedKeys(schemas.ActionSchemas),
			"list_resource_schemas":      sortedKeys(schemas.ListResourceSchemas),
			"state_store_schemas":        sortedKeys(schemas.StateStoreSchemas),
			"functions":                  sortedKeys(schemas.Functions),
			"resource_identity_schemas":  sortedKeys(identities),
		},
	}, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func diagnosticsError(rpc string, diags []*tfprotov6.Diagnostic) error {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return fmt.Errorf("the provider's %s: %s: %s", rpc, d.Summary, d.Detail)
		}
	}
	return nil
}

// missingNames lists "section/name" for each name the provider serves that sections lack.
func missingNames(names map[string][]string, sections map[string]map[string]json.RawMessage) []string {
	var missing []string
	for _, section := range sortedKeys(names) {
		for _, name := range names[section] {
			if _, ok := sections[section][name]; !ok {
				missing = append(missing, section+"/"+name)
			}
		}
	}
	return missing
}

// cliInfo is a terraform or tofu CLI.
type cliInfo struct {
	path    string
	tofu    bool
	version *version.Version
}

func (c cliInfo) String() string {
	if c.tofu {
		return "OpenTofu " + c.version.String()
	}
	return "Terraform " + c.version.String()
}

func (c cliInfo) isTerraformAtLeast(v string) bool {
	return !c.tofu && !c.version.LessThan(version.Must(version.NewVersion(v)))
}

// identifyCLI reads the CLI's name and version.
func identifyCLI(ctx context.Context, path string) (cliInfo, error) {
	// An empty CLI configuration: the caller's may name a missing file, which makes OpenTofu print
	// a warning before the JSON.
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+os.DevNull, "CHECKPOINT_DISABLE=1")
	command := func(args ...string) *exec.Cmd {
		cmd := exec.CommandContext(ctx, path, args...) //nolint:gosec // the CLI the caller named
		cmd.Env = env
		return cmd
	}
	out, err := command("version", "-json").Output()
	if err != nil {
		return cliInfo{}, fmt.Errorf("%s version -json: %w", path, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		return cliInfo{}, fmt.Errorf("%s version -json: %w", path, err)
	}
	ver, err := version.NewVersion(v.Version)
	if err != nil {
		return cliInfo{}, fmt.Errorf("%s version -json: %w", path, err)
	}
	// Both answer {"terraform_version": ...}; OpenTofu's text output starts with "OpenTofu".
	text, _ := command("version").Output()
	return cliInfo{path: path, version: ver, tofu: bytes.HasPrefix(bytes.TrimSpace(text), []byte("OpenTofu"))}, nil
}

// exportedSchema is the provider's schema as a CLI exported it: the raw JSON, and each section's
// schemas by name (the provider block's schema is the section "provider", under the name "").
type exportedSchema struct {
	FormatVersion string
	Raw           json.RawMessage
	Sections      map[string]map[string]json.RawMessage
}

// exportSchema builds the provider, installs it from a local plugin directory (nothing is
// downloaded) and runs `providers schema -json`, as tfplugindocs does.
func exportSchema(ctx context.Context, providerDir string, cli cliInfo) (*exportedSchema, error) {
	work, err := os.MkdirTemp("", "alien-docs-schema-")
	if err != nil {
		return nil, err
	}
	defer func() { _ = os.RemoveAll(work) }()

	platform := runtime.GOOS + "_" + runtime.GOARCH
	binary := filepath.Join(work, "plugins", providerAddress, "0.0.1", platform, "terraform-provider-alien_v0.0.1")
	build := exec.CommandContext(ctx, "go", "build", "-o", binary, ".") //nolint:gosec // our own build, into our temporary directory
	build.Dir = providerDir
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building the provider: %w\n%s", err, out)
	}
	files := map[string]string{
		"main.tf":      "terraform {\n  required_providers {\n    alien = {\n      source = \"" + providerAddress + "\"\n    }\n  }\n}\n",
		"terraform.rc": "disable_checkpoint = true\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(work, name), []byte(content), 0o600); err != nil {
			return nil, err
		}
	}
	// A CLI configuration of our own: the caller's may name a file that does not exist.
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+filepath.Join(work, "terraform.rc"),
		"CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	run := func(args ...string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, cli.path, args...) //nolint:gosec // the CLI the caller named, with our arguments
		cmd.Dir, cmd.Env = work, env
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w\n%s%s", cli, strings.Join(args, " "), err, out, stderr.Bytes())
		}
		return out, nil
	}
	if _, err := run("init", "-input=false", "-no-color", "-plugin-dir="+filepath.Join(work, "plugins")); err != nil {
		return nil, err
	}
	out, err := run("providers", "schema", "-json")
	if err != nil {
		return nil, err
	}
	var all struct {
		FormatVersion   string                     `json:"format_version"`
		ProviderSchemas map[string]json.RawMessage `json:"provider_schemas"`
	}
	if err := json.Unmarshal(out, &all); err != nil {
		return nil, fmt.Errorf("%s providers schema -json: %w", cli, err)
	}
	raw, ok := all.ProviderSchemas[providerAddress]
	if !ok {
		return nil, fmt.Errorf("%s providers schema -json holds no schema for %s", cli, providerAddress)
	}
	sections, err := splitSections(raw)
	if err != nil {
		return nil, fmt.Errorf("%s providers schema -json: %w", cli, err)
	}
	return &exportedSchema{FormatVersion: all.FormatVersion, Raw: raw, Sections: sections}, nil
}

// splitSections splits a provider's exported schema into its sections, each by name; the provider
// block's schema is the section "provider", under the name "". An empty section is no section:
// CLIs differ in writing or leaving out the sections a provider does not use.
func splitSections(raw json.RawMessage) (map[string]map[string]json.RawMessage, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, err
	}
	sections := map[string]map[string]json.RawMessage{}
	for key, value := range top {
		if key == "provider" {
			sections[key] = map[string]json.RawMessage{"": value}
			continue
		}
		var byName map[string]json.RawMessage
		if err := json.Unmarshal(value, &byName); err != nil {
			return nil, fmt.Errorf("section %s: %w", key, err)
		}
		if len(byName) > 0 {
			sections[key] = byName
		}
	}
	return sections, nil
}

// compareSections compares the sections a CLI exported with the snapshot's. It answers the
// sections that the CLI did not export (they are the snapshot's), and a line per difference.
func compareSections(exported, snap map[string]map[string]json.RawMessage) (fromSnapshot, problems []string) {
	for _, section := range sortedKeys(snap) {
		if _, ok := exported[section]; !ok {
			fromSnapshot = append(fromSnapshot, section)
		}
	}
	for _, section := range sortedKeys(exported) {
		want, ok := snap[section]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: exported, but not in the snapshot", section))
			continue
		}
		for _, name := range sortedKeys(exported[section]) {
			what := section
			if name != "" {
				what += "/" + name
			}
			w, ok := want[name]
			switch {
			case !ok:
				problems = append(problems, what+": exported, but not in the snapshot")
			case !sameJSON(exported[section][name], w):
				problems = append(problems, what+": differs")
			}
		}
		for _, name := range sortedKeys(want) {
			if _, ok := exported[section][name]; !ok {
				problems = append(problems, section+"/"+name+": in the snapshot, but not exported")
			}
		}
	}
	return fromSnapshot, problems
}

// sameJSON tells whether two JSON documents hold the same value.
func sameJSON(a, b json.RawMessage) bool {
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}

// snapshot is the file generate writes: a CLI's export (format_version and provider_schemas, as
// tfplugindocs --providers-schema reads them) with what it was made from.
type snapshot struct {
	GeneratedBy            string                     `json:"generated_by"`
	ProviderProtocolSHA256 string                     `json:"provider_protocol_sha256"`
	TerraformVersion       string                     `json:"terraform_version"`
	FormatVersion          string                     `json:"format_version"`
	ProviderSchemas        map[string]json.RawMessage `json:"provider_schemas"`
}

func readSnapshot(path string) (*snapshot, error) {
	b, err := os.ReadFile(path) //nolint:gosec // the snapshot path the caller named
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s does not exist: run 'make docs' (it needs Terraform %s or later)", path, minimumTerraform)
	}
	if err != nil {
		return nil, err
	}
	var s snapshot
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &s, nil
}

func (s *snapshot) sections() (map[string]map[string]json.RawMessage, error) {
	raw, ok := s.ProviderSchemas[providerAddress]
	if !ok {
		return nil, fmt.Errorf("the snapshot holds no schema for %s: run 'make docs'", providerAddress)
	}
	return splitSections(raw)
}

func (s *snapshot) write(path string) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644) //nolint:gosec // committed, world-readable like every source file
}

// renderDocs runs tfplugindocs on the snapshot, writing the docs into dir (relative to the
// provider directory), and answers its output.
func renderDocs(ctx context.Context, providerDir, snapshotPath, dir string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "go", "tool", "tfplugindocs", "generate", "--provider-name", "alien", //nolint:gosec // our paths
		"--providers-schema", snapshotPath, "--rendered-website-dir", dir)
	cmd.Dir = providerDir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return out, fmt.Errorf("tfplugindocs generate: %w", err)
	}
	return out, nil
}

// docsDiff is one file where docs/ is not what the rendering wrote.
type docsDiff struct {
	problem        string
	docs, rendered string // the two files, when both exist
}

// compareDocs compares docs with rendered: every file rendered must be in docs, the same; in the
// paths tfplugindocs manages, docs must hold nothing else.
func compareDocs(docs, rendered string) ([]docsDiff, error) {
	var diffs []docsDiff
	err := filepath.WalkDir(rendered, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(rendered, path)
		if err != nil {
			return err
		}
		want, err := os.ReadFile(path) //nolint:gosec // a file the rendering wrote
		if err != nil {
			return err
		}
		docsPath := filepath.Join(docs, rel)
		got, err := os.ReadFile(docsPath) //nolint:gosec // its counterpart in the docs directory
		switch {
		case errors.Is(err, fs.ErrNotExist):
			diffs = append(diffs, docsDiff{problem: docsPath + " is missing"})
		case err != nil:
			return err
		case !bytes.Equal(got, want):
			diffs = append(diffs, docsDiff{problem: docsPath + " differs", docs: docsPath, rendered: path})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = filepath.WalkDir(docs, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(docs, path)
		if err != nil {
			return err
		}
		if !managed(rel) {
			return nil
		}
		if _, err := os.Stat(filepath.Join(rendered, rel)); errors.Is(err, fs.ErrNotExist) {
			diffs = append(diffs, docsDiff{problem: path + " is not generated (make docs deletes it)"})
		}
		return nil
	})
	return diffs, err
}

// managed tells whether a path of a docs directory is one tfplugindocs owns.
func managed(rel string) bool {
	first, _, _ := strings.Cut(filepath.ToSlash(rel), "/")
	return slices.Contains(managedPaths, first)
}

// showDiff prints a unified diff of two files, when a diff command is at hand.
func showDiff(a, b string) {
	if _, err := exec.LookPath("diff"); err != nil {
		return
	}
	cmd := exec.Command("diff", "-u", a, b) //nolint:gosec // two files of ours
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	_ = cmd.Run()
}
