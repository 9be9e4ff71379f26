package client

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// LocalService speaks to the alien-local extensions under /_local (loopback only). Against the
// real platform they answer ErrNotFound, which tests use to skip.
type LocalService interface {
	Outbox(ctx context.Context, to string) ([]*Email, error)
	Stats(ctx context.Context) (*Stats, error)
	ResetStats(ctx context.Context) error
	Clock(ctx context.Context) (*ClockState, error)
	AdvanceClock(ctx context.Context, d time.Duration) (*ClockState, error)
	SetPlan(ctx context.Context, organizationID string, plan Plan) (*Organization, error)
}

// Local is c's service of alien-local's extensions. Only tests and the benchmark use it: it is not
// a field of Client, so the provider binary does not link it.
func Local(c *Client) LocalService {
	return &local{c.core}
}

var _ LocalService = (*local)(nil)

// local implements LocalService: alien-local's /_local extensions (loopback only, no credential).
type local struct {
	c *core
}

type outboxPage struct {
	Data []*Email `json:"data"`
}

type clockAdvance struct {
	Advance string `json:"advance"`
}

type planChange struct {
	Plan Plan `json:"plan"`
}

// Outbox lists the emails the platform would have sent, oldest first; to filters by recipient
// (case-insensitive) when not empty.
func (s *local) Outbox(ctx context.Context, to string) ([]*Email, error) {
	q := url.Values{}
	if to != "" {
		q.Set("to", to)
	}
	out, err := doJSON[outboxPage](ctx, s.c, &request{method: http.MethodGet, path: "/_local/outbox", query: q, public: true})
	if err != nil {
		return nil, err
	}
	if out.Data == nil {
		return []*Email{}, nil
	}
	return out.Data, nil
}

// Stats reads the request counts since start or the last reset.
func (s *local) Stats(ctx context.Context) (*Stats, error) {
	return doJSON[Stats](ctx, s.c, &request{method: http.MethodGet, path: "/_local/stats", public: true})
}

// ResetStats resets the request counts.
func (s *local) ResetStats(ctx context.Context) error {
	return s.c.do(ctx, &request{method: http.MethodDelete, path: "/_local/stats", public: true}, nil)
}

// Clock reads the server's clock.
func (s *local) Clock(ctx context.Context) (*ClockState, error) {
	return doJSON[ClockState](ctx, s.c, &request{method: http.MethodGet, path: "/_local/clock", public: true})
}

// AdvanceClock moves the server's clock forward by d (the server must allow time travel). Things
// expire, so every read-cache snapshot is dropped.
func (s *local) AdvanceClock(ctx context.Context, d time.Duration) (*ClockState, error) {
	if d <= 0 {
		return nil, invalid("advance", "must be a positive duration, got %s", d)
	}
	defer s.c.invalidateAll()
	return doJSON[ClockState](ctx, s.c, &request{method: http.MethodPost, path: "/_local/clock", body: clockAdvance{Advance: d.String()}, public: true})
}

// SetPlan changes an organization's plan, as billing would.
func (s *local) SetPlan(ctx context.Context, organizationID string, plan Plan) (*Organization, error) {
	if err := requireID("organization_id", organizationID); err != nil {
		return nil, err
	}
	if err := plan.valid(); err != nil {
		return nil, err
	}
	defer s.c.invalidateAll()
	path := "/_local/organizations/" + url.PathEscape(organizationID) + "/plan"
	return doJSON[Organization](ctx, s.c, &request{method: http.MethodPut, path: path, body: planChange{Plan: plan}, public: true})
}
