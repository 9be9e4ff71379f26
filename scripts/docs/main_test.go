package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestSnapshotMatchesProvider fails as soon as a schema changes without `make docs`: the
// committed snapshot must be the export of the provider's current schema, and hold everything the
// provider serves. (make docs-check checks it too, with a CLI; this needs none.)
func TestSnapshotMatchesProvider(t *testing.T) {
	proto, err := readProtocolSchema(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	snap, err := readSnapshot("providers-schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if snap.ProviderProtocolSHA256 != proto.sha256 {
		t.Fatalf("the snapshot was made from another schema (SHA-256 %s, the provider's is %s): run 'make docs' "+
			"(with Terraform 1.14 or later) and commit docs/ and scripts/docs/providers-schema.json",
			snap.ProviderProtocolSHA256, proto.sha256)
	}
	sections, err := snap.sections()
	if err != nil {
		t.Fatal(err)
	}
	if missing := missingNames(proto.names, sections); len(missing) > 0 {
		t.Errorf("the snapshot lacks %v", missing)
	}
}

func TestProtocolSchema(t *testing.T) {
	a, err := readProtocolSchema(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b, err := readProtocolSchema(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if a.sha256 != b.sha256 {
		t.Errorf("two reads of the same schema hash to %s and %s", a.sha256, b.sha256)
	}
	for section, want := range map[string]string{
		"resource_schemas":           "alien_member",
		"data_source_schemas":        "alien_members",
		"ephemeral_resource_schemas": "alien_access_token",
		"action_schemas":             "alien_api_token_revoke",
	} {
		if !slices.Contains(a.names[section], want) {
			t.Errorf("%s lists %v, want %s among them", section, a.names[section], want)
		}
	}
}

func TestCompareSections(t *testing.T) {
	member := json.RawMessage(`{"version": 0, "block": {"description": "A person"}}`)
	memberOtherSpacing := json.RawMessage(`{"block":{"description":"A person"},"version":0}`)
	memberChanged := json.RawMessage(`{"version": 0, "block": {"description": "Someone"}}`)
	action := json.RawMessage(`{"block": {}}`)
	snap := map[string]map[string]json.RawMessage{
		"provider":         {"": member},
		"resource_schemas": {"alien_member": member},
		"action_schemas":   {"alien_api_token_revoke": action},
	}
	for name, tc := range map[string]struct {
		exported               map[string]map[string]json.RawMessage
		fromSnapshot, problems []string
	}{
		"an older CLI": {
			exported:     map[string]map[string]json.RawMessage{"provider": {"": member}, "resource_schemas": {"alien_member": memberOtherSpacing}},
			fromSnapshot: []string{"action_schemas"},
		},
		"a CLI that exports everything": {
			exported: snap,
		},
		"a changed schema": {
			exported:     map[string]map[string]json.RawMessage{"provider": {"": memberChanged}, "resource_schemas": {"alien_member": memberChanged}},
			fromSnapshot: []string{"action_schemas"},
			problems:     []string{"provider: differs", "resource_schemas/alien_member: differs"},
		},
		"a new resource": {
			exported: map[string]map[string]json.RawMessage{"provider": {"": member},
				"resource_schemas": {"alien_member": member, "alien_new": member}, "action_schemas": {"alien_api_token_revoke": action}},
			problems: []string{"resource_schemas/alien_new: exported, but not in the snapshot"},
		},
		"a removed resource": {
			exported: map[string]map[string]json.RawMessage{"provider": {"": member}, "resource_schemas": {},
				"action_schemas": {"alien_api_token_revoke": action}},
			problems: []string{"resource_schemas/alien_member: in the snapshot, but not exported"},
		},
		"a section the snapshot lacks": {
			exported: map[string]map[string]json.RawMessage{"provider": {"": member}, "resource_schemas": {"alien_member": member},
				"action_schemas": {"alien_api_token_revoke": action}, "functions": {"f": action}},
			problems: []string{"functions: exported, but not in the snapshot"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			fromSnapshot, problems := compareSections(tc.exported, snap)
			if !slices.Equal(fromSnapshot, tc.fromSnapshot) {
				t.Errorf("from the snapshot: %v, want %v", fromSnapshot, tc.fromSnapshot)
			}
			if !slices.Equal(problems, tc.problems) {
				t.Errorf("problems: %q, want %q", problems, tc.problems)
			}
		})
	}
}

func TestSplitSections(t *testing.T) {
	sections, err := splitSections(json.RawMessage(`{"provider": {"version": 0}, "resource_schemas": {"a": {}},
		"list_resource_schemas": {}}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := sections["list_resource_schemas"]; ok {
		t.Error("an empty section is kept: CLIs that leave it out would differ from CLIs that write it")
	}
	if _, ok := sections["provider"][""]; !ok || len(sections["resource_schemas"]) != 1 {
		t.Errorf("sections: %v", sections)
	}
}

func TestCompareDocs(t *testing.T) {
	write := func(dir string, files map[string]string) {
		for name, content := range files {
			path := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	rendered, docs := t.TempDir(), t.TempDir()
	write(rendered, map[string]string{
		"index.md":             "index",
		"resources/member.md":  "member",
		"actions/revoke.md":    "revoke",
		"guides/rotate.md":     "rotate, new",
		"images/copied.png":    "copied from templates",
		"list-resources/x.md":  "missing from docs",
		"images/changed.png":   "new image",
		"resources/invited.md": "invited",
	})
	write(docs, map[string]string{
		"index.md":             "index",
		"resources/member.md":  "member",
		"actions/revoke.md":    "revoke",
		"guides/rotate.md":     "rotate, old",
		"images/copied.png":    "copied from templates",
		"images/console.png":   "a screenshot that make docs does not write",
		"images/changed.png":   "old image",
		"resources/invited.md": "invited",
		"actions/stale.md":     "an action that no longer exists",
		"README.md":            "not managed",
	})
	diffs, err := compareDocs(docs, rendered)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range diffs {
		got = append(got, strings.TrimPrefix(d.problem, docs+string(filepath.Separator)))
	}
	slices.Sort(got)
	want := []string{
		"actions/stale.md is not generated (make docs deletes it)",
		"guides/rotate.md differs",
		"images/changed.png differs",
		"list-resources/x.md is missing",
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestManagedPathsAreTfplugindocs checks managedPaths against the tfplugindocs that go.mod pins,
// so that an upgrade that manages another directory is noticed.
func TestManagedPathsAreTfplugindocs(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/hashicorp/terraform-plugin-docs").Output()
	if err != nil || strings.TrimSpace(string(out)) == "" {
		t.Skipf("the tfplugindocs module is not in the module cache (go mod download): %v", err)
	}
	src, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "internal", "provider", "generate.go"))
	if err != nil {
		t.Fatal(err)
	}
	var theirs []string
	for _, list := range []string{"managedWebsiteSubDirectories", "managedWebsiteFiles"} {
		m := regexp.MustCompile(list + `\s*=\s*\[\]string\{([^}]*)\}`).FindSubmatch(src)
		if m == nil {
			t.Fatalf("tfplugindocs has no %s any more: check how it manages the docs directory", list)
		}
		for _, q := range regexp.MustCompile(`"([^"]+)"`).FindAllSubmatch(m[1], -1) {
			theirs = append(theirs, string(q[1]))
		}
	}
	ours := slices.Clone(managedPaths)
	slices.Sort(ours)
	slices.Sort(theirs)
	if !slices.Equal(ours, theirs) {
		t.Errorf("managedPaths is %v; tfplugindocs manages %v", ours, theirs)
	}
}
