package provider

// Checks shared by acceptance tests: what state holds, what the API answers to a credential taken
// from state, and what Terraform prints.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// testAccRFC3339 matches the timestamps the provider writes to state.
var testAccRFC3339 = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$`)

// The shapes of the secrets the API hands out.
var (
	testAccAPITokenRegexp     = regexp.MustCompile(`^oat_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$`)
	testAccClientSecretRegexp = regexp.MustCompile(`^aics_[A-Za-z0-9_-]{43}$`)
	testAccClientIDRegexp     = regexp.MustCompile(`^aic_[a-z2-7]{24}$`)
	testAccAccessTokenRegexp  = regexp.MustCompile(`^oaa_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$`)
)

// testAccAttr is attribute attr of resource addr in state (sensitive values included).
func testAccAttr(s *terraform.State, addr, attr string) (string, error) {
	rs, ok := s.RootModule().Resources[addr]
	if !ok {
		return "", fmt.Errorf("%s is not in state", addr)
	}
	v, ok := rs.Primary.Attributes[attr]
	if !ok || v == "" {
		return "", fmt.Errorf("%s has no %s in state", addr, attr)
	}
	return v, nil
}

// testAccCaptureAttr copies attribute attr of resource addr from state into *into.
func testAccCaptureAttr(addr, attr string, into *string) func(*terraform.State) error {
	return func(s *terraform.State) error {
		v, err := testAccAttr(s, addr, attr)
		*into = v
		return err
	}
}

// testAccHTTP sends method path to the API with Authorization: Bearer token (nothing when token
// is empty) and a JSON body when body is not nil, with plain net/http, and answers the status.
func testAccHTTP(method, urlPath, token string, body any) (int, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		r = strings.NewReader(string(b))
	}
	req, err := http.NewRequestWithContext(context.Background(), method, os.Getenv(envEndpoint)+urlPath, r) //nolint:gosec // the harness's own endpoint
	if err != nil {
		return 0, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req) //nolint:gosec // the harness's own endpoint
	if err != nil {
		return 0, fmt.Errorf("%s %s: %w", method, urlPath, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

// testAccExpectStatus checks that method path with token answers want.
func testAccExpectStatus(method, urlPath, token string, body any, want int) error {
	got, err := testAccHTTP(method, urlPath, token, body)
	if err != nil {
		return err
	}
	if got != want {
		return fmt.Errorf("%s %s answered %d, want %d", method, urlPath, got, want)
	}
	return nil
}

// testAccCheckTokenStatus checks that the API token in attribute attr of addr gets want on
// GET /datasets.
func testAccCheckTokenStatus(addr, attr string, want int) func(*terraform.State) error {
	return func(s *terraform.State) error {
		token, err := testAccAttr(s, addr, attr)
		if err != nil {
			return err
		}
		if err := testAccExpectStatus(http.MethodGet, "/datasets", token, nil, want); err != nil {
			return fmt.Errorf("the %s of %s: %w", attr, addr, err)
		}
		return nil
	}
}

// testAccPhrase is a regular expression matching phrase as Terraform prints it in an error,
// where any space may have become a line break.
func testAccPhrase(phrase string) string {
	return strings.ReplaceAll(regexp.QuoteMeta(phrase), " ", `\s+`)
}
