package localapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
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

// outcome is a write's answer: the status, the body, and whether the body holds a one-time
// secret (which the idempotency record must not keep).
type outcome struct {
	status int
	body   any
	// secretKind, when set, says body holds the one-time secret of the object secretObjectID:
	// its idempotency record keeps no body (a replay rebuilds the answer from the object).
	secretKind     string
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

// keysInFlight are the Idempotency-Keys of the requests being served, per organization: a
// request whose key is in flight answers 409 idempotency_key_in_use instead of waiting for the
// writer and then replaying (which, for a one-time secret, would re-key the object under the
// first request's feet and hand out secrets that no longer work).
type keysInFlight struct {
	mu   sync.Mutex
	keys map[[2]string]struct{}
}

// acquire marks orgID's key in flight; ok is false when it already was. release ends it.
func (k *keysInFlight) acquire(orgID, key string) (release func(), ok bool) {
	id := [2]string{orgID, key}
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, busy := k.keys[id]; busy {
		return nil, false
	}
	if k.keys == nil {
		k.keys = map[[2]string]struct{}{}
	}
	k.keys[id] = struct{}{}
	return func() {
		k.mu.Lock()
		delete(k.keys, id)
		k.mu.Unlock()
	}, true
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
// first answer instead (see replay); with another request it answers 422. The record is written
// in fn's transaction, so a write and its record commit together. While a request with a key is
// in flight (from here until its answer has been handed to the connection), another with the
// same key answers 409 idempotency_key_in_use at once: it may retry, and then replays. sync, when set,
// runs after the commit for first answers and replays alike (it brings the identity provider in
// line with the database); if it fails the answer is 503 and a retry runs it again.
func (c *call) writeSync(fn func(tx *store.Tx) (*outcome, error), sync func(ctx context.Context, answer []byte) error) error {
	key, e := idempotencyKey(c.r)
	if e != nil {
		return e
	}
	s := c.s
	var fp []byte
	if key != "" {
		release, ok := s.inFlight.acquire(c.p.org.ID, key)
		if !ok {
			return errIdempotencyInUse("a request with Idempotency-Key %q is in flight; retry once it has been answered (the retry replays its answer)", key)
		}
		defer release()
		fp = fingerprint(c.r, c.body)
	}
	now := s.now()
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
				body, err := s.replay(tx, rec, now)
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
			stored = noBody
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
	// The key stays in flight until the answer has left: a replay must not re-key a secret that
	// is still on its way. (Not every writer flushes, such as a dropped answer's: nothing to wait
	// for then.)
	_ = http.NewResponseController(c.w).Flush()
	return nil
}

// afterCommit is the context of the work that follows a committed write (its emails, the identity
// provider's side): the request's values without its cancellation, so that a client that leaves
// once the write has committed does not leave that work half done. (A retry would only replay the
// answer: an invitation's email would never be sent.)
func (c *call) afterCommit() context.Context { return context.WithoutCancel(c.r.Context()) }

// noBody is the stored body of an answer that held a one-time secret: never read (replay rebuilds
// such an answer from the object), but the column is NOT NULL.
var noBody = []byte("{}")

// replay rebuilds a recorded answer. An answer without a one-time secret is the first answer,
// byte for byte. An answer with one cannot be (the first secret was never stored): the object
// gets a fresh secret, and the answer is the object as it is now, so a replay never hands out a
// dead secret marked active. A token that was revoked or has expired gets no new secret (it could
// never work), nor does a deleted object: those answer 422 saying so.
func (s *Server) replay(tx *store.Tx, rec *store.IdempotencyRecord, now time.Time) ([]byte, error) {
	switch rec.SecretKind {
	case "":
		return rec.Body, nil
	case secretAPIToken, secretBootstrapToken:
		t, err := tx.GetAPITokenByID(rec.SecretObjectID)
		if errors.Is(err, store.ErrNotFound) {
			return nil, errIdempotencyReused("the object created with this Idempotency-Key no longer exists; use a new key")
		}
		if err != nil {
			return nil, err
		}
		what := "API token " + t.ID
		if rec.SecretKind == secretBootstrapToken {
			what = "the bootstrap token " + t.ID + " of organization " + t.OrganizationID
		}
		if st := t.Status(now); st != store.TokenActive {
			return nil, errIdempotencyReused("%s, created with this Idempotency-Key, is %s: its secret cannot be issued again; create a new one with a new key", what, st)
		}
		secret := randomBytes(32)
		if err := tx.RekeyAPIToken(t.ID, sha(secret)); err != nil {
			return nil, err
		}
		token := formatAPIToken(t.ID, secret)
		if rec.SecretKind == secretAPIToken {
			return json.Marshal(wireAPITokenCreated{wireAPIToken: toWireAPIToken(t, now), Token: token})
		}
		org, err := tx.GetOrganization(t.OrganizationID)
		if err != nil {
			return nil, err
		}
		return json.Marshal(wireOrganizationCreated{wireOrganization: toWireOrganization(org), BootstrapToken: token, BootstrapTokenID: t.ID})
	case secretOAuthClient:
		cl, err := tx.GetOAuthClientByID(rec.SecretObjectID)
		if errors.Is(err, store.ErrNotFound) {
			return nil, errIdempotencyReused("the OAuth client created with this Idempotency-Key no longer exists; use a new key")
		}
		if err != nil {
			return nil, err
		}
		// A disabled client is answered disabled: its new secret works once it is enabled again.
		secret := newClientSecret()
		if err := tx.RekeyOAuthClient(cl.ID, sha([]byte(secret))); err != nil {
			return nil, err
		}
		return json.Marshal(wireOAuthClientCreated{wireOAuthClient: toWireOAuthClient(cl), ClientSecret: secret}) //nolint:gosec // the one-time secret, answered once (never stored)
	default:
		return nil, fmt.Errorf("idempotency record with unknown secret kind %q", rec.SecretKind)
	}
}
