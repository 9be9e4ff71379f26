package localapi

import (
	"errors"
	"net/http"
	"time"

	"github.com/alien-intelligence/terraform-provider-alien/internal/clock"
	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi/store"
)

// The /_local operations: alien-local's own, for tests and sandboxes (loopback clients only).

func (s *Server) localOutbox(c *call) error {
	to, e := query(c.r, "to")
	if e != nil {
		return e
	}
	kind, e := queryEnum(c.r, "kind", "invitation", "password_reset")
	if e != nil {
		return e
	}
	var emails []*store.Email
	err := s.db.Read(c.r.Context(), func(tx *store.Tx) error {
		var err error
		emails, err = tx.ListEmails(to, kind)
		return err
	})
	if err != nil {
		return err
	}
	out := struct {
		Data []wireEmail `json:"data"`
	}{Data: make([]wireEmail, 0, len(emails))}
	for _, m := range emails {
		out.Data = append(out.Data, wireEmail{ID: m.ID, Kind: m.Kind, To: m.To, Subject: m.Subject, Body: m.Body, Link: m.Link, SentAt: m.SentAt})
	}
	return c.json(http.StatusOK, out)
}

func (s *Server) localStats(c *call) error {
	req, faults := s.stats.snapshot()
	return c.json(http.StatusOK, wireStats{Requests: req, Faults: faults})
}

func (s *Server) localStatsReset(c *call) error {
	s.stats.reset()
	return c.noContent()
}

func (s *Server) clockState() wireClock {
	var ahead time.Duration
	if o, ok := s.clock.(*clock.Offset); ok {
		ahead = o.Ahead()
	}
	return wireClock{Now: s.now(), Offset: ahead.String()}
}

func (s *Server) localClock(c *call) error {
	return c.json(http.StatusOK, s.clockState())
}

func (s *Server) localClockAdvance(c *call) error {
	var advance string
	if e := decodeObject(c.body, strField("advance", &advance, true)); e != nil {
		return e
	}
	d, err := time.ParseDuration(advance)
	if err != nil {
		return errInvalid("advance", "must be a Go duration such as 192h or 30m (got %q)", advance)
	}
	if d < 0 {
		return errInvalid("advance", "the clock only moves forward")
	}
	o, ok := s.clock.(*clock.Offset)
	if !s.cfg.TimeTravel || !ok {
		return errForbidden("time travel is off: start alien-local with --time-travel")
	}
	o.Advance(d)
	return c.json(http.StatusOK, s.clockState())
}

func (s *Server) localSetPlan(c *call) error {
	var plan string
	if e := decodeObject(c.body, strField("plan", &plan, true)); e != nil {
		return e
	}
	if e := validateEnum("plan", plan, plans...); e != nil {
		return e
	}
	id := c.r.PathValue("organization_id")
	org, err := inWrite(c, func(tx *store.Tx) (*store.Organization, error) {
		org, err := tx.GetOrganization(id)
		if errors.Is(err, store.ErrNotFound) {
			return nil, errNotFound("no organization %s", id)
		}
		if err != nil {
			return nil, err
		}
		org.Plan = plan
		return org, tx.SetOrganizationPlan(id, plan)
	})
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, toWireOrganization(org))
}
