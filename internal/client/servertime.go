package client

import (
	"net/http"
	"sync/atomic"
	"time"
)

// serverClock follows the API's clock through the Date header of its answers, so that decisions
// about the API's times (is this token due for rotation?) are taken by the clock that stamped them,
// whatever the skew of the local clock, and follow alien-local's clock when a test moves it.
type serverClock struct {
	// ahead is how far the API's clock runs ahead of the local one (negative: behind), in
	// nanoseconds, as the last answer with a Date header showed.
	ahead atomic.Int64
}

// observe records the Date header of an answer received at received. A Date is stamped with a
// resolution of one second, before the answer travels: half a second is added to meet the true
// time in the middle. An answer without a valid Date changes nothing.
func (s *serverClock) observe(date string, received time.Time) {
	if date == "" {
		return
	}
	t, err := http.ParseTime(date)
	if err != nil {
		return
	}
	s.ahead.Store(int64(t.Add(time.Second / 2).Sub(received)))
}

// now is the API's time now, as the last observed Date told it; the local time before any.
func (s *serverClock) now() time.Time {
	return time.Now().Add(time.Duration(s.ahead.Load()))
}

// ServerNow is the API's clock now, as the Date header of its last answer to this client told it
// (to about a second); the local clock until an answer has been received.
func (c *Client) ServerNow() time.Time { return c.core.serverClock.now() }
