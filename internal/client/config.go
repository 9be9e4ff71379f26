package client

import (
	"context"
	"net/http"
	"time"
)

// DefaultEndpoint is the platform's API endpoint.
const DefaultEndpoint = "https://api.alien.club"

// Config configures a Client. New validates it and does no I/O.
type Config struct {
	// Endpoint is the API's base URL (default DefaultEndpoint). Plain http:// is refused unless
	// the host is a loopback address or AllowInsecureHTTP is set.
	Endpoint string
	// AllowInsecureHTTP permits http:// to a non-loopback host.
	AllowInsecureHTTP bool

	// Token is a static credential (an API token or an access token). Exclusive with ClientID.
	Token string
	// ClientID and ClientSecret authenticate with an OAuth client through the client-credentials
	// grant (golang.org/x/oauth2/clientcredentials); the access token is renewed as it expires.
	ClientID     string
	ClientSecret string

	// Version goes into the User-Agent: "terraform-provider-alien/<Version>".
	Version string
	// UserAgentExtra is appended to the User-Agent (e.g. "terraform/1.11.4").
	UserAgentExtra string

	// HTTPClient is the base client (default: go-cleanhttp's pooled client).
	HTTPClient *http.Client
	// MaxRetries is the number of retries after the first attempt (default 5; 0 keeps the
	// default, a negative value disables retries).
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the exponential backoff (defaults 250ms and 30s). A
	// Retry-After header is honoured up to RetryWaitMax.
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// RequestTimeout bounds each attempt (default 60s).
	RequestTimeout time.Duration

	// Logger receives one line per request and per retry. Secrets never reach it.
	Logger Logger

	// ReadCache answers reads by id from short-lived snapshots of whole collections, filled with
	// paginated list calls and dropped by writes (see DESIGN.md). Off by default.
	ReadCache bool
	// ReadCacheTTL is how long a snapshot serves reads (default 30s).
	ReadCacheTTL time.Duration
}

// Logger is where the client logs. The provider adapts it to tflog; fields never hold secrets.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
	Warn(ctx context.Context, msg string, fields map[string]any)
}
