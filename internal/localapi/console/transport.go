package console

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
)

// apiEndpoint is the endpoint the console's API clients are configured with. Nothing dials it:
// apiTransport hands every request to the API's handler in-process.
const apiEndpoint = "http://127.0.0.1"

// origin is the browser request an API call is made for: the API sees its client address (so that
// loopback-only operations and per-client limits apply to the person at the browser) and its
// host (so that the links of the emails it sends point where the browser found alien-local).
type origin struct {
	remoteAddr string
	host       string
}

type originKey struct{}

// forBrowser is ctx carrying the browser request r as the origin of the API calls made with it.
func forBrowser(ctx context.Context, r *http.Request) context.Context {
	return context.WithValue(ctx, originKey{}, origin{remoteAddr: r.RemoteAddr, host: r.Host})
}

// errDropped is what a request whose answer the API dropped (alien-local's --drop-rate) gives.
var errDropped = errors.New("the API dropped the connection before answering (alien-local's --drop-rate fault)")

// apiTransport is an http.RoundTripper that serves each request with the local API's own
// http.Handler, as the server would serve it from the network: the same middleware, handlers,
// authentication and rules. It is how the console is a view over the API and not a second one.
type apiTransport struct {
	api http.Handler
}

// RoundTrip implements http.RoundTripper.
func (t *apiTransport) RoundTrip(req *http.Request) (resp *http.Response, err error) {
	o, ok := req.Context().Value(originKey{}).(origin)
	if !ok {
		return nil, errors.New("console: an API call without the browser request it is made for")
	}
	sr := req.Clone(req.Context())
	sr.URL = &url.URL{Path: req.URL.Path, RawPath: req.URL.RawPath, RawQuery: req.URL.RawQuery}
	sr.RequestURI = req.URL.RequestURI()
	sr.Host = o.host
	sr.RemoteAddr = o.remoteAddr
	sr.Proto, sr.ProtoMajor, sr.ProtoMinor = "HTTP/1.1", 1, 1
	if sr.Body == nil {
		sr.Body = http.NoBody
	}
	rec := httptest.NewRecorder()
	defer func() {
		// A dropped answer aborts the handler with http.ErrAbortHandler, as it would abort a
		// connection: it is an error of this request, not of the console.
		if v := recover(); v != nil {
			if v != http.ErrAbortHandler { //nolint:errorlint // a sentinel compared as net/http does
				panic(v)
			}
			resp, err = nil, errDropped
		}
	}()
	t.api.ServeHTTP(rec, sr)
	resp = rec.Result()
	resp.Request = req
	return resp, nil
}
