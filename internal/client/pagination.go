package client

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
)

// pageSize is the page size of every list call: the API's maximum.
const pageSize = 100

// page is one page of a list answer.
type page[T any] struct {
	Data       []T     `json:"data"`
	NextCursor *string `json:"next_cursor"`
}

// pages follows next_cursor from the first page to the last, yielding each page's objects as it
// arrives, then stops; a failed request is yielded as the last pair (nil, err). The next page is
// requested only when the consumer asks for it, so a consumer that stops early (a list limited to
// its first results) costs only the pages it read. requestID, when not nil, receives the request
// id of the last page read.
func pages[T any](ctx context.Context, c *core, path string, filters url.Values, requestID *string) iter.Seq2[[]*T, error] {
	return func(yield func([]*T, error) bool) {
		var header http.Header
		cursor := ""
		seen := map[string]bool{}
		read := 0
		for {
			q := url.Values{}
			for k, v := range filters {
				q[k] = v
			}
			q.Set("page_size", strconv.Itoa(pageSize))
			if cursor != "" {
				q.Set("cursor", cursor)
			}
			var p page[*T]
			if err := c.do(ctx, &request{method: http.MethodGet, path: path, query: q, header: &header}, &p); err != nil {
				yield(nil, err)
				return
			}
			if requestID != nil {
				*requestID = header.Get("X-Request-Id")
			}
			read += len(p.Data)
			next := p.NextCursor != nil && *p.NextCursor != ""
			if next && seen[*p.NextCursor] {
				yield(nil, fmt.Errorf("GET %s: the server answered the same next_cursor twice; giving up after %d objects", path, read))
				return
			}
			if !yield(p.Data, nil) || !next {
				return
			}
			cursor = *p.NextCursor
			seen[cursor] = true
		}
	}
}

// listAll reads every page and returns every object.
func listAll[T any](ctx context.Context, c *core, path string, filters url.Values) ([]*T, error) {
	all, _, err := listPages[T](ctx, c, path, filters)
	return all, err
}

// listPages is listAll that also answers the request id of the last page.
func listPages[T any](ctx context.Context, c *core, path string, filters url.Values) ([]*T, string, error) {
	all := []*T{}
	var requestID string
	for data, err := range pages[T](ctx, c, path, filters, &requestID) {
		if err != nil {
			return nil, "", err
		}
		all = append(all, data...)
	}
	return all, requestID, nil
}

// invalidPages is the page sequence of a list whose options are invalid: it yields the error.
func invalidPages[T any](err error) iter.Seq2[[]*T, error] {
	return func(yield func([]*T, error) bool) { yield(nil, err) }
}
