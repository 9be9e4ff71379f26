package provider

// Resource identity (Terraform 1.12 and later): every resource stores, next to its state, the
// few values that name its object for good. `import` blocks can give the identity instead of an
// import id, and `terraform query` (list resources) answers identities that
// `-generate-config-out` turns into import blocks. alien_member is identified by its email, which
// stays the same from invitation to membership (its id changes when the invitation is accepted);
// every other resource by its id.
//
// Each resource sets its identity in Create, Update and ImportState, and at the start of Read from
// the prior state (before any API call): the framework refuses a Read that leaves the identity
// null, even one that removes the resource, and state written before identity existed has none.

import (
	"context"
	"fmt"
	"strings"

	"github.com/alien-intelligence/terraform-provider-alien/internal/textrule"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// idIdentityModel is the identity of every resource but alien_member.
type idIdentityModel struct {
	ID types.String `tfsdk:"id"`
}

// memberIdentityModel is alien_member's identity.
type memberIdentityModel struct {
	Email types.String `tfsdk:"email"`
}

// idIdentitySchema is the identity schema of a resource identified by its id; example is an id
// of its kind ("sa_..."), for the description.
func idIdentitySchema(example string) identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"id": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       fmt.Sprintf("The object's id (%s), as the API names it.", example),
			},
		},
	}
}

// memberIdentitySchema is alien_member's identity schema.
func memberIdentitySchema() identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"email": identityschema.StringAttribute{
				RequiredForImport: true,
				Description: "The person's email address as the API compares it (lower case: Unicode " +
					"case folding, in NFC): the same from invitation to membership. Import blocks may give " +
					"it in any case.",
			},
		},
	}
}

// memberIdentityEmail is the email as alien_member's identity holds it: the key the API compares
// emails by (textrule.Key: Unicode case folding, NFC), since an identity never changes. For an
// ASCII address it is the address in lower case.
func memberIdentityEmail(email string) string {
	return textrule.Key(email)
}

// setIDIdentity sets the identity {id} (identity is nil when the resource has no identity schema,
// which never happens here, or when the framework calls without one).
func setIDIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, id string, diags *diag.Diagnostics) {
	if identity == nil || id == "" {
		return
	}
	diags.Append(identity.Set(ctx, idIdentityModel{ID: types.StringValue(id)})...)
}

// setMemberIdentity sets alien_member's identity {email}.
func setMemberIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, email string, diags *diag.Diagnostics) {
	if identity == nil || email == "" {
		return
	}
	diags.Append(identity.Set(ctx, memberIdentityModel{Email: types.StringValue(memberIdentityEmail(email))})...)
}

// importID is what an import names: the import id (`terraform import`, an import block's `id`),
// else the id in the import block's `identity`. ok is false, with an error, when neither is given.
func importID(ctx context.Context, req resource.ImportStateRequest, diags *diag.Diagnostics) (id string, ok bool) {
	if req.ID != "" {
		return req.ID, true
	}
	if req.Identity != nil && !req.Identity.Raw.IsNull() {
		var identity idIdentityModel
		diags.Append(req.Identity.Get(ctx, &identity)...)
		if diags.HasError() {
			return "", false
		}
		if v := strings.TrimSpace(identity.ID.ValueString()); v != "" {
			return v, true
		}
	}
	diags.AddAttributeError(path.Root("id"), "Missing import identifier",
		"Give the object's id: as the import id (`terraform import <address> <id>`, or `id` in an import block), "+
			"or as `identity = { id = \"...\" }` in an import block.")
	return "", false
}

// importWithIDIdentity is the ImportState of a resource identified by its id: byID, the import by
// id, runs with the id resolved (from the import block's identity when it gave one instead of an
// id), then the identity is set from the id byID put in state.
func importWithIDIdentity(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse,
	byID func(context.Context, resource.ImportStateRequest, *resource.ImportStateResponse),
) {
	id, ok := importID(ctx, req, &resp.Diagnostics)
	if !ok {
		return
	}
	req.ID = id
	byID(ctx, req, resp)
	if resp.Diagnostics.HasError() {
		return
	}
	var stateID types.String
	resp.Diagnostics.Append(resp.State.GetAttribute(ctx, path.Root("id"), &stateID)...)
	setIDIdentity(ctx, resp.Identity, stateID.ValueString(), &resp.Diagnostics)
}
