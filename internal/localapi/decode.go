package localapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi/store"
	"github.com/alien-intelligence/terraform-provider-alien/internal/textrule"
)

// maxBodyBytes bounds request bodies.
const maxBodyBytes = 1 << 20

// readBody reads a request body of at most 1 MiB. A body of a non-JSON content type is refused
// (a missing Content-Type is taken as JSON). A body that stops arriving is cut off by the
// server's read timeout: that answer says so, and closes the connection (w).
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, *apiError) {
	if r.Body == nil {
		return nil, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		w.Header().Set("Connection", "close")
		return nil, errInvalid("body", "the request body did not arrive within the server's read timeout; send it at once")
	}
	if err != nil {
		return nil, errInvalid("body", "could not read the request body: %v", err)
	}
	if len(body) > maxBodyBytes {
		return nil, errInvalid("body", "the request body is larger than 1 MiB")
	}
	if len(body) > 0 {
		if ct := r.Header.Get("Content-Type"); ct != "" {
			mt, _, err := mime.ParseMediaType(ct)
			if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
				return nil, errInvalid("body", "the request body must be application/json, not %q", ct)
			}
		}
	}
	return body, nil
}

// field describes one member of a request's JSON object.
type field struct {
	name     string
	required bool
	str      *string // for a string member
	boolean  *bool   // for a boolean member
	present  *bool   // set when the member is present (optional members)
}

func strField(name string, dst *string, required bool) field {
	return field{name: name, required: required, str: dst}
}

func optStrField(name string, dst *string, present *bool) field {
	return field{name: name, str: dst, present: present}
}

func optBoolField(name string, dst *bool, present *bool) field {
	return field{name: name, boolean: dst, present: present}
}

// decodeObject decodes body, strictly, as a JSON object with exactly the given members: unknown,
// duplicate or null members, values of the wrong type, missing required members, invalid UTF-8,
// anything but one object, and trailing data are all 400 with the field at fault.
func decodeObject(body []byte, fields ...field) *apiError {
	if len(bytes.TrimSpace(body)) == 0 {
		return errInvalid("body", "a JSON object is required")
	}
	if !utf8.Valid(body) {
		return errInvalid("body", "the request body is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	tok, err := dec.Token()
	if err != nil {
		return errInvalid("body", "malformed JSON: %s", jsonErrorText(err))
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return errInvalid("body", "the request body must be a JSON object")
	}
	byName := make(map[string]*field, len(fields))
	for i := range fields {
		byName[fields[i].name] = &fields[i]
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return errInvalid("body", "malformed JSON: %s", jsonErrorText(err))
		}
		name, ok := tok.(string)
		if !ok {
			return errInvalid("body", "malformed JSON object")
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return errInvalid("body", "malformed JSON: %s", jsonErrorText(err))
		}
		f := byName[name]
		if f == nil {
			at := name
			if at == "" { // an envelope's field is never empty
				at = "body"
			}
			return errInvalid(at, "unknown field %q", name)
		}
		if seen[name] {
			return errInvalid(name, "duplicate field %q", name)
		}
		seen[name] = true
		if bytes.Equal(raw, []byte("null")) {
			return errInvalid(name, "must not be null")
		}
		switch {
		case f.str != nil:
			if raw[0] != '"' || json.Unmarshal(raw, f.str) != nil {
				return errInvalid(name, "must be a string")
			}
		case f.boolean != nil:
			if json.Unmarshal(raw, f.boolean) != nil {
				return errInvalid(name, "must be a boolean")
			}
		}
		if f.present != nil {
			*f.present = true
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return errInvalid("body", "malformed JSON: %s", jsonErrorText(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return errInvalid("body", "unexpected data after the JSON object")
	}
	for _, f := range fields {
		if f.required && !seen[f.name] {
			return errInvalid(f.name, "is required")
		}
	}
	return nil
}

// decodeEmpty checks that an operation without a request body got none (or an empty object).
func decodeEmpty(body []byte) *apiError {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	return decodeObject(body)
}

func jsonErrorText(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%s (at byte %d)", se.Error(), se.Offset)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return "unexpected end of input"
	}
	return err.Error()
}

// The rules of names, free text and emails are internal/textrule's, which the provider's
// plan-time validators call too. Each check replaces the value with the form it is stored in
// (Unicode NFC), which is what the handlers store and answer.

// validateText checks free text (a description) of at most limit characters.
func validateText(field string, v *string, limit int) *apiError {
	return storedForm(field, v, func(v string) (string, error) { return textrule.Text(v, limit) })
}

// validateName checks a name of at most limit characters.
func validateName(field string, v *string, limit int) *apiError {
	return storedForm(field, v, func(v string) (string, error) { return textrule.Name(v, limit) })
}

// validateEmail checks an email address.
func validateEmail(field string, v *string) *apiError {
	return storedForm(field, v, textrule.Email)
}

// storedForm checks *v with check: it replaces *v with the form to store, or answers a 400 that
// names field and says what is wrong.
func storedForm(field string, v *string, check func(string) (string, error)) *apiError {
	stored, err := check(*v)
	if err != nil {
		return errInvalid(field, "%s", err.Error())
	}
	*v = stored
	return nil
}

// validateEnum checks that v is one of allowed.
func validateEnum(field, v string, allowed ...string) *apiError {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return errInvalid(field, "must be one of %s (got %q)", strings.Join(allowed, ", "), v)
}

// query reads an optional query parameter (the first value); a parameter given twice is refused.
func query(r *http.Request, name string) (string, *apiError) {
	vs := r.URL.Query()[name]
	switch len(vs) {
	case 0:
		return "", nil
	case 1:
		return vs[0], nil
	default:
		return "", errInvalid(name, "must be given once")
	}
}

// queryEnum reads an optional query parameter that must be one of allowed when present.
func queryEnum(r *http.Request, name string, allowed ...string) (string, *apiError) {
	v, e := query(r, name)
	if e != nil || !r.URL.Query().Has(name) {
		return "", e
	}
	return v, validateEnum(name, v, allowed...)
}

// pageParams reads page_size (1..100, default 50) and cursor for the collection coll.
func pageParams(r *http.Request, coll string) (store.Page, *apiError) {
	p := store.Page{Limit: 50}
	size, e := query(r, "page_size")
	if e != nil {
		return p, e
	}
	if r.URL.Query().Has("page_size") {
		n, err := strconv.Atoi(size)
		if err != nil || n < 1 || n > 100 {
			return p, errInvalid("page_size", "must be an integer from 1 to 100 (got %q)", size)
		}
		p.Limit = n
	}
	cur, e := query(r, "cursor")
	if e != nil {
		return p, e
	}
	if r.URL.Query().Has("cursor") {
		after, ok := parseCursor(coll, cur)
		if !ok {
			return p, errInvalid("cursor", "not a cursor of this list (use the next_cursor of the previous page)")
		}
		p.After = after
	}
	return p, nil
}

// Cursors are opaque to clients: base64url("<collection>:<seq>").
func makeCursor(coll string, next int64) *string {
	if next == 0 {
		return nil
	}
	c := base64.RawURLEncoding.EncodeToString([]byte(coll + ":" + strconv.FormatInt(next, 10)))
	return &c
}

func parseCursor(coll, cur string) (int64, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(cur)
	if err != nil {
		return 0, false
	}
	c, seq, ok := strings.Cut(string(raw), ":")
	if !ok || c != coll {
		return 0, false
	}
	n, err := strconv.ParseInt(seq, 10, 64)
	if err != nil || n < 1 || strconv.FormatInt(n, 10) != seq {
		return 0, false
	}
	return n, true
}
