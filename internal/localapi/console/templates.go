package console

import (
	"fmt"
	"html/template"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

// pageNames are the console's pages: templates/<name>.html, each rendered inside
// templates/layout.html.
var pageNames = []string{
	"sign-in", "error",
	"organization", "members", "api-users", "api-tokens", "oauth-clients", "outbox",
	"accept-invitation", "reset-password",
}

func parsePages() (map[string]*template.Template, error) {
	pages := map[string]*template.Template{}
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("console: parse %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

var funcs = template.FuncMap{
	"date":    date,
	"rfc3339": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"dayOnly": func(t time.Time) string { return t.UTC().Format("2 Jan 2006") },
	"role":    roleTitle,
	"article": article,
	"title":   title,
	"initial": initial,
	"scope":   scopeTitle,
	"expiry":  expiryTitle,
	"badge":   badge,
	"kind":    emailKind,
	"confirm": confirm,
}

// confirmView is a button that asks before it sends its form (templates/layout.html, "confirm").
type confirmView struct {
	Label, Question, Action, CSRF string
}

func confirm(label, question, action, csrf string) confirmView {
	return confirmView{Label: label, Question: question, Action: action, CSRF: csrf}
}

// date formats a time (or a *time.Time; nil is "") in UTC.
func date(v any) string {
	t, ok := timeOf(v)
	if !ok {
		return ""
	}
	return t.Format("2 Jan 2006, 15:04 UTC")
}

// timeOf reads a time.Time or a non-nil *time.Time, in UTC.
func timeOf(v any) (time.Time, bool) {
	switch x := v.(type) {
	case time.Time:
		return x.UTC(), true
	case *time.Time:
		if x == nil {
			return time.Time{}, false
		}
		return x.UTC(), true
	}
	return time.Time{}, false
}

func roleTitle(r client.Role) string {
	switch r {
	case client.RoleViewer:
		return "Viewer"
	case client.RoleWriter:
		return "Writer"
	case client.RoleOwner:
		return "Owner"
	}
	return string(r)
}

// article is "a Writer", "an Owner".
func article(noun string) string {
	if noun != "" && strings.ContainsRune("AEIOUaeiou", rune(noun[0])) {
		return "an " + noun
	}
	return "a " + noun
}

// title is s with its first letter upper-cased ("pending" → "Pending").
func title(v any) string {
	s := fmt.Sprint(v)
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + strings.ReplaceAll(s[n:], "_", " ")
}

// initial is the letter of an avatar.
func initial(s string) string {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return string(unicode.ToUpper(r))
		}
	}
	return "?"
}

// scopeTitle is what a token may do, as the seeds name it.
func scopeTitle(t *client.APIToken) string {
	switch {
	case t.Scope == nil:
		return "Full access"
	case *t.Scope == client.ScopeRead:
		return "Read-only"
	case *t.Scope == client.ScopeReadWrite:
		return "Read + write"
	}
	return string(*t.Scope)
}

func expiryTitle(e client.Expiry) string {
	switch e {
	case client.ExpiryNever:
		return "Never"
	case client.Expiry30d:
		return "30 days"
	case client.Expiry90d:
		return "90 days"
	case client.Expiry1y:
		return "1 year"
	}
	return string(e)
}

// badge is the colour class of a status.
func badge(status any) string {
	switch fmt.Sprint(status) {
	case "active", "enabled", "true":
		return "badge badge-ok"
	case "pending":
		return "badge badge-info"
	case "expired":
		return "badge badge-warn"
	case "locked", "revoked", "disabled", "false":
		return "badge badge-off"
	default:
		return "badge"
	}
}

// emailKind names the kind of an outbox email.
func emailKind(kind string) string {
	switch kind {
	case "invitation":
		return "Invitation"
	case "password_reset":
		return "Password reset"
	}
	return title(kind)
}
