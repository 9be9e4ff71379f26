package provider

// What alien_service_account and alien_managed_user share, with their data sources and list
// resources: the platform calls service accounts and managed users "organization users", with one
// lifecycle (create, deactivate, reactivate; never deleted) and one email namespace. Each kind is
// described once (orgUserKind); the CRUD steps that are the same logic for both are the generic
// functions below, and what the two services do differently (what they create and update) stays in
// each resource.

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
	"github.com/alien-intelligence/terraform-provider-alien/internal/textrule"
)

// orgUserKind describes one kind of organization user, as users and the API name it.
type orgUserKind struct {
	// name is the kind in messages: "service account".
	name string
	// resourceType is its resource: "alien_service_account".
	resourceType string
	// idPrefix begins the ids the API gives it: "sa_".
	idPrefix string
	// lookup finds the user of this kind with an email (compared without regard to case by the
	// API): id is "" when there is none.
	lookup func(ctx context.Context, c *client.Client, email string) (id string, status client.UserStatus, err error)
}

// The two kinds. They are never written: they describe, they hold no state.
var (
	serviceAccountKind = &orgUserKind{
		name: "service account", resourceType: "alien_service_account", idPrefix: "sa_",
		lookup: func(ctx context.Context, c *client.Client, email string) (string, client.UserStatus, error) {
			accounts, err := c.ServiceAccounts.List(ctx, client.ServiceAccountListOptions{Email: &email})
			if err != nil || len(accounts) == 0 {
				return "", "", err
			}
			return accounts[0].ID, accounts[0].Status, nil
		},
	}
	managedUserKind = &orgUserKind{
		name: "managed user", resourceType: "alien_managed_user", idPrefix: "mu_",
		lookup: func(ctx context.Context, c *client.Client, email string) (string, client.UserStatus, error) {
			users, err := c.ManagedUsers.List(ctx, client.ManagedUserListOptions{Email: &email})
			if err != nil || len(users) == 0 {
				return "", "", err
			}
			return users[0].ID, users[0].Status, nil
		},
	}
)

// orgUserKinds lists the kinds, in the order an email's holder is looked for.
func orgUserKinds() []*orgUserKind {
	return []*orgUserKind{serviceAccountKind, managedUserKind}
}

// other is the other kind of organization user.
func (k *orgUserKind) other() *orgUserKind {
	if k == serviceAccountKind {
		return managedUserKind
	}
	return serviceAccountKind
}

// byEmail finds the user of this kind with email: found is false when there is none.
func (k *orgUserKind) byEmail(ctx context.Context, c *client.Client, email string) (id string, locked, found bool, err error) {
	id, status, err := k.lookup(ctx, c, email)
	return id, status == client.UserLocked, id != "", err
}

// orgUserService is the lifecycle the client's ServiceAccounts and ManagedUsers services share; T
// is client.ServiceAccount or client.ManagedUser.
type orgUserService[T any] interface {
	Read(ctx context.Context, id string) (*T, error)
	Deactivate(ctx context.Context, id string) (*T, error)
	Reactivate(ctx context.Context, id string) (*T, error)
}

// orgUserCreated finishes a Create whose user, created (always active) with id, the API answered
// as created: it saves created to state, then deactivates the user when the plan says
// active = false and saves that answer. save sets the state from an answer.
func orgUserCreated[T any](ctx context.Context, svc orgUserService[T], kind *orgUserKind, created *T, id string, active bool,
	save func(*T) diag.Diagnostics, diags *diag.Diagnostics) {
	diags.Append(save(created)...)
	if diags.HasError() || active {
		return
	}
	// Created active, to be deactivated: if this fails, the state keeps the active user (Terraform
	// marks it tainted) and the error says what to do.
	deactivated, err := svc.Deactivate(ctx, id)
	if err != nil {
		diags.Append(orgUserCreatedActiveError(kind, id, err))
		return
	}
	diags.Append(save(deactivated)...)
}

// orgUserUpdate runs an Update of user id in the order that always works: reactivate (when
// active turns true), the kind's own changes (change, which answers the API's last answer, nil
// when it called nothing, and false after adding an error), deactivate (when active turns
// false). It answers the user as the API last answered it, read afresh when nothing was called,
// and false after adding an error to diags.
func orgUserUpdate[T any](ctx context.Context, svc orgUserService[T], kind *orgUserKind, id string, wasActive, active bool,
	diags *diag.Diagnostics, change func() (*T, bool)) (*T, bool) {
	var (
		user *T
		err  error
	)
	if active && !wasActive {
		if user, err = svc.Reactivate(ctx, id); err != nil {
			addAPIError(diags, "reactivating", kind.name, id, err)
			return nil, false
		}
	}
	changed, ok := change()
	if !ok {
		return nil, false
	}
	if changed != nil {
		user = changed
	}
	if !active && wasActive {
		if user, err = svc.Deactivate(ctx, id); err != nil {
			addAPIError(diags, "deactivating", kind.name, id, err)
			return nil, false
		}
	}
	if user == nil {
		if user, err = svc.Read(ctx, id); err != nil {
			addAPIError(diags, "reading", kind.name, id, err)
			return nil, false
		}
	}
	return user, true
}

// orgUserRead is the body of Read for user id: it answers the user as the API holds it, or nil
// when the state must not be set from an answer: the user no longer exists (the resource leaves
// the state), the read was refused after a downgrade (the state keeps what was last read, with a
// warning), or an error was added.
func orgUserRead[T any](ctx context.Context, svc orgUserService[T], kind *orgUserKind, id string, resp *resource.ReadResponse) *T {
	user, err := svc.Read(ctx, id)
	switch {
	case isNotFound(err):
		resp.State.RemoveResource(ctx)
		return nil
	case orgUserKeptAfterDowngrade(&resp.Diagnostics, kind, id, err):
		return nil
	case err != nil:
		addAPIError(&resp.Diagnostics, "reading", kind.name, id, err)
		return nil
	}
	return user
}

// orgUserDelete is the body of Delete: it deactivates user id (the API keeps the record for
// audit); a user that no longer exists is deleted already.
func orgUserDelete[T any](ctx context.Context, svc orgUserService[T], kind *orgUserKind, id string, diags *diag.Diagnostics) {
	if _, err := svc.Deactivate(ctx, id); err != nil && !isNotFound(err) {
		addAPIError(diags, "deactivating", kind.name, id, err)
	}
}

// orgUserKeptAfterDowngrade handles a read the API refused because the organization is no longer
// on the Enterprise plan (403 plan_required): the state keeps what was last read, with a warning,
// so that the user can still be deactivated, which the API allows on every plan (it is how access
// is cut). It answers whether err was that refusal.
func orgUserKeptAfterDowngrade(diags *diag.Diagnostics, kind *orgUserKind, id string, err error) bool {
	var apiErr *client.APIError
	if !errors.Is(err, client.ErrPlanRequired) || !errors.As(err, &apiErr) {
		return false
	}
	diags.AddWarning(fmt.Sprintf("Cannot read %s %s on this plan", kind.name, id),
		fmt.Sprintf("The API refuses to read the %s: %s. The state keeps what was last read.\n\n"+
			"Deactivating the %s (active = false, or destroying the resource) still works on every plan: "+
			"it is how its access is cut. Anything else needs the Enterprise plan again.", kind.name, apiErr.Message, kind.name))
	return true
}

// orgUserStatusFromActive plans status from active, so that a plan shows the status to come.
func orgUserStatusFromActive() planmodifier.String { return statusFromActiveModifier{} }

// statusFromActiveModifier is the plan modifier orgUserStatusFromActive returns.
type statusFromActiveModifier struct{}

var _ planmodifier.String = statusFromActiveModifier{}

// Description describes the plan modifier in plain text.
func (statusFromActiveModifier) Description(_ context.Context) string {
	return "The status follows active: active when it is true, locked when it is false."
}

// MarkdownDescription describes the plan modifier in Markdown.
func (m statusFromActiveModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

// PlanModifyString plans "active" or "locked" when active is known.
func (statusFromActiveModifier) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	var active types.Bool
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("active"), &active)...)
	if resp.Diagnostics.HasError() || active.IsNull() || active.IsUnknown() {
		return
	}
	if active.ValueBool() {
		resp.PlanValue = types.StringValue(string(client.UserActive))
	} else {
		resp.PlanValue = types.StringValue(string(client.UserLocked))
	}
}

// orgUserLockedAtFromActive plans locked_at from active: unchanged while active does not change,
// null when the user is (re)activated, known after apply when it is deactivated.
func orgUserLockedAtFromActive() planmodifier.String { return lockedAtFromActiveModifier{} }

// lockedAtFromActiveModifier is the plan modifier orgUserLockedAtFromActive returns.
type lockedAtFromActiveModifier struct{}

var _ planmodifier.String = lockedAtFromActiveModifier{}

// Description describes the plan modifier in plain text.
func (lockedAtFromActiveModifier) Description(_ context.Context) string {
	return "Unchanged while active does not change; null once active is true; set on deactivation."
}

// MarkdownDescription describes the plan modifier in Markdown.
func (m lockedAtFromActiveModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

// PlanModifyString plans locked_at.
func (lockedAtFromActiveModifier) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	var active types.Bool
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("active"), &active)...)
	if resp.Diagnostics.HasError() || active.IsNull() || active.IsUnknown() {
		return
	}
	if active.ValueBool() {
		resp.PlanValue = types.StringNull()
		return
	}
	if req.State.Raw.IsNull() {
		return // created deactivated: known after apply
	}
	var prior types.Bool
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("active"), &prior)...)
	if !resp.Diagnostics.HasError() && !prior.IsNull() && !prior.IsUnknown() && !prior.ValueBool() {
		resp.PlanValue = req.StateValue // stays deactivated: the same lock
	}
}

// orgUserImportState imports a user of a kind by id, or by email: it looks the email up, so that
// state holds the id.
func orgUserImportState(ctx context.Context, c *client.Client, kind *orgUserKind, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := req.ID
	if strings.Contains(id, "@") {
		foundID, _, found, err := kind.byEmail(ctx, c, id)
		if err != nil {
			addAPIError(&resp.Diagnostics, "importing", kind.name, id, err)
			return
		}
		if !found {
			resp.Diagnostics.AddError("Cannot import "+kind.name,
				fmt.Sprintf("The organization has no %s with the email %q. Import a %s by its id (%s...) or its email.",
					kind.name, id, kind.name, kind.idPrefix))
			return
		}
		id = foundID
	} else if !orgUserImportIDOK(&resp.Diagnostics, kind, id) {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}

// orgUserImportIDOK refuses, before any API call, an import id that is the other kind's (the API
// prefixes ids: sa_ for service accounts, mu_ for managed users).
func orgUserImportIDOK(diags *diag.Diagnostics, kind *orgUserKind, id string) bool {
	if other := kind.other(); strings.HasPrefix(id, other.idPrefix) {
		diags.AddError("Cannot import "+kind.name,
			fmt.Sprintf("%q is the id of a %s, not of a %s: import it as %s, or give %s the id or email of a %s.",
				id, other.name, kind.name, other.resourceType, kind.resourceType, kind.name))
		return false
	}
	if strings.TrimSpace(id) == "" {
		diags.AddError("Cannot import "+kind.name, "The import id is empty: give the "+kind.name+"'s id or email.")
		return false
	}
	return true
}

// orgUserCreatedActiveError reports a user created but not deactivated as the configuration asked
// (active = false). Terraform taints it, and replacing it would fail (its email stays taken), so the
// detail says to untaint it and apply again.
func orgUserCreatedActiveError(kind *orgUserKind, id string, err error) diag.Diagnostic {
	d := apiErrorDiagnostic("deactivating", kind.name, id, err)
	return diag.NewErrorDiagnostic(d.Summary(), d.Detail()+fmt.Sprintf("\n\nThe %s %s was created but is still "+
		"active, and Terraform marks it tainted. Replacing it would fail (a %s is never deleted, so its email "+
		"stays taken): run `terraform untaint %s.<name>`, then apply again to deactivate it.", kind.name, id, kind.name, kind.resourceType))
}

// orgUserCreateError reports a failed create of a user of a kind with email, adding what the user
// can do for the two failures they can act on: an email that belongs to an existing service
// account or managed user (they are never deleted, only locked), and an organization that is not
// on the Enterprise plan.
func orgUserCreateError(ctx context.Context, c *client.Client, diags *diag.Diagnostics, kind *orgUserKind, email string, err error) {
	d := apiErrorDiagnostic("creating", kind.name, email, err)
	var hint string
	switch {
	case errors.Is(err, client.ErrConflict):
		hint = orgUserEmailTakenHint(ctx, c, kind, email)
	case errors.Is(err, client.ErrPlanRequired):
		hint = "Service accounts and managed users are available on the Enterprise plan only. An organization's " +
			"plan changes through billing, not through Terraform: upgrade the organization to Enterprise, or remove " +
			"this resource from the configuration."
	}
	if hint != "" {
		d = diag.NewErrorDiagnostic(d.Summary(), d.Detail()+"\n\n"+hint)
	}
	diags.Append(diag.WithPath(path.Root("email"), d))
}

// orgUserEmailTakenHint finds the service account or managed user that holds email and says how
// to manage it instead. It answers a generic hint when the holder cannot be found.
func orgUserEmailTakenHint(ctx context.Context, c *client.Client, kind *orgUserKind, email string) string {
	var (
		holder   *orgUserKind
		holderID string
		locked   bool
	)
	for _, k := range orgUserKinds() {
		if id, l, found, err := k.byEmail(ctx, c, email); err == nil && found {
			holder, holderID, locked = k, id, l
			break
		}
	}
	if holder == nil {
		return "An email identifies one service account or managed user in the organization. Use another " +
			"email, or import the existing service account or managed user that has it."
	}

	state := "an active"
	if locked {
		state = "a locked (deactivated)"
	}
	adopt := fmt.Sprintf("import it with `terraform import %s.<name> %s`, or an `import` block with `id = %q`",
		holder.resourceType, holderID, holderID)
	if locked {
		adopt += ", and set `active = true` to reactivate it"
	}
	if holder != kind {
		return fmt.Sprintf("The email %q belongs to %s %s, %s. An email identifies one user in the organization: "+
			"it cannot be a %s and a %s at once. Use another email, or manage the existing %s with %s: %s.",
			email, state, holder.name, holderID, kind.name, holder.name, holder.name, holder.resourceType, adopt)
	}
	kept := ""
	if locked {
		kept = fmt.Sprintf(" Deactivated %ss are kept for audit and never deleted, so the email stays taken.", kind.name)
	}
	return fmt.Sprintf("The email %q belongs to %s %s, %s.%s To manage it with Terraform, %s.",
		email, state, kind.name, holderID, kept, adopt)
}

// orgUserDataSourceAttributes are the attributes of the data source that lists users of a kind:
// its status and email filters, and the list, named listName.
func orgUserDataSourceAttributes(kind *orgUserKind, listName string, list schema.ListNestedAttribute) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		listName: list,
		"status": orgUserStatusFilter(kind).dataSource(),
		"email":  orgUserEmailFilter(kind).dataSource(),
	}
}

// orgUserListConfigModel maps the list block's config of service accounts and managed users.
type orgUserListConfigModel struct {
	Status types.String `tfsdk:"status"`
	Email  types.String `tfsdk:"email"`
}

// orgUserListConfigSchema is the list block's config of a kind of organization users, the
// filters of its data source (orgUserDataSourceAttributes).
func orgUserListConfigSchema(kind *orgUserKind) listschema.Schema {
	return listschema.Schema{
		MarkdownDescription: "The organization's " + kind.name + "s, as `" + kind.resourceType + "` manages them, deactivated " +
			"(`locked`) ones included unless `status` leaves them out, in creation order, identified by id. The " +
			"display name is the email. Results come as the API's pages of 100 arrive; `limit` (Terraform's default " +
			"is 100) stops reading early.",
		Attributes: map[string]listschema.Attribute{
			"status": orgUserStatusFilter(kind).list(),
			"email":  orgUserEmailFilter(kind).list(),
		},
	}
}

// orgUserList is the body of List of the list resource of a kind: it streams the users that pages
// lists with the config's filters (status and email), one result per user, with the email, id
// and resource object that result answers for it. T is client.ServiceAccount or
// client.ManagedUser.
func orgUserList[T any](ctx context.Context, req list.ListRequest, stream *list.ListResultsStream, kind *orgUserKind,
	pages func(status *client.UserStatus, email *string) iter.Seq2[[]*T, error],
	result func(*T) (email, id string, model any)) {
	var config orgUserListConfigModel
	if !listConfig(ctx, req, stream, &config) {
		return
	}
	status, email := orgUserFilter(config.Status, config.Email)
	listStream(ctx, req, stream, func(e *listEmitter) {
		for page, err := range pages(status, email) {
			if err != nil {
				e.failAPI(kind.name+"s", err)
				return
			}
			for _, user := range page {
				displayName, id, model := result(user)
				if !e.emit(displayName, idIdentityModel{ID: types.StringValue(id)}, model) {
					return
				}
			}
		}
	})
}

// orgUserStatusFilter is the status filter of the data source and the list resource of a kind.
func orgUserStatusFilter(kind *orgUserKind) stringFilter {
	return stringFilter{
		description: "Only the " + kind.name + "s with this status: `active` or `locked`. Unset: all.",
		validators:  []validator.String{stringvalidator.OneOf(string(client.UserActive), string(client.UserLocked))},
	}
}

// orgUserEmailFilter is the email filter of the data source and the list resource of a kind.
func orgUserEmailFilter(kind *orgUserKind) stringFilter {
	return stringFilter{
		description: "Only the " + kind.name + " with this email (compared without regard to case). Unset: all.",
		validators:  emailValidators(),
	}
}

// orgUserFilter is the list filter a data source's status and email configure (nil: no filter).
func orgUserFilter(status, email types.String) (*client.UserStatus, *string) {
	var s *client.UserStatus
	if !status.IsNull() {
		v := client.UserStatus(status.ValueString())
		s = &v
	}
	var e *string
	if !email.IsNull() {
		v := email.ValueString()
		e = &v
	}
	return s, e
}

// sortOrgUsers sorts users of either kind as their data sources list them (orgUserLess); email
// and id read a user's.
func sortOrgUsers[T any](users []*T, email, id func(*T) string) {
	sort.SliceStable(users, func(i, j int) bool {
		return orgUserLess(email(users[i]), id(users[i]), email(users[j]), id(users[j]))
	})
}

// orgUserLess orders service accounts and managed users by email key (textrule.Key: as the API
// compares emails), then by spelling, then by id, so that lists are stable.
func orgUserLess(emailA, idA, emailB, idB string) bool {
	if a, b := textrule.Key(emailA), textrule.Key(emailB); a != b {
		return a < b
	}
	if emailA != emailB {
		return emailA < emailB
	}
	return idA < idB
}
