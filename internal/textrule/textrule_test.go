package textrule

import (
	"errors"
	"strings"
	"testing"
)

func TestName(t *testing.T) {
	for v, want := range map[string]string{
		"Jane": "Jane", " Jane ": " Jane ", "Mary\u00a0Ann": "Mary\u00a0Ann", "José": "José", "محمد": "محمد",
		"Jose\u0301": "José", "A\u030angstr\u00f6m": "Ångström", strings.Repeat("名", 100): strings.Repeat("名", 100),
		"l·l": "l·l",
	} {
		got, err := Name(v, NameMaxLength)
		if err != nil || got != want {
			t.Errorf("Name(%q) = %q, %v; want %q", v, got, err, want)
		}
	}
	for v, reason := range map[string]string{
		"":                         "it is blank",
		" \u3000 ":                 "it is blank",
		"a\nb":                     "control character",
		"\xff":                     "not valid UTF-8",
		"CI \u202eenilepip":        "U+202E RIGHT-TO-LEFT OVERRIDE, an invisible formatting character",
		"C\u200bI":                 "U+200B ZERO WIDTH SPACE, an invisible formatting character",
		"\ufeffCI":                 "U+FEFF ZERO WIDTH NO-BREAK SPACE, an invisible formatting character",
		"\u0915\u094d\u200d\u0937": "U+200D ZERO WIDTH JOINER",
		"deploy\u200d":             "U+200D ZERO WIDTH JOINER",
		"Jo\u00adse":               "U+00AD SOFT HYPHEN",
		"\u2066CI\u2069":           "U+2066 LEFT-TO-RIGHT ISOLATE",
		"Acme\u2028Inc":            "U+2028 LINE SEPARATOR, a line or paragraph separator",
		"Acme\u2029Inc":            "U+2029 PARAGRAPH SEPARATOR",
		"a\ue000":                  "U+E000, a private-use character",
		"a\u0378":                  "U+0378, an unassigned code point",
		"a·b":                      "PRECIS",
		strings.Repeat("x", 101):   "101 characters long, more than 100",
		strings.Repeat("é", 101):   "101 characters long",
	} {
		_, err := Name(v, NameMaxLength)
		var te *Error
		if !errors.As(err, &te) || te.Rule != NameRule(NameMaxLength) || !strings.Contains(te.Reason, reason) {
			t.Errorf("Name(%q): %v, want a refusal that says %q", v, err, reason)
		}
	}
	// The length is the stored form's: an NFD name longer than the limit is taken when its NFC is not.
	if got, err := Name(strings.Repeat("e\u0301", 100), NameMaxLength); err != nil || got != strings.Repeat("é", 100) {
		t.Errorf("a 200-code-point NFD name of 100 characters: %q, %v", got, err)
	}
}

func TestText(t *testing.T) {
	for v, want := range map[string]string{
		"": "", "Nightly\tingestion\npipeline": "Nightly\tingestion\npipeline", "\n": "\n",
		"Jose\u0301's\npipeline": "José's\npipeline",
	} {
		got, err := Text(v, DescriptionMaxLength)
		if err != nil || got != want {
			t.Errorf("Text(%q) = %q, %v; want %q", v, got, err, want)
		}
	}
	for v, reason := range map[string]string{
		"ring\u0007bell":         "control character other than a line break or a tab",
		"a\rb":                   "control character",
		"one\u2029two":           "U+2029 PARAGRAPH SEPARATOR",
		"\u200enightly":          "U+200E LEFT-TO-RIGHT MARK",
		"a\n\u202eb":             "U+202E",
		strings.Repeat("x", 501): "501 characters long, more than 500",
	} {
		_, err := Text(v, DescriptionMaxLength)
		var te *Error
		if !errors.As(err, &te) || te.Rule != TextRule(DescriptionMaxLength) || !strings.Contains(te.Reason, reason) {
			t.Errorf("Text(%q): %v, want a refusal that says %q", v, err, reason)
		}
	}
}

func TestEmail(t *testing.T) {
	for v, want := range map[string]string{
		"jane@example.com": "jane@example.com", "Jane.Doe+tf@Sub.Example.co.uk": "Jane.Doe+tf@Sub.Example.co.uk",
		"ünï@bücher.de": "ünï@bücher.de", "jose\u0301@example.com": "josé@example.com", "o'brien@example.ie": "o'brien@example.ie",
		"a#b!c%d`e|f~g/h=i?j^k&l*m$@example.com": "a#b!c%d`e|f~g/h=i?j^k&l*m$@example.com",
		"مستخدم@example.com":                     "مستخدم@example.com",
	} {
		got, err := Email(v)
		if err != nil || got != want {
			t.Errorf("Email(%q) = %q, %v; want %q", v, got, err, want)
		}
	}
	for v, reason := range map[string]string{
		"":                                       "it is empty",
		"gnp.\u202eevil@example.com":             "U+202E RIGHT-TO-LEFT OVERRIDE",
		"bot\u200b@example.com":                  "U+200B ZERO WIDTH SPACE",
		"\ufeffjane@example.com":                 "U+FEFF",
		"jane\u2028@example.com":                 "U+2028 LINE SEPARATOR",
		"jane\u00a0doe@example.com":              "U+00A0 NO-BREAK SPACE, a space",
		"\uff4aane@example.com":                  "U+FF4A FULLWIDTH LATIN SMALL LETTER J",
		"€uro@example.com":                       "U+20AC EURO SIGN, a symbol or punctuation mark outside ASCII",
		"a\u2122@example.com":                    "U+2122 TRADE MARK SIGN",
		"a@example.com\n":                        "control character",
		"Bot <bot@example.com>":                  "not a bare email address",
		"jane@example":                           `the domain "example" has no dot`,
		"jane@exa_mple.com":                      "is not a domain name",
		strings.Repeat("a", 65) + "@x.com":       "longer than 64",
		"a@" + strings.Repeat("b", 250) + ".com": "more than 254",
	} {
		_, err := Email(v)
		var te *Error
		if !errors.As(err, &te) || te.Rule != EmailRule || !strings.Contains(te.Reason, reason) {
			t.Errorf("Email(%q): %v, want a refusal that says %q", v, err, reason)
		}
	}
}

func TestKey(t *testing.T) {
	same := [][]string{
		{"josé@example.com", "jose\u0301@example.com", "JOSÉ@EXAMPLE.COM", "JOSE\u0301@Example.com"},
		{"straße@example.de", "STRASSE@example.de", "strasse@example.de"},
		{"åsa@example.se", "A\u030aSA@example.se", "\u212bsa@example.se"},
		{"Jane@Example.com", "jane@example.com"},
	}
	for _, group := range same {
		for _, v := range group[1:] {
			if !SameEmail(group[0], v) {
				t.Errorf("%q and %q are one address: keys %q, %q", group[0], v, Key(group[0]), Key(v))
			}
		}
	}
	for _, pair := range [][2]string{{"jose@example.com", "josé@example.com"}, {"jane@example.com", "jane2@example.com"}} {
		if SameEmail(pair[0], pair[1]) {
			t.Errorf("%q and %q are two addresses", pair[0], pair[1])
		}
	}
}

func TestNotStoredForm(t *testing.T) {
	err := NotStoredForm(NameRule(NameMaxLength), "Jose\u0301", "José")
	if !strings.Contains(err.Error(), `write "José"`) || !strings.HasPrefix(err.Error(), NameRule(NameMaxLength)) {
		t.Errorf("NotStoredForm: %v", err)
	}
}
