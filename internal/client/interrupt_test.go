package client

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi"
)

// Terraform cancels every call in flight when the user interrupts a run (Ctrl-C). A write that
// was sent must still be finished, or the object it made would be on the server without the
// caller (and so the state) knowing it, and the next run would create it again.

func TestE2EWriteInFlightFinishesAfterCancellation(t *testing.T) {
	e := startAPI(t, localapi.FaultConfig{Latency: 300 * time.Millisecond})
	c := e.client(Config{Token: e.inst.Bootstrap.Token, ReadCache: true})

	// Cancelled while the create is in flight: the create completes and answers the object.
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(100*time.Millisecond, cancel)
	created, err := c.APITokens.Create(ctx, APITokenCreateOptions{Name: "in-flight", ExpiresIn: ExpiryNever})
	if err != nil {
		t.Fatalf("a create cancelled in flight: %v, want it finished", err)
	}
	if created.Token == "" || created.Name != "in-flight" {
		t.Fatalf("created = %+v", created.APIToken)
	}
	if ctx.Err() == nil {
		t.Fatalf("the context was not cancelled during the create: the test proves nothing")
	}

	// A deadline that passes in flight: the same.
	ctx, cancel = context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	sa, err := c.ServiceAccounts.Create(ctx, ServiceAccountCreateOptions{Email: "in-flight@example.com"})
	if err != nil {
		t.Fatalf("a create whose deadline passed in flight: %v, want it finished", err)
	}

	// A write not sent yet when the context is cancelled is not sent.
	e.stats(t.Context())
	_, err = c.OAuthClients.Create(ctx, OAuthClientCreateOptions{Name: "never"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a create with a context already done: err = %v, want context.DeadlineExceeded", err)
	}
	if st := e.stats(t.Context()); st["POST /oauth-clients"] != 0 {
		t.Errorf("a create with a context already done was sent: %v", st)
	}

	// Reads still stop at once.
	ctx, cancel = context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := c.ServiceAccounts.List(ctx, ServiceAccountListOptions{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a read cancelled in flight: err = %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 250*time.Millisecond {
		t.Errorf("a cancelled read returned after %s, want at once", d)
	}

	// Exactly one of each object exists, and the cache holds them.
	tokens, err := e.owner.APITokens.List(t.Context(), APITokenListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, tok := range tokens {
		if tok.Name == "in-flight" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d tokens named in-flight, want 1", n)
	}
	if got, err := c.ServiceAccounts.Read(t.Context(), sa.ID); err != nil || got.Email != "in-flight@example.com" {
		t.Errorf("Read(%s) = %+v, %v", sa.ID, got, err)
	}
}

// A create cancelled in flight whose answer is then dropped is retried with the same idempotency
// key after the cancellation: the replay answers the one object (with a fresh, working secret).
func TestE2EDroppedAnswerAfterCancellationIsReplayed(t *testing.T) {
	e := startAPI(t, localapi.FaultConfig{Latency: 200 * time.Millisecond, DropRate: 0.5, Seed: 5})
	c := e.client(Config{Token: e.inst.Bootstrap.Token, MaxRetries: 12})
	for i := range 6 {
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(50*time.Millisecond, cancel)
		created, err := c.APITokens.Create(ctx, APITokenCreateOptions{Name: "replayed", ExpiresIn: ExpiryNever})
		cancel()
		if err != nil {
			t.Fatalf("create %d: %v", i, err)
		}
		tc := e.client(Config{Token: created.Token, MaxRetries: 12})
		me, err := tc.Identity.Read(t.Context())
		if err != nil || me.TokenID == nil || *me.TokenID != created.ID {
			t.Fatalf("the secret of create %d does not work: %+v, %v", i, me, err)
		}
	}
	tokens, err := e.owner.APITokens.List(t.Context(), APITokenListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, tok := range tokens {
		if tok.Name == "replayed" {
			n++
		}
	}
	if n != 6 {
		t.Errorf("%d tokens named replayed, want 6 (no duplicate, none lost)", n)
	}
	st, err := Local(e.owner).Stats(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if st.Faults["dropped"] == 0 {
		t.Errorf("no answer was dropped: the test proves nothing")
	}
}
