// Package textrule owns the rules that names, free text and email addresses follow: which
// characters they may hold, how long they may be, the form they are stored in and how emails
// compare. alien-local calls it to check what it is sent, and the provider calls the same
// functions in its plan-time validators, so that the two cannot disagree.
//
// The character rules are the PRECIS framework's (RFC 8264), from golang.org/x/text/secure/precis:
// names and free text use the FreeformClass (letters, digits, symbols, punctuation and spaces of
// every script), email addresses the IdentifierClass (letters and digits of every script, and
// printable ASCII), as RFC 8265 does for usernames. Both classes refuse what lets two values that
// read the same differ, or one value read as another: control characters, invisible formatting
// characters (zero-width spaces and joiners, the byte-order mark, soft hyphens, bidirectional
// marks and overrides such as U+202E), line and paragraph separators (U+2028, U+2029), unassigned
// and private-use code points. Email addresses also refuse spaces of any kind, non-ASCII symbols
// and compatibility forms (fullwidth letters, ligatures).
//
// Values are stored in Unicode normalization form C (golang.org/x/text/unicode/norm), so that
// "josé" typed with a precomposed é and with e + U+0301 is one value. Emails compare by their Key:
// NFC after Unicode full case folding (golang.org/x/text/cases), so "JOSÉ@example.com",
// "josé@example.com" and "jose\u0301@Example.com" are one address, as are "STRASSE" and "straße".
package textrule

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/runes"
	"golang.org/x/text/secure/precis"
	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/unicode/runenames"
)

// NameMaxLength is the limit, in characters, on every name: an organization's, an API token's,
// an OAuth client's, a managed user's first and last names, a person's name.
const NameMaxLength = 100

// DescriptionMaxLength is the limit, in characters, on a service account's description.
const DescriptionMaxLength = 500

// EmailMaxLength is the limit, in bytes, on an email address (RFC 5321's path limit less the
// angle brackets); its local part has at most 64 bytes, each domain label at most 63.
const EmailMaxLength = 254

// EmailRule is the rule of email addresses, as the API's and the provider's errors state it.
const EmailRule = "must be a bare email address such as jane.doe@example.com (no display name, no spaces)"

// NameRule is the rule of names of at most maxLen characters, as errors state it.
func NameRule(maxLen int) string {
	return fmt.Sprintf("must not be blank, and must be on one line without control or invisible formatting "+
		"characters, at most %d characters long", maxLen)
}

// TextRule is the rule of free text of at most maxLen characters, as errors state it.
func TextRule(maxLen int) string {
	return fmt.Sprintf("must not contain control characters or invisible formatting characters (newlines and "+
		"tabs are allowed), and must be at most %d characters long", maxLen)
}

// Error is a value that breaks a rule: Rule is the rule ("must be ..."), Reason what is wrong with
// the value ("it is blank"). Error() reads "<rule>: <reason>".
type Error struct {
	Rule   string
	Reason string
}

// Error implements error.
func (e *Error) Error() string { return e.Rule + ": " + e.Reason }

// The PRECIS profiles, NFC, and with every format character refused: PRECIS lets the zero-width
// joiner and non-joiner (U+200D, U+200C) stand after a virama, where they change how Indic
// letters join, but they are invisible, and nothing here needs them.
var (
	freeform   = precis.NewFreeform(precis.Norm(norm.NFC), precis.Disallow(runes.In(unicode.Cf)))
	identifier = precis.NewIdentifier(precis.Norm(norm.NFC), precis.Disallow(runes.In(unicode.Cf)))
	fold       = cases.Fold()
)

// Name checks a name of at most maxLen characters and answers the form it is stored in (NFC).
// A name is not blank (white space only), holds no control character (it is on one line), and
// every character is in the PRECIS FreeformClass.
func Name(v string, maxLen int) (string, error) {
	refuse := func(format string, args ...any) (string, error) {
		return "", &Error{Rule: NameRule(maxLen), Reason: fmt.Sprintf(format, args...)}
	}
	switch {
	case !utf8.ValidString(v):
		return refuse("it is not valid UTF-8")
	case strings.TrimSpace(v) == "":
		return refuse("it is blank")
	case strings.ContainsFunc(v, unicode.IsControl):
		return refuse("it holds a control character (such as a line break or a tab)")
	}
	stored, reason := enforce(freeform, v, false)
	if reason != "" {
		return refuse("%s", reason)
	}
	if n := utf8.RuneCountInString(stored); n > maxLen {
		return refuse("it is %d characters long, more than %d", n, maxLen)
	}
	return stored, nil
}

// Text checks free text of at most maxLen characters (a description) and answers the form it is
// stored in (NFC). Free text may be empty and may hold line breaks and tabs; every other
// character is in the PRECIS FreeformClass.
func Text(v string, maxLen int) (string, error) {
	refuse := func(format string, args ...any) (string, error) {
		return "", &Error{Rule: TextRule(maxLen), Reason: fmt.Sprintf(format, args...)}
	}
	if !utf8.ValidString(v) {
		return refuse("it is not valid UTF-8")
	}
	var b strings.Builder
	rest := v
	for rest != "" {
		i := strings.IndexAny(rest, "\n\t")
		seg, sep := rest, ""
		if i >= 0 {
			seg, sep, rest = rest[:i], rest[i:i+1], rest[i+1:]
		} else {
			rest = ""
		}
		if seg != "" {
			if strings.ContainsFunc(seg, unicode.IsControl) {
				return refuse("it holds a control character other than a line break or a tab")
			}
			stored, reason := enforce(freeform, seg, false)
			if reason != "" {
				return refuse("%s", reason)
			}
			b.WriteString(stored)
		}
		b.WriteString(sep)
	}
	stored := b.String()
	if n := utf8.RuneCountInString(stored); n > maxLen {
		return refuse("it is %d characters long, more than %d", n, maxLen)
	}
	return stored, nil
}

// Email checks an email address and answers the form it is stored in (NFC; letter case is kept:
// emails compare by Key). The API takes a bare address as net/mail parses it (no display name, no
// comment, no quoted local part), of at most EmailMaxLength bytes, with a local part of at most 64
// bytes and a domain of at least two dot-separated labels of at most 63 bytes, each of letters,
// digits and inner hyphens; every character is in the PRECIS IdentifierClass.
func Email(v string) (string, error) {
	refuse := func(format string, args ...any) (string, error) {
		return "", &Error{Rule: EmailRule, Reason: fmt.Sprintf(format, args...)}
	}
	const notBare = "it is not a bare email address"
	switch {
	case !utf8.ValidString(v):
		return refuse("it is not valid UTF-8")
	case v == "":
		return refuse("it is empty")
	case strings.ContainsFunc(v, unicode.IsControl):
		return refuse("it holds a control character (such as a line break or a tab)")
	}
	allowed := identifier.Allowed()
	for _, r := range v {
		if r > unicode.MaxASCII && !allowed.Contains(r) {
			return refuse("it holds %s", describe(r, true))
		}
	}
	stored := norm.NFC.String(v)
	if len(stored) > EmailMaxLength {
		return refuse("it is %d bytes long, more than %d", len(stored), EmailMaxLength)
	}
	addr, err := mail.ParseAddress(stored)
	if err != nil || addr.Name != "" || addr.Address != stored {
		return refuse(notBare)
	}
	local, domain, ok := strings.Cut(stored, "@")
	switch {
	case !ok || local == "" || strings.ContainsAny(local, " \"\\"):
		return refuse(notBare)
	case len(local) > 64:
		return refuse("the part before the @ is longer than 64 characters")
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return refuse("the domain %q has no dot (such as example.com)", domain)
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' || strings.IndexFunc(l, notInDomainLabel) >= 0 {
			return refuse("the domain %q is not a domain name (dot-separated labels of letters, digits and inner "+
				"hyphens, at most 63 characters each)", domain)
		}
	}
	if _, reason := enforce(identifier, stored, true); reason != "" {
		return refuse("%s", reason)
	}
	return stored, nil
}

// notInDomainLabel tells whether r cannot stand in a domain label, which holds ASCII letters and
// digits, hyphens and non-ASCII letters only.
func notInDomainLabel(r rune) bool {
	switch {
	case r == '-', r >= '0' && r <= '9', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		return false
	default:
		return r <= unicode.MaxASCII || !unicode.IsLetter(r)
	}
}

// Key is what emails compare by: NFC after Unicode full case folding. Two emails are the same
// address exactly when their keys are equal. It is defined for every string, valid email or not.
func Key(email string) string {
	return norm.NFC.String(fold.String(norm.NFD.String(email)))
}

// SameEmail tells whether a and b are the same address (equal keys).
func SameEmail(a, b string) bool {
	return a == b || Key(a) == Key(b)
}

// NotStoredForm is the error for a value that the API accepts but stores in another form (v is
// not NFC): the provider refuses it at plan time, so that the state never differs from the
// configuration.
func NotStoredForm(rule, v, stored string) error {
	return &Error{Rule: rule, Reason: fmt.Sprintf("it is not in Unicode normalization form C (NFC), the form the API "+
		"stores: write %q, which reads the same but encodes its accented letters as single characters (got %d "+
		"characters, NFC has %d)", stored, utf8.RuneCountInString(v), utf8.RuneCountInString(stored))}
}

// enforce applies a PRECIS profile to v and answers the stored form, or why v is refused: the
// first character outside the profile's class, named, or else the contextual rule it breaks.
func enforce(p *precis.Profile, v string, email bool) (string, string) {
	stored, err := p.String(v)
	if err == nil {
		return stored, ""
	}
	allowed := p.Allowed()
	for _, r := range v {
		if !allowed.Contains(r) {
			return "", "it holds " + describe(r, email)
		}
	}
	return "", "it has a character where Unicode's PRECIS rules (RFC 8264) do not allow it"
}

// describe names a refused character and says what kind it is: "U+202E RIGHT-TO-LEFT OVERRIDE,
// an invisible formatting character". email says whether it was refused in an email address
// (whose class also refuses non-ASCII symbols and punctuation).
func describe(r rune, email bool) string {
	code := fmt.Sprintf("U+%04X", r)
	if name := runenames.Name(r); name != "" && !strings.HasPrefix(name, "<") {
		code += " " + name
	}
	switch {
	case unicode.Is(unicode.Cf, r):
		return code + ", an invisible formatting character"
	case unicode.In(r, unicode.Zl, unicode.Zp):
		return code + ", a line or paragraph separator"
	case unicode.Is(unicode.Zs, r):
		return code + ", a space"
	case unicode.Is(unicode.Cc, r):
		return code + ", a control character"
	case unicode.Is(unicode.Co, r):
		return code + ", a private-use character"
	case unicode.Is(unicode.Cs, r):
		return code + ", a surrogate"
	case !unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S):
		return code + ", an unassigned code point"
	case email && unicode.In(r, unicode.S, unicode.P):
		return code + ", a symbol or punctuation mark outside ASCII"
	case email:
		return code + ", a character email addresses may not hold (such as a fullwidth letter, a ligature or a superscript)"
	}
	return code + ", where Unicode's PRECIS rules (RFC 8264) do not allow it (a middle dot, for example, stands only between two l's)"
}
