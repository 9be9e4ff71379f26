package localapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/alien-intelligence/terraform-provider-alien/api"
)

// contractChecker validates every request and answer against api/openapi.yaml (kin-openapi)
// and reports violations:
//   - an answer whose status is not documented for the operation, or whose body or content type
//     does not match the document;
//   - a request the document forbids that the server nevertheless accepted (a 2xx or 3xx);
//   - an answer, other than a 404 or 405 error envelope, to a path and method the document lacks.
//
// A request the document allows but the server refuses (stricter validation, domain rules) is
// not a violation.
type contractChecker struct {
	doc    *openapi3.T
	router routers.Router
	report func(error)
	ops    map[string]bool // the server's operations, "METHOD /pattern"
	mu     sync.Mutex      // kin-openapi's validators are not documented as safe for concurrent use
}

// loadContract parses and validates the OpenAPI document.
func loadContract() (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPI)
	if err != nil {
		return nil, fmt.Errorf("localapi: load api/openapi.yaml: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("localapi: api/openapi.yaml is invalid: %w", err)
	}
	return doc, nil
}

func newContractChecker(report func(error), table []route) (*contractChecker, error) {
	doc, err := loadContract()
	if err != nil {
		return nil, err
	}
	doc.Servers = nil // match paths on any host and port
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("localapi: contract router: %w", err)
	}
	ops := map[string]bool{}
	for _, rt := range table {
		ops[rt.method+" "+rt.path] = true
	}
	return &contractChecker{doc: doc, router: router, report: report, ops: ops}, nil
}

// captureWriter passes an answer through, recording its status, and keeps a copy of its body.
type captureWriter struct {
	statusRecorder
	body bytes.Buffer
}

// Write keeps a copy of the body and passes it on.
func (w *captureWriter) Write(b []byte) (int, error) {
	w.body.Write(b)
	return w.statusRecorder.Write(b)
}

func (cc *contractChecker) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The request body is recorded as the handler reads it (not read ahead, which would
		// change what the handler sees of a slow or stalled body).
		var reqBody bytes.Buffer
		if r.Body != nil {
			r.Body = struct {
				io.Reader
				io.Closer
			}{io.TeeReader(r.Body, &reqBody), r.Body}
		}
		cw := &captureWriter{statusRecorder: statusRecorder{ResponseWriter: w}}
		next.ServeHTTP(cw, r)
		if r.Method == http.MethodHead {
			return
		}
		if r.Context().Err() != nil {
			// The client went away before the answer (a cancelled call): it reaches nobody,
			// and the server may have given up half-way (a query cancelled with the request).
			return
		}
		if err := cc.check(r, reqBody.Bytes(), cw.status, w.Header(), cw.body.Bytes()); err != nil {
			cc.report(fmt.Errorf("contract: %s %s → %d: %w", r.Method, r.URL.Path, cw.status, err))
		}
	})
}

func (cc *contractChecker) check(r *http.Request, reqBody []byte, status int, header http.Header, respBody []byte) error {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	ctx := context.Background()
	req := r.Clone(ctx)
	req.Body = io.NopCloser(bytes.NewReader(reqBody))
	served := routeOf(r) // "METHOD /pattern" of the operation the server ran, or not an operation
	route, pathParams, err := cc.router.FindRoute(req)
	if err != nil || !cc.operation(served) {
		// Not an operation of the server (a documented operation it lacks is caught by the
		// route-table test; kin-openapi's router also tolerates a trailing slash the server
		// does not): only a 404 or 405 error envelope is right.
		if status != http.StatusNotFound && status != http.StatusMethodNotAllowed {
			return fmt.Errorf("no operation of the server or the document, yet the answer is not a 404 or 405")
		}
		return cc.checkEnvelope(respBody)
	}
	if want := route.Method + " " + route.Path; want != served {
		return fmt.Errorf("the server ran %s where the document has %s", served, want)
	}
	in := &openapi3filter.RequestValidationInput{
		Request: req, PathParams: pathParams, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
	}
	if reqErr := openapi3filter.ValidateRequest(ctx, in); reqErr != nil && status < 400 {
		return fmt.Errorf("the server accepted a request the document forbids: %w", reqErr)
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: status, Header: header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true},
	}
	out.SetBodyBytes(respBody)
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		return fmt.Errorf("the answer does not match the document: %w", err)
	}
	return nil
}

// operation reports whether a route key names an operation the server mounts (and not its
// 404 or 405 fallbacks).
func (cc *contractChecker) operation(key string) bool {
	return cc.ops[key]
}

// checkEnvelope validates an error body against the document's Error schema.
func (cc *contractChecker) checkEnvelope(body []byte) error {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("the error answer is not JSON: %w", err)
	}
	if err := cc.doc.Components.Schemas["Error"].Value.VisitJSON(v); err != nil {
		return fmt.Errorf("the error answer is not an Error envelope: %w", err)
	}
	return nil
}
