package localapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi/store"
)

// idempotencyTTL is how long an Idempotency-Key is remembered.
const idempotencyTTL = 24 * time.Hour

// Kinds of one-time secrets a replay re-keys.
const (
	secretAPIToken       = "api_token"
	secretOAuthClient    = "oauth_client"
	secretBootstrapToken = "bootstrap_token"
)

// outcome is a write's answer: the status, the body, and where the body holds a one-time
// secret (which the idempotency record must not keep).
type outcome struct {
	status int
	body   any
	// secret, when set, is the one-time secret at body's JSON member secretField, belonging to
	// the object secretObjectID of kind secretKind.
	secretKind     string
	secretField    string
	secretObjectID string
	// after runs once the transaction has committed (emails, through call.send), and only for a
	// first answer, never for a replay.
	after func()
}

// idempotencyKey reads and checks the Idempotency-Key header: 1 to 255 printable ASCII
// characters.
func idempotencyKey(r *http.Request) (string, *apiError) {
	vs := r.Header.Values("Idempotency-Key")
	if len(vs) == 0 {
		return "", nil
	}
	if len(vs) > 1 {
		return "", errInvalid("Idempotency-Key", "must be given once")
	}
	k := vs[0]
	if len(k) < 1 || len(k) > 255 {
		return "", errInvalid("Idempotency-Key", "must be 1 to 255 characters")
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x20 || k[i] > 0x7e {
			return "", errInvalid("Idempotency-Key", "must be printable ASCII")
		}
	}
	return k, nil
}

// fingerprint identifies a request for idempotency: method, path and body (JSON without
// insignificant whitespace).
func fingerprint(r *http.Request, body []byte) []byte {
	var compact bytes.Buffer
	if json.Compact(&compact, body) != nil {
		compact.Reset()
		compact.Write(body)
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n", r.Method, r.URL.EscapedPath())
	h.Write(compact.Bytes())
	return h.Sum(nil)
}

// write runs fn in a write transaction under the request's Idempotency-Key, if it has one (see
// writeSync).
func (c *call) write(fn func(tx *store.Tx) (*outcome, error)) error {
	return c.writeSync(fn, nil)
}

// writeSync runs fn in a write transaction under the request's Idempotency-Key, if it has one: a
// key seen before (in the last 24 hours, in this organization) with the same request replays the
// first answer instead, re-keying a one-time secret; with another request it answers 422. The
// record is written in fn's transaction, so a write and its record commit together, and
// concurrent duplicates are serialised by the single writer: only one runs fn. sync, when set,
// runs after the commit for first answers and replays alike (it brings the identity provider in
// line with the database); if it fails the answer is 503 and a retry runs it again.
func (c *call) writeSync(fn func(tx *store.Tx) (*outcome, error), sync func(ctx context.Context, answer []byte) error) error {
	key, e := idempotencyKey(c.r)
	if e != nil {
		return e
	}
	s := c.s
	now := s.now()
	var fp []byte
	if key != "" {
		fp = fingerprint(c.r, c.body)
	}
	var answer []byte
	var status int
	var out *outcome
	err := s.db.Write(c.r.Context(), func(tx *store.Tx) error {
		answer, status, out = nil, 0, nil
		if key != "" {
			rec, err := tx.GetIdempotencyRecord(c.p.org.ID, key, now.Add(-idempotencyTTL))
			switch {
			case err == nil:
				if !bytes.Equal(rec.Fingerprint, fp) {
					return errIdempotencyReused("Idempotency-Key %q was used with another request in the last 24 hours; use a new key", key)
				}
				body, err := s.replay(tx, rec)
				if err != nil {
					return err
				}
				answer, status = body, rec.Status
				return nil
			case !errors.Is(err, store.ErrNotFound):
				return err
			}
		}
		o, err := fn(tx)
		if err != nil {
			return err
		}
		out = o
		body, err := json.Marshal(o.body)
		if err != nil {
			return err
		}
		answer, status = body, o.status
		if key == "" {
			return nil
		}
		stored := body
		if o.secretKind != "" {
			if stored, err = setMember(body, o.secretField, ""); err != nil {
				return err
			}
		}
		return tx.PutIdempotencyRecord(&store.IdempotencyRecord{
			OrganizationID: c.p.org.ID, Key: key, Fingerprint: fp, Status: o.status, Body: stored,
			SecretKind: o.secretKind, SecretObjectID: o.secretObjectID, CreatedAt: now,
		}, now.Add(-idempotencyTTL))
	})
	if err != nil {
		return err
	}
	if out != nil && out.after != nil {
		out.after()
	}
	if sync != nil {
		if err := sync(c.afterCommit(), answer); err != nil {
			return c.idpUnavailable(err, "the change was saved: retry (with the same Idempotency-Key) to complete it")
		}
	}
	writeRawJSON(c.w, status, answer)
	return nil
}

// afterCommit is the context of the work that follows a committed write (its emails, the identity
// provider's side): the request's values without its cancellation, so that a client that leaves
// once the write has committed does not leave that work half done. (A retry would only replay the
// answer: an invitation's email would never be sent.)
func (c *call) afterCommit() context.Context { return context.WithoutCancel(c.r.Context()) }

// replay rebuilds a recorded answer; where it held a one-time secret, the object gets a fresh
// secret (the first one was never stored, and was never delivered).
func (s *Server) replay(tx *store.Tx, rec *store.IdempotencyRecord) ([]byte, error) {
	switch rec.SecretKind {
	case "":
		return rec.Body, nil
	case secretAPIToken, secretBootstrapToken:
		field := "token"
		if rec.SecretKind == secretBootstrapToken {
			field = "bootstrap_token"
		}
		secret := randomBytes(32)
		if err := tx.RekeyAPIToken(rec.SecretObjectID, sha(secret)); errors.Is(err, store.ErrNotFound) {
			return nil, errIdempotencyReused("the object created with this Idempotency-Key no longer exists; use a new key")
		} else if err != nil {
			return nil, err
		}
		return setMember(rec.Body, field, formatAPIToken(rec.SecretObjectID, secret))
	case secretOAuthClient:
		secret := newClientSecret()
		if err := tx.RekeyOAuthClient(rec.SecretObjectID, sha([]byte(secret))); errors.Is(err, store.ErrNotFound) {
			return nil, errIdempotencyReused("the OAuth client created with this Idempotency-Key no longer exists; use a new key")
		} else if err != nil {
			return nil, err
		}
		return setMember(rec.Body, "client_secret", secret)
	default:
		return nil, fmt.Errorf("idempotency record with unknown secret kind %q", rec.SecretKind)
	}
}

// setMember sets one member of a JSON object.
func setMember(body []byte, name, value string) ([]byte, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, err
	}
	v, err := json.Marshal(value)
	if err != nil {
		return nil, err
	}
	m[name] = v
	return json.Marshal(m)
}
