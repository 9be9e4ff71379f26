package client

import (
	"net/url"
	"regexp"
	"sort"
	"strings"
)

const redacted = "REDACTED"

// credentialPattern matches the platform's credentials (API tokens and access tokens), in case a
// server or a proxy echoes one back in an error message.
var credentialPattern = regexp.MustCompile(`\b(oat|oaa)_[A-Za-z0-9_\-]+(\.[A-Za-z0-9_\-]+)?`)

// secretQueryKey reports whether a query parameter holds a secret (link tokens, secrets, passwords).
func secretQueryKey(key string) bool {
	k := strings.ToLower(key)
	return strings.Contains(k, "token") || strings.Contains(k, "secret") || strings.Contains(k, "password")
}

// displayPath is a request's path relative to the endpoint with its query, secret values redacted.
// It is what errors and log lines show.
func displayPath(path string, query url.Values) string {
	if len(query) == 0 {
		return path
	}
	keys := make([]string, 0, len(query))
	for k := range query {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		for _, v := range query[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k))
			b.WriteByte('=')
			if secretQueryKey(k) {
				b.WriteString(redacted)
			} else {
				b.WriteString(url.QueryEscape(v))
			}
		}
	}
	return path + "?" + b.String()
}

// scrubber removes the client's own secrets, and anything shaped like a platform credential, from
// text that is about to reach an error or a log line.
type scrubber struct {
	secrets []string
}

func newScrubber(secrets ...string) *scrubber {
	s := &scrubber{}
	for _, v := range secrets {
		// Very short values would redact ordinary words; real secrets are long.
		if len(v) >= 6 {
			s.secrets = append(s.secrets, v, url.QueryEscape(v))
		}
	}
	return s
}

func (s *scrubber) scrub(text string) string {
	if text == "" {
		return text
	}
	if s != nil {
		for _, v := range s.secrets {
			text = strings.ReplaceAll(text, v, redacted)
		}
	}
	return credentialPattern.ReplaceAllString(text, redacted)
}
