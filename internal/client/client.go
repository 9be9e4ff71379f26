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
	raw := strings.TrimSpace(cfg.Endpoint)
	if raw == "" {
		raw = DefaultEndpoint
	}
	endpoint, base, err := checkEndpoint(raw, cfg.AllowInsecureHTTP)
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

// EndpointError is an endpoint the client refuses. Problem says what is wrong in words that fit
// every caller ("it has no host"); callers that name their own settings (the provider's
// insecure_http) build their message from Problem and Insecure.
type EndpointError struct {
	// Endpoint is the endpoint as given, any password in it redacted; empty when it is not a URL at
	// all (it could then hold a password that cannot be found to be redacted).
	Endpoint string
	// Problem says what is wrong with it.
	Problem string
	// Insecure is set when the only problem is plain http:// to a host that is not a loopback
	// address, which the caller may choose to allow (Config.AllowInsecureHTTP).
	Insecure bool
}

// Error formats the error as `invalid endpoint "http://x": <problem>`.
func (e *EndpointError) Error() string {
	msg := "invalid endpoint: " + e.Problem
	if e.Endpoint != "" {
		msg = fmt.Sprintf("invalid endpoint %q: %s", e.Endpoint, e.Problem)
	}
	if e.Insecure {
		msg += "; use https://, or allow insecure HTTP explicitly (AllowInsecureHTTP)"
	}
	return msg
}

// CheckEndpoint is the one rule of an endpoint's form, which the client and the provider's
// validation both apply: an http:// or https:// URL with a host, and no credentials, query or
// fragment; plain http:// only to a loopback address (127.0.0.0/8, ::1, localhost) unless
// allowInsecure. It answers the endpoint normalized (no trailing slash), or an *EndpointError.
func CheckEndpoint(raw string, allowInsecure bool) (string, error) {
	endpoint, _, err := checkEndpoint(raw, allowInsecure)
	return endpoint, err
}

// checkEndpoint is CheckEndpoint that also answers the parsed URL.
func checkEndpoint(raw string, allowInsecure bool) (string, *url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" {
		return "", nil, &EndpointError{Problem: "it is not a URL such as " + DefaultEndpoint}
	}
	refuse := func(problem string) (string, *url.URL, error) {
		return "", nil, &EndpointError{Endpoint: u.Redacted(), Problem: problem}
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return refuse("it must start with https:// (or http:// for a loopback address), such as " + DefaultEndpoint)
	case u.Host == "" || u.Hostname() == "":
		return refuse("it has no host")
	case u.User != nil:
		return refuse("it must not hold credentials: give the credential as a token or an OAuth client instead")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return refuse("it must not have a query or a fragment")
	}
	if u.Scheme == "http" && !allowInsecure && !isLoopback(u.Hostname()) {
		return "", nil, &EndpointError{Endpoint: u.Redacted(), Insecure: true,
			Problem: "plain http:// is allowed only to a loopback address (localhost, 127.0.0.1, ::1)"}
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
