// Package client is the Go client of the Alien Intelligence platform API: the only code of the
// provider that speaks HTTP to it. See DESIGN.md ("The client").
package client

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
)

// Defaults of Config.
const (
	DefaultMaxRetries     = 5
	DefaultRetryWaitMin   = 250 * time.Millisecond
	DefaultRetryWaitMax   = 30 * time.Second
	DefaultRequestTimeout = 60 * time.Second
	DefaultReadCacheTTL   = 30 * time.Second
)

// Client is the API client: one service per object, as go-tfe arranges them. It holds what the
// provider speaks; the calls that only tests and the benchmark make (Local, Datasets, Person) are
// reached through functions of their own, so that the provider binary does not link them.
type Client struct {
	// Identity reads who the calling credential is.
	Identity IdentityService
	// Organizations manages organizations.
	Organizations OrganizationsService
	// Members manages the organization's members.
	Members MembersService
	// Invitations manages invitations.
	Invitations InvitationsService
	// ServiceAccounts manages service accounts (Enterprise plan).
	ServiceAccounts ServiceAccountsService
	// ManagedUsers manages managed users (Enterprise plan).
	ManagedUsers ManagedUsersService
	// APITokens manages API tokens.
	APITokens APITokensService
	// OAuthClients manages OAuth API clients.
	OAuthClients OAuthClientsService
	// Public holds the client-credentials grant, which needs no credential of the client's own.
	Public PublicService

	core *core
}

// New validates cfg and returns a client. It does no I/O: a wrong credential shows on the first
// call.
func New(cfg Config) (*Client, error) {
	endpoint, base, err := validateEndpoint(cfg.Endpoint, cfg.AllowInsecureHTTP)
	if err != nil {
		return nil, err
	}
	if err := validateCredentials(cfg); err != nil {
		return nil, err
	}
	if cfg.RetryWaitMin < 0 || cfg.RetryWaitMax < 0 || cfg.RequestTimeout < 0 || cfg.ReadCacheTTL < 0 {
		return nil, errors.New("invalid client configuration: retry waits, request timeout and read cache TTL must not be negative")
	}

	c := &core{
		endpoint: endpoint,
		basePath: base.Path,
		retryMax: cfg.MaxRetries,
		waitMin:  cfg.RetryWaitMin,
		waitMax:  cfg.RetryWaitMax,
		logger:   cfg.Logger,
		scrub:    newScrubber(cfg.Token, cfg.ClientSecret),
	}
	switch {
	case c.retryMax == 0:
		c.retryMax = DefaultMaxRetries
	case c.retryMax < 0:
		c.retryMax = 0
	}
	if c.waitMin == 0 {
		c.waitMin = DefaultRetryWaitMin
	}
	if c.waitMax == 0 {
		c.waitMax = DefaultRetryWaitMax
	}
	if c.waitMax < c.waitMin {
		c.waitMax = c.waitMin
	}
	timeout := cfg.RequestTimeout
	if timeout == 0 {
		timeout = DefaultRequestTimeout
	}
	var hc http.Client
	if cfg.HTTPClient != nil {
		hc = *cfg.HTTPClient
	} else {
		hc = *cleanhttp.DefaultPooledClient()
	}
	hc.Timeout = timeout // per attempt: go-retryablehttp calls it once per attempt
	c.http = &hc

	version := cfg.Version
	if version == "" {
		version = "dev"
	}
	c.userAgent = "terraform-provider-alien/" + version
	if extra := strings.TrimSpace(cfg.UserAgentExtra); extra != "" {
		c.userAgent += " " + extra
	}

	switch {
	case cfg.Token != "":
		c.auth = staticToken(cfg.Token)
	case cfg.ClientID != "":
		c.auth = newClientCredentials(c, cfg.ClientID, cfg.ClientSecret)
	}
	if cfg.ReadCache {
		ttl := cfg.ReadCacheTTL
		if ttl == 0 {
			ttl = DefaultReadCacheTTL
		}
		c.cache = newReadCache(ttl)
	}

	return &Client{
		Identity:        &identity{c},
		Organizations:   &organizations{c},
		Members:         &members{c},
		Invitations:     &invitations{c},
		ServiceAccounts: &serviceAccounts{c},
		ManagedUsers:    &managedUsers{c},
		APITokens:       &apiTokens{c},
		OAuthClients:    &oauthClients{c},
		Public:          &public{c},
		core:            c,
	}, nil
}

// Endpoint is the API's base URL the client speaks to, normalized (no trailing slash).
func (c *Client) Endpoint() string { return c.core.endpoint }

// validateEndpoint checks the endpoint and returns it normalized.
func validateEndpoint(raw string, allowInsecure bool) (string, *url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		raw = DefaultEndpoint
	}
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" {
		return "", nil, fmt.Errorf("invalid endpoint: it must be a URL such as %s", DefaultEndpoint)
	}
	shown := u.Redacted()
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return "", nil, fmt.Errorf("invalid endpoint %q: the scheme must be https:// (or http:// for a loopback address), e.g. %s", shown, DefaultEndpoint)
	case u.Host == "" || u.Hostname() == "":
		return "", nil, fmt.Errorf("invalid endpoint %q: it has no host; set it to a URL such as %s", shown, DefaultEndpoint)
	case u.User != nil:
		return "", nil, fmt.Errorf("invalid endpoint %q: it must not carry credentials; set a token or a client id and secret instead", shown)
	case u.RawQuery != "" || u.ForceQuery:
		return "", nil, fmt.Errorf("invalid endpoint %q: it must not have a query string", shown)
	case u.Fragment != "":
		return "", nil, fmt.Errorf("invalid endpoint %q: it must not have a fragment", shown)
	}
	if u.Scheme == "http" && !allowInsecure && !isLoopback(u.Hostname()) {
		return "", nil, fmt.Errorf("invalid endpoint %q: plain http:// is allowed only to a loopback address (127.0.0.0/8, ::1, localhost); use https://, or allow insecure HTTP explicitly (AllowInsecureHTTP)", shown)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return strings.TrimRight(u.String(), "/"), u, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// validateCredentials checks that at most one credential is configured, and a whole one.
func validateCredentials(cfg Config) error {
	hasToken := cfg.Token != ""
	hasID, hasSecret := cfg.ClientID != "", cfg.ClientSecret != ""
	switch {
	case hasToken && (hasID || hasSecret):
		return errors.New("invalid credentials: set either a token or a client id and client secret, not both")
	case hasID && !hasSecret:
		return errors.New("invalid credentials: a client id needs its client secret; set the client secret too")
	case hasSecret && !hasID:
		return errors.New("invalid credentials: a client secret needs its client id; set the client id too")
	case hasToken && strings.TrimSpace(cfg.Token) != cfg.Token:
		return errors.New("invalid credentials: the token has leading or trailing white space")
	}
	return nil
}
