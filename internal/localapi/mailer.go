package localapi

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi/store"
)

// Email is a message the platform sends: an invitation or a password reset, each carrying one
// link for the reader to follow.
type Email struct {
	Kind    string // "invitation" or "password_reset"
	To      string
	Subject string
	Body    string
	Link    string
	SentAt  time.Time
}

// Mailer sends the platform's emails. Send is called after the change that caused the email has
// committed; a failure is logged, and the email can be sent again (resend, password reset).
type Mailer interface {
	Send(ctx context.Context, e Email) error
}

var _ Mailer = (*outboxMailer)(nil)

// outboxMailer is the embedded Mailer: it keeps every email in the database's outbox (read at
// GET /_local/outbox) and, when print is set, also writes it there.
type outboxMailer struct {
	db    *store.DB
	print io.Writer
	mu    sync.Mutex // serialises printing
}

// Send implements Mailer.
func (m *outboxMailer) Send(ctx context.Context, e Email) error {
	row := &store.Email{ID: store.NewID("eml"), Kind: e.Kind, To: e.To, Subject: e.Subject, Body: e.Body, Link: e.Link, SentAt: e.SentAt}
	if err := m.db.Write(ctx, func(tx *store.Tx) error { return tx.InsertEmail(row) }); err != nil {
		return err
	}
	if m.print != nil {
		m.mu.Lock()
		defer m.mu.Unlock()
		_, err := fmt.Fprintf(m.print, "--- email %s (%s) ---\nTo: %s\nSubject: %s\nDate: %s\n\n%s\n--- end of email ---\n",
			row.ID, e.Kind, e.To, e.Subject, e.SentAt.Format(time.RFC1123Z), e.Body)
		return err
	}
	return nil
}
