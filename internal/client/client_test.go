package client

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
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
		{name: "no scheme", endpoint: "api.alien.club", errHas: "must start with https://"},
		{name: "bad scheme", endpoint: "ftp://api.alien.club", errHas: "must start with https://"},
		{name: "no host", endpoint: "https://", errHas: "no host"},
		{name: "query", endpoint: "https://api.alien.club/?x=1", errHas: "query"},
		{name: "fragment", endpoint: "https://api.alien.club/#x", errHas: "fragment"},
		{name: "credentials", endpoint: "https://me:hunter2secret@api.alien.club", errHas: "credentials"},
		{name: "not a URL", endpoint: "https://me:hunter2secret@api.alien.club:port/", errHas: "not a URL"},
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

// ServerNow follows the Date header of the API's answers (errors included), is the local clock
// before any, and is left as it was by an answer without a Date.
func TestServerNow(t *testing.T) {
	var date string
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp := jsonResponse(r, http.StatusOK, `{"data":[],"next_cursor":null}`)
		if strings.Contains(r.URL.Path, "missing") {
			resp = jsonResponse(r, http.StatusNotFound, `{"error":{"code":"not_found","message":"no such client"}}`)
		}
		if date != "" {
			resp.Header.Set("Date", date)
		}
		return resp, nil
	})}
	c, err := New(Config{Endpoint: "http://127.0.0.1:1", Token: "oat_x.y", HTTPClient: hc})
	if err != nil {
		t.Fatal(err)
	}
	near := func(what string, want time.Time) {
		t.Helper()
		if got := c.ServerNow(); got.Sub(want).Abs() > 2*time.Second {
			t.Errorf("%s: ServerNow = %s, want about %s", what, got, want)
		}
	}
	near("before any answer", time.Now())
	ahead := 40 * 24 * time.Hour
	date = time.Now().Add(ahead).UTC().Format(http.TimeFormat)
	if _, err := c.OAuthClients.List(t.Context()); err != nil {
		t.Fatal(err)
	}
	near("after an answer 40 days ahead", time.Now().Add(ahead))
	date = time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)
	if _, err := c.OAuthClients.Read(t.Context(), "missing"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v, want not found", err)
	}
	near("after an error an hour behind", time.Now().Add(-time.Hour))
	date = ""
	if _, err := c.OAuthClients.List(t.Context()); err != nil {
		t.Fatal(err)
	}
	near("after an answer without a Date", time.Now().Add(-time.Hour))
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
