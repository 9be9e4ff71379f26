// Package converge checks that a Terraform configuration of mixed alien resources, applied
// against a flaky API, converged: every declared email or name has exactly one live object on the
// server, held in state; every live object of the configuration is declared and in state; every
// token and OAuth client secret in state works. The provider's fault acceptance tests
// (internal/provider/faults_test.go) and `make bench` (bench/converge.go) both use it, so that
// the test and the benchmark prove the same thing.
package converge

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

// The faults of the convergence scenarios, as issue 5 sets them: the share of requests answered
// 503, answered 429 (with Retry-After), and processed and committed but their answer dropped.
const (
	FailRate      = 0.20
	RateLimitRate = 0.10
	DropRate      = 0.05
)

// Block is one resource block of a convergence configuration: Count instances of Type, each
// declaring the email or name Prefix + its index.
type Block struct {
	Type, Name string
	Count      int
	Prefix     string // of every email or name the block declares, lower case
}

// Mix200 is the 200-resource mix of the convergence scenarios: every resource type of the
// provider, service-account tokens spread over the service accounts. The blocks' names are unique
// (State is keyed by name) and no prefix is declared by two blocks of one collection.
func Mix200() []Block {
	return []Block{
		{"alien_service_account", "sa", 25, "cv-sa-"},
		{"alien_api_token", "sa_token", 50, "cv-sa-token-"},
		{"alien_api_token", "org_key", 10, "cv-org-key-"},
		{"alien_member", "member", 45, "cv-member-"},
		{"alien_invitation", "invitation", 20, "cv-invitation-"},
		{"alien_oauth_client", "oauth", 25, "cv-oauth-"},
		{"alien_managed_user", "managed", 25, "cv-managed-"},
	}
}

// Keys is every email or name the block declares.
func (b Block) Keys() []string {
	keys := make([]string, b.Count)
	for i := range b.Count {
		if b.Type == "alien_api_token" || b.Type == "alien_oauth_client" {
			keys[i] = fmt.Sprintf("%s%d", b.Prefix, i)
		} else {
			keys[i] = fmt.Sprintf("%s%d@example.com", b.Prefix, i)
		}
	}
	return keys
}

// Resources is the configuration of the blocks, without the provider block (the caller writes
// its own: where the endpoint comes from and how patient the retries are differ). A block named
// sa_token refers to the block named sa.
func Resources(blocks []Block) string {
	var sb strings.Builder
	for _, b := range blocks {
		switch b.Name {
		case "sa":
			fmt.Fprintf(&sb, `resource "alien_service_account" "sa" {
  count       = %d
  email       = "%s${count.index}@example.com"
  description = "convergence ${count.index}"
}

`, b.Count, b.Prefix)
		case "sa_token":
			fmt.Fprintf(&sb, `resource "alien_api_token" "sa_token" {
  count              = %d
  name               = "%s${count.index}"
  expires_in         = "90d"
  service_account_id = alien_service_account.sa[count.index %% length(alien_service_account.sa)].id
  scope              = count.index %% 2 == 0 ? "read" : "read_write"
}

`, b.Count, b.Prefix)
		case "org_key":
			fmt.Fprintf(&sb, `resource "alien_api_token" "org_key" {
  count      = %d
  name       = "%s${count.index}"
  expires_in = "30d"
}

`, b.Count, b.Prefix)
		case "member":
			fmt.Fprintf(&sb, `resource "alien_member" "member" {
  count = %d
  email = "%s${count.index}@example.com"
  role  = ["viewer", "writer", "owner"][count.index %% 3]
}

`, b.Count, b.Prefix)
		case "invitation":
			fmt.Fprintf(&sb, `resource "alien_invitation" "invitation" {
  count = %d
  email = "%s${count.index}@example.com"
  role  = count.index %% 2 == 0 ? "viewer" : "writer"
}

`, b.Count, b.Prefix)
		case "oauth":
			fmt.Fprintf(&sb, `resource "alien_oauth_client" "oauth" {
  count = %d
  name  = "%s${count.index}"
}

`, b.Count, b.Prefix)
		case "managed":
			fmt.Fprintf(&sb, `resource "alien_managed_user" "managed" {
  count      = %d
  email      = "%s${count.index}@example.com"
  first_name = "Managed"
  last_name  = "User ${count.index}"
}

`, b.Count, b.Prefix)
		}
	}
	return sb.String()
}

// Instance is one resource instance of a state: its address and its string attributes
// (sensitive ones included), "id" among them.
type Instance struct {
	Address string
	Attrs   map[string]string
}

// State is a state's managed resource instances, by resource name.
type State map[string][]Instance

// ParseShowJSON reads the managed resources of `terraform show -json`.
func ParseShowJSON(out []byte) (State, error) {
	var doc struct {
		Values *struct {
			RootModule struct {
				Resources []struct {
					Address string         `json:"address"`
					Mode    string         `json:"mode"`
					Name    string         `json:"name"`
					Values  map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		return nil, fmt.Errorf("reading terraform show -json: %w", err)
	}
	state := State{}
	if doc.Values == nil {
		return state, nil
	}
	for _, r := range doc.Values.RootModule.Resources {
		if r.Mode != "managed" {
			continue
		}
		attrs := map[string]string{}
		for k, v := range r.Values {
			if s, ok := v.(string); ok {
				attrs[k] = s
			}
		}
		state[r.Name] = append(state[r.Name], Instance{Address: r.Address, Attrs: attrs})
	}
	return state, nil
}

// LiveObject is an object on the server that counts for a block: its id and its email or name,
// lower case.
type LiveObject struct{ ID, Key string }

// Live lists the live objects of each block (by block name) through c. What is live depends on
// the resource type (liveLists).
func Live(ctx context.Context, c *client.Client, blocks []Block) (map[string][]LiveObject, error) {
	lists := liveLists()
	byType := map[string][]LiveObject{}
	for _, b := range blocks {
		if _, done := byType[b.Type]; done {
			continue
		}
		list, ok := lists[b.Type]
		if !ok {
			return nil, fmt.Errorf("converge: no list of live objects for %s (add it to liveLists)", b.Type)
		}
		objects, err := list(ctx, c)
		if err != nil {
			return nil, err
		}
		byType[b.Type] = append([]LiveObject{}, objects...)
	}

	out := map[string][]LiveObject{}
	for _, b := range blocks {
		for _, o := range byType[b.Type] {
			if strings.HasPrefix(o.Key, b.Prefix) {
				out[b.Name] = append(out[b.Name], o)
			}
		}
	}
	return out, nil
}

// liveLists answers, per resource type, the objects on the server that count as live for it: a
// member or a pending or expired invitation for alien_member (it manages both), a pending
// invitation for alien_invitation, an active service account, managed user or token (destroy
// deactivates or revokes them), any OAuth client (destroy deletes it). Keys are lower case.
func liveLists() map[string]func(context.Context, *client.Client) ([]LiveObject, error) {
	invitations := func(ctx context.Context, c *client.Client, statuses ...client.InvitationStatus) ([]LiveObject, error) {
		all, err := c.Invitations.List(ctx, client.InvitationListOptions{})
		return liveOf(all, err, func(inv *client.Invitation) (string, string, bool) {
			return inv.ID, inv.Email, slices.Contains(statuses, inv.Status)
		})
	}
	return map[string]func(context.Context, *client.Client) ([]LiveObject, error){
		"alien_member": func(ctx context.Context, c *client.Client) ([]LiveObject, error) {
			all, err := c.Members.List(ctx, client.MemberListOptions{})
			members, err := liveOf(all, err, func(m *client.Member) (string, string, bool) { return m.ID, m.Email, true })
			if err != nil {
				return nil, err
			}
			invited, err := invitations(ctx, c, client.InvitationPending, client.InvitationExpired)
			return append(members, invited...), err
		},
		"alien_invitation": func(ctx context.Context, c *client.Client) ([]LiveObject, error) {
			return invitations(ctx, c, client.InvitationPending)
		},
		"alien_service_account": func(ctx context.Context, c *client.Client) ([]LiveObject, error) {
			all, err := c.ServiceAccounts.List(ctx, client.ServiceAccountListOptions{})
			return liveOf(all, err, func(sa *client.ServiceAccount) (string, string, bool) {
				return sa.ID, sa.Email, sa.Status == client.UserActive
			})
		},
		"alien_managed_user": func(ctx context.Context, c *client.Client) ([]LiveObject, error) {
			all, err := c.ManagedUsers.List(ctx, client.ManagedUserListOptions{})
			return liveOf(all, err, func(mu *client.ManagedUser) (string, string, bool) {
				return mu.ID, mu.Email, mu.Status == client.UserActive
			})
		},
		"alien_api_token": func(ctx context.Context, c *client.Client) ([]LiveObject, error) {
			all, err := c.APITokens.List(ctx, client.APITokenListOptions{})
			return liveOf(all, err, func(t *client.APIToken) (string, string, bool) { return t.ID, t.Name, t.Status == client.TokenActive })
		},
		"alien_oauth_client": func(ctx context.Context, c *client.Client) ([]LiveObject, error) {
			all, err := c.OAuthClients.List(ctx)
			return liveOf(all, err, func(o *client.OAuthClient) (string, string, bool) { return o.ID, o.Name, true })
		},
	}
}

// liveOf keeps the live objects of a list (and its error): of says an object's id, its email or
// name, and whether it is live. Keys are lower case.
func liveOf[T any](all []*T, err error, of func(*T) (id, key string, live bool)) ([]LiveObject, error) {
	if err != nil {
		return nil, err
	}
	var out []LiveObject
	for _, v := range all {
		if id, key, live := of(v); live {
			out = append(out, LiveObject{ID: id, Key: strings.ToLower(key)})
		}
	}
	return out, nil
}

// Outside are the provider's resource types that the convergence mix leaves out, with why. A
// provider test fails, naming the type, when a registered resource is neither in Mix200 nor here.
func Outside() map[string]string {
	return map[string]string{
		"alien_organization": "it creates other organizations, each with a credential of its own, which a check " +
			"scoped to the credential's organization cannot list",
	}
}

// Outcome is what Check found.
type Outcome struct {
	// Declared is the number of emails and names the blocks declare; Live the number of live
	// objects of the blocks on the server.
	Declared, Live int
	// Duplicates counts the live objects beyond the first for one declared email or name.
	Duplicates int
	// Orphans are the live objects of the blocks that the state does not hold (described; they are
	// in Problems too).
	Orphans []string
	// Missing counts the declared emails and names with no live object.
	Missing int
	// Stale counts the state's objects that are not live on the server.
	Stale int
	// Tokens and Secrets count the API tokens and OAuth clients in state; TokensOK and SecretsOK
	// those whose secret in state works.
	Tokens, TokensOK   int
	Secrets, SecretsOK int
	// Problems describes every disagreement found; none means the configuration converged.
	Problems []string
}

// Check compares the server (through c, whose credential must be the organization's owner key)
// with the blocks and the state: every declared email or name has exactly one live object, held in
// state; every live object is declared and in state; every block has its count of instances in
// state; every token in state authenticates as itself (GET /me) and every OAuth client secret gets
// an access token. The server may still be injecting faults (make bench looks at an interrupted
// apply's leftovers through the faulty server): c should retry patiently, and the tokens are
// tried with patient retries too. An error means the server could not be asked; disagreements are
// in the outcome's Problems.
func Check(ctx context.Context, c *client.Client, blocks []Block, state State) (*Outcome, error) {
	live, err := Live(ctx, c, blocks)
	if err != nil {
		return nil, fmt.Errorf("listing the organization: %w", err)
	}
	out := &Outcome{}
	problem := func(format string, args ...any) string {
		p := fmt.Sprintf(format, args...)
		out.Problems = append(out.Problems, p)
		return p
	}
	for _, b := range blocks {
		inState := map[string]bool{}
		for _, inst := range state[b.Name] {
			inState[inst.Attrs["id"]] = true
		}
		keys := b.Keys()
		declared := map[string]bool{}
		for _, k := range keys {
			declared[k] = true
		}
		out.Declared += len(declared)
		out.Live += len(live[b.Name])
		perKey := map[string]int{}
		liveIDs := map[string]bool{}
		for _, o := range live[b.Name] {
			perKey[o.Key]++
			liveIDs[o.ID] = true
			if !declared[o.Key] {
				problem("%s.%s: %s (%s) is live but not declared", b.Type, b.Name, o.Key, o.ID)
			}
			if !inState[o.ID] {
				out.Orphans = append(out.Orphans, problem("%s.%s: %s (%s) is live but not in state (an orphan)", b.Type, b.Name, o.Key, o.ID))
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			switch n := perKey[k]; {
			case n == 0:
				out.Missing++
				problem("%s.%s: nothing live for %s", b.Type, b.Name, k)
			case n > 1:
				out.Duplicates += n - 1
				problem("%s.%s: %d live objects for %s (duplicates)", b.Type, b.Name, n, k)
			}
		}
		if n := len(state[b.Name]); n != b.Count {
			problem("%s.%s: %d instances in state, want %d", b.Type, b.Name, n, b.Count)
		}
		stale := make([]string, 0, len(inState))
		for id := range inState {
			if !liveIDs[id] {
				stale = append(stale, id)
			}
		}
		sort.Strings(stale)
		for _, id := range stale {
			out.Stale++
			problem("%s.%s: %s is in state but not live", b.Type, b.Name, id)
		}
	}

	// Every secret in state works.
	for _, b := range blocks {
		for _, inst := range state[b.Name] {
			switch b.Type {
			case "alien_api_token":
				out.Tokens++
				secret := inst.Attrs["token"]
				if secret == "" {
					problem("%s: no token in state", inst.Address)
					continue
				}
				tc, err := client.New(client.Config{Endpoint: c.Endpoint(), Token: secret, MaxRetries: 20, RetryWaitMax: time.Second})
				if err != nil {
					return nil, err
				}
				me, err := tc.Identity.Read(ctx)
				switch {
				case err != nil:
					problem("%s: the token in state does not work: %v", inst.Address, err)
				case me.TokenID == nil || *me.TokenID != inst.Attrs["id"]:
					problem("%s: the token in state authenticates as another token", inst.Address)
				default:
					out.TokensOK++
				}
			case "alien_oauth_client":
				out.Secrets++
				if _, err := c.Public.ClientCredentialsToken(ctx, inst.Attrs["client_id"], inst.Attrs["client_secret"]); err != nil {
					problem("%s: the client secret in state does not work: %v", inst.Address, err)
					continue
				}
				out.SecretsOK++
			}
		}
	}
	return out, nil
}

// Creations counts the creations among alien-local's request counts (GET /_local/stats): the
// POSTs to a collection (not to an object's action, nor to /_local).
func Creations(requests map[string]int) int {
	n := 0
	for route, k := range requests {
		if strings.HasPrefix(route, "POST /") && !strings.HasPrefix(route, "POST /_local/") && !strings.Contains(route, "{") {
			n += k
		}
	}
	return n
}
