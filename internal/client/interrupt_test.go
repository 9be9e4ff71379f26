package client

import (
	"context"
	"errors"
	"net/http/httptrace"
	"sync"
	"testing"
	"time"

	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi"
)

// Terraform cancels every call in flight when the user interrupts a run (Ctrl-C). A write that
// was sent must still be finished, or the object it made would be on the server without the
// caller (and so the state) knowing it, and the next run would create it again.

// onceSent answers ctx with a trace that calls f once the request has been written: the call is
// then in flight whatever the machine's speed (a timer could fire before it was sent).
func onceSent(ctx context.Context, f func()) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { f() }})
}

// passingDeadline is a context whose deadline passes when pass is called.
type passingDeadline struct {
	context.Context // the parent, for its values
	done            chan struct{}
	once            sync.Once
}

func newPassingDeadline(parent context.Context) *passingDeadline {
	return &passingDeadline{Context: parent, done: make(chan struct{})}
}

func (d *passingDeadline) pass()                 { d.once.Do(func() { close(d.done) }) }
func (d *passingDeadline) Done() <-chan struct{} { return d.done }

func (d *passingDeadline) Err() error {
	select {
	case <-d.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

func TestE2EWriteInFlightFinishesAfterCancellation(t *testing.T) {
	e := startAPI(t, localapi.FaultConfig{Latency: 300 * time.Millisecond})
	c := e.client(Config{Token: e.inst.Bootstrap.Token, ReadCache: true})

	// Cancelled while the create is in flight: the create completes and answers the object.
	ctx, cancel := context.WithCancel(t.Context())
	created, err := c.APITokens.Create(onceSent(ctx, cancel), APITokenCreateOptions{Name: "in-flight", ExpiresIn: ExpiryNever})
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
	dl := newPassingDeadline(t.Context())
	sa, err := c.ServiceAccounts.Create(onceSent(dl, dl.pass), ServiceAccountCreateOptions{Email: "in-flight@example.com"})
	if err != nil {
		t.Fatalf("a create whose deadline passed in flight: %v, want it finished", err)
	}

	// A write not sent yet when the context is cancelled is not sent.
	e.stats(t.Context())
	_, err = c.OAuthClients.Create(dl, OAuthClientCreateOptions{Name: "never"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a create with a context already done: err = %v, want context.DeadlineExceeded", err)
	}
	if st := e.stats(t.Context()); st["POST /oauth-clients"] != 0 {
		t.Errorf("a create with a context already done was sent: %v", st)
	}

	// Reads still stop at once: a read cancelled once it has been sent returns without the answer,
	// which an API of its own holds for an hour (and a request timeout longer than the test: only
	// the cancellation can end the read before the hang deadline).
	slow := startAPI(t, localapi.FaultConfig{Latency: time.Hour})
	reader := slow.client(Config{Token: slow.inst.Bootstrap.Token, ReadCache: true, RequestTimeout: 10 * time.Minute})
	ctx, cancel = context.WithCancel(t.Context())
	defer cancel()
	returns(t, "a read cancelled in flight", func() { _, err = reader.ServiceAccounts.List(onceSent(ctx, cancel), ServiceAccountListOptions{}) })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("a read cancelled in flight: err = %v, want context.Canceled", err)
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
		created, err := c.APITokens.Create(onceSent(ctx, cancel), APITokenCreateOptions{Name: "replayed", ExpiresIn: ExpiryNever})
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
