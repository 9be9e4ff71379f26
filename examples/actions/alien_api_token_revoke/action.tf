# An incident runbook: revoke any token of the organization at once, whoever manages it, by id.
# The variable has no value in day-to-day runs (the action runs only when invoked):
#
#   terraform apply -invoke=action.alien_api_token_revoke.leaked -var leaked_token_id=tok_...
#
# Running it again succeeds and says the token was already revoked.
variable "leaked_token_id" {
  description = "The id (tok_...) of the API token to revoke, given with -var when the action is invoked."
  type        = string
  default     = null
}

action "alien_api_token_revoke" "leaked" {
  config {
    token_id = var.leaked_token_id
  }
}
