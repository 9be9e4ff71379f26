package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
	"golang.org/x/sync/singleflight"
)

// tokenPath is the OAuth token endpoint, relative to the API endpoint.
const tokenPath = "/oauth/token"

// authenticator gives the Authorization header of a request.
type authenticator interface {
	authorization(ctx context.Context) (string, error)
}

// invalidator is an authenticator whose credential can be renewed: invalidate drops the
// credential a refused request carried (its Authorization header), so that the next request
// fetches a new one; a credential renewed meanwhile (by another call refused at the same time)
// is kept.
type invalidator interface {
	invalidate(refused string)
}

// staticToken is a fixed bearer credential (an API token or an access token).
type staticToken string

func (t staticToken) authorization(context.Context) (string, error) {
	return "Bearer " + string(t), nil
}

// clientCredentials gets access tokens with the OAuth client-credentials grant and keeps the
// current one until shortly before it expires. Concurrent callers share one token request.
type clientCredentials struct {
	core     *core
	clientID string
	config   clientcredentials.Config
	// tokenHTTP is the token source's HTTP client: the same transport, retries and log as the API.
	tokenHTTP *http.Client

	mu    sync.Mutex
	token *oauth2.Token
	group singleflight.Group
}

func newClientCredentials(c *core, clientID, clientSecret string) *clientCredentials {
	return &clientCredentials{
		core:     c,
		clientID: clientID,
		config: clientcredentials.Config{
			ClientID:     clientID,
			ClientSecret: clientSecret,
			TokenURL:     c.endpoint + tokenPath,
			AuthStyle:    oauth2.AuthStyleInHeader,
		},
		tokenHTTP: &http.Client{Transport: &tokenTransport{core: c}},
	}
}

func (cc *clientCredentials) authorization(ctx context.Context) (string, error) {
	cc.mu.Lock()
	tok := cc.token
	cc.mu.Unlock()
	if tok.Valid() {
		return "Bearer " + tok.AccessToken, nil
	}
	// The fetch outlives a caller that gives up (it is bounded by the retry policy), so that
	// callers waiting on the same fetch are not failed by someone else's cancellation.
	ch := cc.group.DoChan("token", func() (any, error) {
		fctx := context.WithValue(context.WithoutCancel(ctx), oauth2.HTTPClient, cc.tokenHTTP)
		tok, err := cc.config.Token(fctx)
		if err != nil {
			return nil, cc.tokenError(err)
		}
		cc.mu.Lock()
		cc.token = tok
		cc.mu.Unlock()
		return tok, nil
	})
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case res := <-ch:
		if res.Err != nil {
			return "", res.Err
		}
		tok, ok := res.Val.(*oauth2.Token)
		if !ok {
			return "", fmt.Errorf("OAuth client %q: the token source answered %T", cc.clientID, res.Val)
		}
		return "Bearer " + tok.AccessToken, nil
	}
}

func (cc *clientCredentials) invalidate(refused string) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if cc.token != nil && "Bearer "+cc.token.AccessToken == refused {
		cc.token = nil
	}
}

// tokenError turns a failed token request into an error that names the client id, never the
// secret: an *APIError when the endpoint answered.
func (cc *clientCredentials) tokenError(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.Response != nil {
		status := re.Response.StatusCode
		ae := newAPIError(http.MethodPost, tokenPath, status, re.Response.Header, re.Body, cc.core.scrub)
		if status == http.StatusUnauthorized || re.ErrorCode == "invalid_client" {
			detail := re.ErrorDescription
			if detail == "" {
				detail = re.ErrorCode
			}
			ae.StatusCode = http.StatusUnauthorized
			ae.Code = CodeUnauthorized
			ae.Message = cc.core.scrub.scrub(fmt.Sprintf("the token endpoint refused OAuth client %q (%s): check the client id and client secret, and that the client exists and is enabled", cc.clientID, strings.TrimSpace(detail)))
		}
		return ae
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var te *transportError
	if errors.As(err, &te) {
		return te
	}
	return fmt.Errorf("POST %s: getting an access token for OAuth client %q: %s", tokenPath, cc.clientID, cc.core.scrub.scrub(err.Error()))
}

// tokenTransport carries the token source's requests through the client's retry loop. The grant
// creates nothing persistent, so it is safe to repeat.
type tokenTransport struct {
	core *core
}

func (t *tokenTransport) RoundTrip(hr *http.Request) (*http.Response, error) {
	c := t.core
	hr = hr.Clone(hr.Context())
	hr.Header.Set("User-Agent", c.userAgent)
	req, err := retryablehttp.FromRequest(hr)
	if err != nil {
		return nil, err
	}
	path := strings.TrimPrefix(hr.URL.Path, c.basePath)
	return c.retry(hr.Context(), req, path, true, nil)
}
