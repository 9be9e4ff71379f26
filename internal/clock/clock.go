// Package clock gives the local API an injectable notion of now, so that expiry (invitations, API
// tokens, access tokens) can be tested without waiting.
package clock

import (
	"sync"
	"time"
)

// Clock tells the time.
type Clock interface {
	Now() time.Time
}

// Real is the system clock.
type Real struct{}

// Now returns the current time in UTC.
func (Real) Now() time.Time { return time.Now().UTC() }

// Offset is a clock that runs with real time, shifted by an offset that only grows. Tests and the
// local API's time-travel endpoint move it forward to make things expire; time keeps flowing in
// between, so timestamps such as last_used_at still advance naturally.
type Offset struct {
	mu     sync.Mutex
	offset time.Duration
}

// NewOffset returns an Offset clock that starts at real time.
func NewOffset() *Offset { return &Offset{} }

// Now returns real time plus the offset, in UTC.
func (c *Offset) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().UTC().Add(c.offset)
}

// Advance moves the clock forward by d (negative values are ignored: the clock never goes back).
func (c *Offset) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	if d > 0 {
		c.offset += d
	}
	off := c.offset
	c.mu.Unlock()
	return time.Now().UTC().Add(off)
}

// Ahead reports how far the clock runs ahead of real time.
func (c *Offset) Ahead() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.offset
}
