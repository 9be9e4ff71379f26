package main

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"testing"

	"gopkg.in/yaml.v3"
)

// The Terraform Registry and the OpenTofu Registry both read a provider's GitHub release by file
// name: terraform-provider-alien_VERSION_OS_ARCH.zip (holding
// terraform-provider-alien_vVERSION), terraform-provider-alien_VERSION_SHA256SUMS, its .sig, and
// terraform-provider-alien_VERSION_manifest.json, which says the plugin protocol (the OpenTofu
// Registry assumes protocol 5 without it; the Terraform Registry wants it in SHA256SUMS too).

func TestRegistryManifest(t *testing.T) {
	b, err := os.ReadFile("terraform-registry-manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Version  int `json:"version"`
		Metadata struct {
			ProtocolVersions []string `json:"protocol_versions"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("terraform-registry-manifest.json: %v", err)
	}
	want := []string{fmt.Sprintf("%d.0", protocolVersion)}
	if m.Version != 1 || !slices.Equal(m.Metadata.ProtocolVersions, want) {
		t.Errorf("terraform-registry-manifest.json says version %d, protocols %q; want version 1, protocols %q (what main serves)",
			m.Version, m.Metadata.ProtocolVersions, want)
	}
}

func TestGoreleaserNamesWhatRegistriesRead(t *testing.T) {
	b, err := os.ReadFile(".goreleaser.yml")
	if err != nil {
		t.Fatal(err)
	}
	type extraFile struct {
		Glob         string `yaml:"glob"`
		NameTemplate string `yaml:"name_template"`
	}
	var c struct {
		ProjectName string `yaml:"project_name"`
		Builds      []struct {
			Binary  string   `yaml:"binary"`
			Env     []string `yaml:"env"`
			Ldflags []string `yaml:"ldflags"`
		} `yaml:"builds"`
		Archives []struct {
			Formats      []string `yaml:"formats"`
			NameTemplate string   `yaml:"name_template"`
		} `yaml:"archives"`
		Checksum struct {
			NameTemplate string      `yaml:"name_template"`
			Algorithm    string      `yaml:"algorithm"`
			ExtraFiles   []extraFile `yaml:"extra_files"`
		} `yaml:"checksum"`
		Signs []struct {
			Artifacts string `yaml:"artifacts"`
			Signature string `yaml:"signature"`
		} `yaml:"signs"`
		Release struct {
			ExtraFiles []extraFile `yaml:"extra_files"`
		} `yaml:"release"`
	}
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf(".goreleaser.yml: %v", err)
	}
	manifest := extraFile{Glob: "terraform-registry-manifest.json", NameTemplate: "{{ .ProjectName }}_{{ .Version }}_manifest.json"}

	if c.ProjectName != "terraform-provider-alien" {
		t.Errorf("project_name %q: the registries look for the repository's name, terraform-provider-alien", c.ProjectName)
	}
	if len(c.Builds) != 1 || c.Builds[0].Binary != "{{ .ProjectName }}_v{{ .Version }}" ||
		!slices.Contains(c.Builds[0].Env, "CGO_ENABLED=0") ||
		!slices.ContainsFunc(c.Builds[0].Ldflags, func(f string) bool { return f == "-s -w -X main.version={{ .Version }}" }) {
		t.Errorf("builds: want one build of {{ .ProjectName }}_v{{ .Version }}, without cgo, stamped with main.version; got %+v", c.Builds)
	}
	if len(c.Archives) != 1 || !slices.Equal(c.Archives[0].Formats, []string{"zip"}) ||
		c.Archives[0].NameTemplate != "{{ .ProjectName }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}" {
		t.Errorf("archives: want zip files named {{ .ProjectName }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}; got %+v", c.Archives)
	}
	if c.Checksum.NameTemplate != "{{ .ProjectName }}_{{ .Version }}_SHA256SUMS" || c.Checksum.Algorithm != "sha256" ||
		!slices.Contains(c.Checksum.ExtraFiles, manifest) {
		t.Errorf("checksum: want sha256 into {{ .ProjectName }}_{{ .Version }}_SHA256SUMS, covering the manifest; got %+v", c.Checksum)
	}
	// goreleaser names a signature ${artifact}.sig unless told otherwise.
	if len(c.Signs) != 1 || c.Signs[0].Artifacts != "checksum" || c.Signs[0].Signature != "" {
		t.Errorf("signs: want the checksum file signed as SHA256SUMS.sig; got %+v", c.Signs)
	}
	if !slices.Contains(c.Release.ExtraFiles, manifest) {
		t.Errorf("release: the manifest must be a release file named {{ .ProjectName }}_{{ .Version }}_manifest.json; got %+v", c.Release.ExtraFiles)
	}
}
