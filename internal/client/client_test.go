package client

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestNewEndpoint(t *testing.T) {
	tests := []struct {
		name     string
		endpoint string
		insecure bool
		want     string
		errHas   string
	}{
		{name: "default", endpoint: "", want: DefaultEndpoint},
		{name: "trailing slash", endpoint: "https://api.alien.club/", want: "https://api.alien.club"},
		{name: "base path", endpoint: "https://gw.example.com/alien/", want: "https://gw.example.com/alien"},
		{name: "loopback v4", endpoint: "http://127.0.0.1:8080", want: "http://127.0.0.1:8080"},
		{name: "loopback v4 range", endpoint: "http://127.9.8.7:1", want: "http://127.9.8.7:1"},
		{name: "loopback v6", endpoint: "http://[::1]:8080", want: "http://[::1]:8080"},
		{name: "localhost", endpoint: "http://LocalHost:8080", want: "http://LocalHost:8080"},
		{name: "http remote refused", endpoint: "http://api.example.com", errHas: "AllowInsecureHTTP"},
		{name: "http private refused", endpoint: "http://10.0.0.1:8080", errHas: "loopback"},
		{name: "http remote allowed", endpoint: "http://api.example.com", insecure: true, want: "http://api.example.com"},
		{name: "no scheme", endpoint: "api.alien.club", errHas: "scheme"},
		{name: "bad scheme", endpoint: "ftp://api.alien.club", errHas: "scheme"},
		{name: "no host", endpoint: "https://", errHas: "no host"},
		{name: "query", endpoint: "https://api.alien.club/?x=1", errHas: "query"},
		{name: "fragment", endpoint: "https://api.alien.club/#x", errHas: "fragment"},
		{name: "credentials", endpoint: "https://me:hunter2secret@api.alien.club", errHas: "credentials"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(Config{Endpoint: tt.endpoint, AllowInsecureHTTP: tt.insecure})
			if tt.errHas != "" {
				if err == nil {
					t.Fatalf("New(%q) = nil error, want one containing %q", tt.endpoint, tt.errHas)
				}
				if !strings.Contains(err.Error(), tt.errHas) {
					t.Errorf("New(%q) error = %q, want it to contain %q", tt.endpoint, err, tt.errHas)
				}
				if strings.Contains(err.Error(), "hunter2secret") {
					t.Errorf("error leaks the URL's password: %q", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("New(%q): %v", tt.endpoint, err)
			}
			if got := c.Endpoint(); got != tt.want {
				t.Errorf("Endpoint() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNewCredentials(t *testing.T) {
	tests := []struct {
		name   string
		cfg    Config
		errHas string
	}{
		{name: "none", cfg: Config{}},
		{name: "token", cfg: Config{Token: "oat_abc.def"}},
		{name: "client", cfg: Config{ClientID: "oc_x", ClientSecret: "s3cr3t-value"}},
		{name: "both", cfg: Config{Token: "oat_abc.def", ClientID: "oc_x", ClientSecret: "s3cr3t-value"}, errHas: "not both"},
		{name: "id only", cfg: Config{ClientID: "oc_x"}, errHas: "client secret"},
		{name: "secret only", cfg: Config{ClientSecret: "s3cr3t-value"}, errHas: "client id"},
		{name: "token with space", cfg: Config{Token: " oat_abc.def\n"}, errHas: "white space"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			if tt.errHas == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.errHas) {
				t.Fatalf("New error = %v, want one containing %q", err, tt.errHas)
			}
			for _, secret := range []string{"oat_abc.def", "s3cr3t-value"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q leaks a secret", err)
				}
			}
		})
	}
}

func TestNewDoesNoIO(t *testing.T) {
	// A transport that fails the test on any request: New must not call it.
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		t.Errorf("New sent %s %s", r.Method, r.URL.Path)
		return nil, errors.New("no I/O expected")
	})}
	if _, err := New(Config{Endpoint: "http://127.0.0.1:1", ClientID: "oc_x", ClientSecret: "s3cr3t-value", HTTPClient: hc, ReadCache: true}); err != nil {
		t.Fatal(err)
	}
}

func TestNoCredential(t *testing.T) {
	c, err := New(Config{Endpoint: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Members.List(t.Context(), MemberListOptions{})
	if !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("List without a credential: err = %v, want ErrUnauthorized", err)
	}
}

func TestUserAgent(t *testing.T) {
	var got string
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		got = r.Header.Get("User-Agent")
		return jsonResponse(r, http.StatusOK, `{"data":[],"next_cursor":null}`), nil
	})}
	c, err := New(Config{Endpoint: "http://127.0.0.1:1", Token: "oat_x.y", Version: "1.2.3", UserAgentExtra: "terraform/1.11.4", HTTPClient: hc})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Datasets(c).List(t.Context()); err != nil {
		t.Fatal(err)
	}
	if want := "terraform-provider-alien/1.2.3 terraform/1.11.4"; got != want {
		t.Errorf("User-Agent = %q, want %q", got, want)
	}
}

// roundTripFunc is an http.RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func jsonResponse(r *http.Request, status int, body string) *http.Response {
	return &http.Response{
		StatusCode: status,
		Status:     fmt.Sprintf("%d %s", status, http.StatusText(status)),
		Header:     http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"req_test"}},
		Body:       io.NopCloser(strings.NewReader(body)),
		Request:    r,
		ProtoMajor: 1,
		ProtoMinor: 1,
	}
}
