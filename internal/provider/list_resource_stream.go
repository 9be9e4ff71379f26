package provider

// What the list resources (`terraform query`, Terraform 1.14 and later) share: a result per
// object, pushed as each API page arrives, and the limit.
//
// A list resource reads its collection with the client's Pages (100 objects a page) and pushes
// one result per object as soon as its page is in: the identity always, the resource object
// when include_resource asks for it. It stops reading pages once `limit` results are out (or
// when Terraform wants no more), so listing the first 10 of 1,000 members costs one request, and
// listing all of them ten.

import (
	"context"

	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// listEmitter pushes a list resource's results to Terraform and counts them against the limit.
type listEmitter struct {
	ctx   context.Context
	req   list.ListRequest
	push  func(list.ListResult) bool
	count int64
	done  bool
}

// listStream sets the stream's results to what produce emits. produce runs when Terraform reads
// the stream; it emits results through the emitter and stops as soon as emit answers false.
func listStream(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream, produce func(e *listEmitter)) {
	stream.Results = func(push func(list.ListResult) bool) {
		e := &listEmitter{ctx: ctx, req: req, push: push}
		if req.Limit <= 0 {
			return // Terraform reads no result: ask the API for nothing
		}
		produce(e)
	}
}

// emit pushes one result: its display name, its identity and, when include_resource asks for
// it, the resource object (identity and resource are models of the resource's identity and
// schema). It answers false when the listing must stop: the limit is reached, or Terraform
// stopped reading.
func (e *listEmitter) emit(displayName string, identity, resource any) bool {
	if e.done {
		return false
	}
	result := e.req.NewListResult(e.ctx)
	result.DisplayName = displayName
	result.Diagnostics.Append(result.Identity.Set(e.ctx, identity)...)
	if e.req.IncludeResource {
		result.Diagnostics.Append(result.Resource.Set(e.ctx, resource)...)
	}
	e.count++
	if !e.push(result) || e.count >= e.req.Limit {
		e.done = true
	}
	return !e.done
}

// fail pushes an error as the last result.
func (e *listEmitter) fail(d diag.Diagnostic) {
	if e.done {
		return
	}
	e.done = true
	e.push(list.ListResult{Diagnostics: diag.Diagnostics{d}})
}

// failAPI pushes a failed API call as the last result: "Error listing <what>".
func (e *listEmitter) failAPI(what string, err error) {
	e.fail(apiErrorDiagnostic("listing", what, "", err))
}

// listConfig reads a list block's `config` into target, pushing the error as the only result when
// it cannot.
func listConfig(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream, target any) bool {
	diags := req.Config.Get(ctx, target)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return false
	}
	return true
}

// stringFilter is an optional string filter that a data source and its list resource's config
// both have. The two schema packages differ, so the attributes cannot be shared; their
// description and validators are, so that the two cannot drift apart. A stringFilter is built
// afresh for each schema (its validators are not shared between schemas).
type stringFilter struct {
	description string
	validators  []validator.String
}

// dataSource is the filter as a data source's attribute.
func (f stringFilter) dataSource() dsschema.StringAttribute {
	return dsschema.StringAttribute{MarkdownDescription: f.description, Optional: true, Validators: f.validators}
}

// list is the filter as a list block's config attribute.
func (f stringFilter) list() listschema.StringAttribute {
	return listschema.StringAttribute{MarkdownDescription: f.description, Optional: true, Validators: f.validators}
}
