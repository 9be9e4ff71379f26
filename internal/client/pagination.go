package client

import (
	"context"
	"fmt"
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

// listAll follows next_cursor from the first page to the last and returns every object.
func listAll[T any](ctx context.Context, c *core, path string, filters url.Values) ([]*T, error) {
	all, _, err := listPages[T](ctx, c, path, filters)
	return all, err
}

// listPages is listAll that also answers the request id of the last page.
func listPages[T any](ctx context.Context, c *core, path string, filters url.Values) ([]*T, string, error) {
	var all []*T
	var header http.Header
	cursor := ""
	seen := map[string]bool{}
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
			return nil, "", err
		}
		all = append(all, p.Data...)
		if p.NextCursor == nil || *p.NextCursor == "" {
			break
		}
		cursor = *p.NextCursor
		if seen[cursor] {
			return nil, "", fmt.Errorf("GET %s: the server answered the same next_cursor twice; giving up after %d objects", path, len(all))
		}
		seen[cursor] = true
	}
	if all == nil {
		all = []*T{}
	}
	return all, header.Get("X-Request-Id"), nil
}
