package localapi

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestBadInputIsA400NamingTheFieldAndWritesNothing(t *testing.T) {
	e := newEnv(t)
	sa := e.createSA(e.token, "bot@example.com")
	e.get("/me").want(200, nil) // record last_used_at now, so the snapshots below stay still
	long := strings.Repeat("x", 101)
	cases := []struct {
		name, method, path string
		body               any
		field              string
	}{
		{"unknown field", "POST", "/invitations", `{"email":"a@example.com","role":"viewer","admin":true}`, "admin"},
		{"trailing data", "POST", "/invitations", `{"email":"a@example.com","role":"viewer"} {}`, "body"},
		{"trailing garbage", "POST", "/invitations", `{"email":"a@example.com","role":"viewer"}x`, "body"},
		{"wrong type", "POST", "/invitations", `{"email":42,"role":"viewer"}`, "email"},
		{"null", "POST", "/invitations", `{"email":null,"role":"viewer"}`, "email"},
		{"duplicate member", "POST", "/invitations", `{"email":"a@example.com","role":"viewer","role":"owner"}`, "role"},
		{"missing field", "POST", "/invitations", `{"email":"a@example.com"}`, "role"},
		{"empty body", "POST", "/invitations", ``, "body"},
		{"array", "POST", "/invitations", `[{"email":"a@example.com","role":"viewer"}]`, "body"},
		{"string", "POST", "/invitations", `"hello"`, "body"},
		{"truncated", "POST", "/invitations", `{"email":"a@example.com","role":"vie`, "body"},
		{"invalid UTF-8", "POST", "/invitations", []byte("{\"email\":\"a\xff@example.com\",\"role\":\"viewer\"}"), "body"},
		{"bad email", "POST", "/invitations", `{"email":"not-an-email","role":"viewer"}`, "email"},
		{"display-name email", "POST", "/invitations", `{"email":"Jane <jane@example.com>","role":"viewer"}`, "email"},
		{"email without a dot", "POST", "/invitations", `{"email":"jane@localhost","role":"viewer"}`, "email"},
		{"email too long", "POST", "/invitations", fmt.Sprintf(`{"email":"%s@example.com","role":"viewer"}`, strings.Repeat("a", 250)), "email"},
		{"unknown role", "POST", "/invitations", `{"email":"a@example.com","role":"admin"}`, "role"},
		{"long name", "POST", "/organizations", fmt.Sprintf(`{"name":%q}`, long), "name"},
		{"blank name", "POST", "/datasets", `{"name":"   "}`, "name"},
		{"control character", "POST", "/oauth-clients", "{\"name\":\"a\\u0000b\"}", "name"},
		{"long description", "PATCH", "/service-accounts/" + sa.ID, fmt.Sprintf(`{"description":%q}`, strings.Repeat("d", 501)), "description"},
		{"huge body", "POST", "/datasets", `{"name":"` + strings.Repeat("x", 1<<20) + `"}`, "body"},
		{"not JSON content", "POST", "/datasets", `{"name":"x"}`, "body"},
		{"bad page size", "GET", "/members?page_size=0", nil, "page_size"},
		{"page size too big", "GET", "/members?page_size=101", nil, "page_size"},
		{"page size not a number", "GET", "/datasets?page_size=ten", nil, "page_size"},
		{"forged cursor", "GET", "/members?cursor=bm9wZQ", nil, "cursor"},
		{"unknown status", "GET", "/invitations?status=open", nil, "status"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := e.snapshot()
			r := req{method: c.method, path: c.path, token: e.token, body: c.body}
			if c.name == "not JSON content" {
				r.header = map[string]string{"Content-Type": "text/plain"}
			}
			res := e.send(r)
			res.wantError(400, "invalid", c.field)
			if after := e.snapshot(); after != before {
				t.Fatalf("a 400 wrote to the database")
			}
		})
	}
}

func TestUnknownRoutesAndMethodsAnswerTheEnvelope(t *testing.T) {
	e := newEnv(t)
	e.get("/nothing/here").wantError(404, "not_found", "")
	e.get("/members/").wantError(404, "not_found", "")
	r := e.send(req{method: "PUT", path: "/members", token: e.token, body: `{}`})
	r.wantError(405, "method_not_allowed", "")
	if allow := r.header.Get("Allow"); allow != "GET, HEAD" {
		t.Fatalf("Allow = %q", allow)
	}
	e.send(req{method: "DELETE", path: "/organization", token: e.token}).wantError(405, "method_not_allowed", "")
}

func TestPagination(t *testing.T) {
	e := newEnv(t)
	for i := 0; i < 7; i++ {
		e.post("/datasets", map[string]any{"name": fmt.Sprint("d", i)}).want(201, nil)
	}
	var names []string
	path := "/datasets?page_size=3"
	pages := 0
	for {
		var p pageT[struct{ Name string }]
		e.get(path).want(200, &p)
		pages++
		for _, d := range p.Data {
			names = append(names, d.Name)
		}
		if pages == 1 {
			e.post("/datasets", map[string]any{"name": "late"}).want(201, nil)
		}
		if p.NextCursor == nil {
			break
		}
		path = "/datasets?page_size=3&cursor=" + *p.NextCursor
	}
	if got := strings.Join(names, ","); got != "d0,d1,d2,d3,d4,d5,d6,late" || pages != 3 {
		t.Fatalf("%d pages: %s", pages, got)
	}
	var all pageT[struct{ Name string }]
	e.get("/datasets").want(200, &all)
	if len(all.Data) != 8 || all.NextCursor != nil {
		t.Fatalf("default page: %d items, next %v", len(all.Data), all.NextCursor)
	}
	// A cursor of one list is refused by another.
	var first pageT[struct{ Name string }]
	e.get("/datasets?page_size=1").want(200, &first)
	e.get("/members?cursor="+*first.NextCursor).wantError(400, "invalid", "cursor")
	// Filters and cursors together.
	for i := 0; i < 3; i++ {
		e.invite(e.token, fmt.Sprintf("w%d@example.com", i), "writer")
	}
	var w pageT[memberT]
	e.get("/members?role=writer&page_size=2").want(200, &w)
	if len(w.Data) != 2 || w.NextCursor == nil {
		t.Fatalf("first writer page = %+v", w)
	}
	e.get("/members?role=writer&page_size=2&cursor="+*w.NextCursor).want(200, &w)
	if len(w.Data) != 1 || w.NextCursor != nil || w.Data[0].Email != "w2@example.com" {
		t.Fatalf("second writer page = %+v", w)
	}
}

func TestLocalOperations(t *testing.T) {
	e := newEnv(t)
	// Loopback only: the same handler refuses a remote client.
	for _, p := range []string{"/_local/outbox", "/_local/stats", "/_local/clock"} {
		rec := httptest.NewRecorder()
		r := httptest.NewRequest("GET", p, nil)
		r.RemoteAddr = "203.0.113.9:4000"
		e.inst.Server.Handler().ServeHTTP(rec, r)
		if rec.Code != 403 || !strings.Contains(rec.Body.String(), "loopback") {
			t.Fatalf("%s from a remote client: %d %s", p, rec.Code, rec.Body)
		}
	}
	// A loopback client addressing another host name (a page whose name was rebound to
	// 127.0.0.1) is refused too; loopback names and addresses are served.
	for host, want := range map[string]int{
		"attacker.example:8080": 403, "localhost.attacker.example": 403, "127.0.0.1.nip.io": 403,
		"127.0.0.1:8080": 200, "localhost:8080": 200, "LOCALHOST": 200, "[::1]:8080": 200, "127.0.0.2": 200,
	} {
		rec := httptest.NewRecorder()
		r := httptest.NewRequest("GET", "/_local/outbox", nil)
		r.RemoteAddr = "127.0.0.1:5555"
		r.Host = host
		e.inst.Server.Handler().ServeHTTP(rec, r)
		if rec.Code != want || (want == 403 && !strings.Contains(rec.Body.String(), "loopback host")) {
			t.Errorf("/_local/outbox addressed to %q: %d %s, want %d", host, rec.Code, rec.Body, want)
		}
	}
	// Stats count per route, skip /_local, and reset.
	e.get("/members").want(200, nil)
	e.get("/members/mem_x").wantError(404, "not_found", "")
	var stats struct {
		Requests map[string]int
	}
	e.send(req{method: "GET", path: "/_local/stats"}).want(200, &stats)
	if stats.Requests["GET /members"] != 1 || stats.Requests["GET /members/{member_id}"] != 1 {
		t.Fatalf("stats = %+v", stats)
	}
	for k := range stats.Requests {
		if strings.Contains(k, "/_local") {
			t.Fatalf("stats count /_local requests: %v", stats.Requests)
		}
	}
	e.send(req{method: "DELETE", path: "/_local/stats"}).want(204, nil)
	var reset struct {
		Requests map[string]int
	}
	e.send(req{method: "GET", path: "/_local/stats"}).want(200, &reset)
	if len(reset.Requests) != 0 {
		t.Fatalf("stats after reset = %+v", reset)
	}
	// The clock moves forward only.
	var clk struct{ Offset string }
	e.send(req{method: "POST", path: "/_local/clock", body: map[string]any{"advance": "2h"}}).want(200, &clk)
	if clk.Offset != "2h0m0s" {
		t.Fatalf("clock = %+v", clk)
	}
	e.send(req{method: "POST", path: "/_local/clock", body: map[string]any{"advance": "-1h"}}).wantError(400, "invalid", "advance")
	e.send(req{method: "POST", path: "/_local/clock", body: map[string]any{"advance": "soon"}}).wantError(400, "invalid", "advance")
	e.send(req{method: "GET", path: "/_local/clock"}).want(200, &clk)
	// Outbox filters.
	e.post("/invitations", map[string]any{"email": "a@example.com", "role": "viewer"}).want(201, nil)
	if n := len(e.outbox("", "password_reset")); n != 0 {
		t.Fatalf("%d password resets", n)
	}
	if n := len(e.outbox("A@EXAMPLE.COM", "")); n != 1 {
		t.Fatalf("%d emails to a@example.com", n)
	}
	e.send(req{method: "GET", path: "/_local/outbox?kind=sms"}).wantError(400, "invalid", "kind")
	// Plans.
	e.send(req{method: "PUT", path: "/_local/organizations/" + e.orgID + "/plan", body: map[string]any{"plan": "platinum"}}).wantError(400, "invalid", "plan")
	e.send(req{method: "PUT", path: "/_local/organizations/org_nope/plan", body: map[string]any{"plan": "free"}}).wantError(404, "not_found", "")
	e.setPlan(e.orgID, "free")
	var org orgT
	e.get("/organization").want(200, &org)
	if org.Plan != "free" {
		t.Fatalf("plan = %q", org.Plan)
	}
}

func TestClockCannotMoveWithoutTimeTravel(t *testing.T) {
	e := newEnv(t, withoutTimeTravel())
	e.send(req{method: "POST", path: "/_local/clock", body: map[string]any{"advance": "1h"}}).wantError(403, "forbidden", "", "--time-travel")
	var clk struct{ Offset string }
	e.send(req{method: "GET", path: "/_local/clock"}).want(200, &clk)
	if clk.Offset != "0s" {
		t.Fatalf("offset = %q", clk.Offset)
	}
}

// Every answer's Date is alien-local's clock, so that clients judge the API's times by the clock
// that stamped them: it moves when the clock moves, errors and /_local included.
func TestDateHeaderFollowsTheClock(t *testing.T) {
	e := newEnv(t)
	date := func(r *resp) time.Time {
		t.Helper()
		d, err := http.ParseTime(r.header.Get("Date"))
		if err != nil {
			t.Fatalf("%s: Date %q: %v", r.req, r.header.Get("Date"), err)
		}
		return d
	}
	near := func(got, want time.Time) bool { return got.Sub(want).Abs() <= 2*time.Second }
	if d := date(e.get("/me").want(200, nil)); !near(d, time.Now()) {
		t.Fatalf("Date %s, want about now", d)
	}
	e.advance(30 * 24 * time.Hour)
	want := time.Now().Add(30 * 24 * time.Hour)
	notFound := e.get("/members/mem_x")
	notFound.wantError(404, "not_found", "")
	for _, r := range []*resp{e.get("/me").want(200, nil), notFound, e.send(req{method: "GET", path: "/_local/clock"}).want(200, nil)} {
		if d := date(r); !near(d, want) {
			t.Errorf("%s: Date %s, want about %s (30 days ahead)", r.req, d, want)
		}
	}
}

// TestOddParametersNeverAnswer500 sends odd query parameters to every list and odd ids to every
// read: each answer is a 2xx or a 4xx the contract allows (the checker is on), never a 500, and
// nothing is written.
func TestOddParametersNeverAnswer500(t *testing.T) {
	e := newEnv(t)
	e.get("/me").want(200, nil) // record last_used_at now, so the snapshots below stay still
	queries := []string{
		"email=%ff", "email=%00", "email=", "page_size=1e3", "page_size=-1", "page_size=%00", "page_size=1&page_size=2",
		"cursor=", "cursor=%00", "cursor=%ff%fe", "cursor=" + strings.Repeat("A", 4000), "status=", "role=", "kind=%ff",
		"service_account_id=%ff", "unknown=1", "%zz=1",
	}
	ids := []string{"%00", "%ff", "x%20y", strings.Repeat("a", 2000), "mem_..", "%2F"}
	before := e.snapshot()
	for _, list := range []string{"/members", "/invitations", "/service-accounts", "/managed-users", "/api-tokens", "/oauth-clients", "/datasets"} {
		for _, q := range queries {
			r := e.get(list + "?" + q)
			if r.status >= 500 || r.status < 200 {
				t.Errorf("GET %s?%s: %d %s", list, q, r.status, r.body)
			}
		}
		for _, id := range ids {
			if list == "/datasets" {
				continue
			}
			r := e.get(list + "/" + id)
			if r.status != 404 && r.status != 400 {
				t.Errorf("GET %s/%s: %d %s", list, id, r.status, r.body)
			}
		}
	}
	for _, p := range []string{"/accept-invitation?token=%00", "/accept-invitation?token=%ff", "/reset-password?token=%00", "/reset-password?token=a&token=b"} {
		r := e.send(req{method: "GET", path: p})
		if r.status != 404 && r.status != 400 {
			t.Errorf("GET %s: %d %s", p, r.status, r.body)
		}
	}
	if after := e.snapshot(); after != before {
		t.Fatal("odd parameters wrote to the database")
	}
}
