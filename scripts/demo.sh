#!/usr/bin/env bash
# `make demo`: build the provider and alien-local, start alien-local on a fresh database, apply
# examples/quickstart against it with the freshly built provider (dev_overrides: no
# `terraform init`, nothing downloaded), show what was created, use the machine identities it made
# with curl (their secrets piped from `terraform output -raw`, never printed), check that a
# second plan is empty, and end with the console's address and what to try there; in a terminal,
# alien-local then keeps running, and Enter runs terraform plan to show what the console changed.
# The server and the temporary directory are removed on exit.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

terraform=${TERRAFORM:-$(command -v terraform || true)}
if [[ -z "$terraform" ]]; then
	echo "demo: the terraform CLI was not found on PATH; install Terraform 1.5 or later." >&2
	exit 1
fi
if ! command -v go >/dev/null; then
	echo "demo: the Go toolchain was not found on PATH; install Go (see go.mod for the version)." >&2
	exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/alien-demo.XXXXXX")
server_pid=""
cleanup() {
	if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
		kill "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\n==> %s\n' "$*"; }

step "Building the provider and alien-local"
go build -o "$work/bin/terraform-provider-alien" "$root"
go build -o "$work/bin/alien-local" "$root/cmd/alien-local"

step "Starting alien-local on a fresh database in $work"
"$work/bin/alien-local" serve --listen 127.0.0.1:0 --db "$work/alien.db" >"$work/alien-local.log" 2>&1 &
server_pid=$!

# alien-local prints ALIEN_ENDPOINT=, ALIEN_TOKEN= and ALIEN_ORGANIZATION_ID= lines once it
# listens on its new database.
for _ in $(seq 1 300); do
	if grep -qE '^(export )?ALIEN_TOKEN=' "$work/alien-local.log" 2>/dev/null &&
		grep -qE '^(export )?ALIEN_ENDPOINT=' "$work/alien-local.log"; then
		break
	fi
	if ! kill -0 "$server_pid" 2>/dev/null; then
		echo "demo: alien-local exited before it was ready:" >&2
		cat "$work/alien-local.log" >&2
		exit 1
	fi
	sleep 0.1
done
grep -E '^(export )?ALIEN_[A-Z_]+=' "$work/alien-local.log" | sed -E 's/^(export )?/export /' >"$work/alien.env"
if ! grep -q '^export ALIEN_TOKEN=' "$work/alien.env"; then
	echo "demo: alien-local did not print its ALIEN_TOKEN line in time:" >&2
	cat "$work/alien-local.log" >&2
	exit 1
fi
# shellcheck disable=SC1091
source "$work/alien.env"
echo "alien-local listens on $ALIEN_ENDPOINT (organization ${ALIEN_ORGANIZATION_ID:-?})"

# A CLI configuration that uses the provider just built and installs nothing else.
cat >"$work/terraform.rc" <<EOF
disable_checkpoint = true
provider_installation {
  dev_overrides {
    "alien-intelligence/alien" = "$work/bin"
  }
  filesystem_mirror {
    path    = "$work/no-providers"
    include = ["*/*/*"]
  }
}
EOF
export TF_CLI_CONFIG_FILE="$work/terraform.rc"
export CHECKPOINT_DISABLE=1
export TF_IN_AUTOMATION=1
unset TF_LOG TF_LOG_PATH

# Colours only on a terminal.
tf_flags=(-input=false -compact-warnings)
[[ -t 1 ]] || tf_flags+=(-no-color)

mkdir -p "$work/quickstart"
cp -R "$root/examples/quickstart/." "$work/quickstart/"
cd "$work/quickstart"

step "terraform apply (examples/quickstart)"
"$terraform" apply -auto-approve "${tf_flags[@]}"

step "What was created (terraform output)"
"$terraform" output "${tf_flags[@]:2}"

step "Using the machine identities"
have_curl=true
have_jq=true
command -v curl >/dev/null || have_curl=false
command -v jq >/dev/null || have_jq=false
then_run=", then run"
$have_curl || then_run=""
cat <<EOF
The quickstart made a service account with a read-only API token, and an OAuth client. Their
secrets are in the state and shown as <sensitive>: only \`terraform output -raw NAME\` prints one.
Each command below is printed as you would type it in examples/quickstart after an apply (here
ALIEN_ENDPOINT=$ALIEN_ENDPOINT)$then_run. Secrets go from \`terraform output -raw\` or a
shell variable through a pipe into curl (\`-K -\`, \`-H @-\`): none is printed, and none appears on a
command line, where \`ps\` or your shell history would show it.
EOF
if ! $have_curl; then
	printf '\ncurl is not installed: the commands are printed, not run (install curl to try them).\n'
fi

# The commands read `terraform`: this one, the build the demo found.
terraform_bin=$terraform
terraform() { "$terraform_bin" "$@"; }

# show prints a command as typed (its continuation lines indented); run shows it, then runs it
# in this shell (so that assignments stay) with its output indented and without blank lines.
# Neither ever prints a secret: the commands name them, and no command prints one.
show() { printf '\n  $ %s\n' "${1//$'\n'/$'\n'    }"; }
run() {
	show "$1"
	$have_curl || return 0
	if ! eval "$1" >"$work/run.out"; then
		echo "demo: the command above failed." >&2
		exit 1
	fi
	sed -e '/^$/d' -e 's/^/  /' "$work/run.out"
}
# http_status prints the HTTP status that `curl -w '\nHTTP %{http_code}\n'` wrote last.
http_status() { sed -n 's/^ *HTTP \([0-9][0-9]*\)$/\1/p' <<<"$1" | tail -n 1; }
expect_status() { # expect_status WANT OUTPUT MEANING
	local got
	if ! $have_curl; then
		printf '  -> (expected) HTTP %s %s\n' "$1" "$3"
		return 0
	fi
	got=$(http_status "$2")
	if [[ "$got" != "$1" ]]; then
		echo "demo: expected HTTP $1 here, got ${got:-no answer}: this is a bug in alien-local or the demo." >&2
		exit 1
	fi
	printf '  -> %s\n' "$3"
}

if $have_jq; then
	json_access_token='jq -r .access_token'
	json_identity="jq -c '{kind, oauth_client_id, expires_at}'"
else
	json_access_token="sed -n 's/.*\"access_token\": *\"\\([^\"]*\\)\".*/\\1/p'"
	json_identity="grep -o '\"\\(kind\\|oauth_client_id\\|expires_at\\)\": *[^,}]*'"
fi

printf '\n1. The OAuth client exchanges its ID and secret for a one-hour access token (client-credentials\n'
printf '   grant: HTTP Basic authentication and a form body) and keeps it in a shell variable:\n'
access_token=""
run "access_token=\$(printf 'user = \"%s:%s\"\\n' \"\$(terraform output -raw oauth_client_id)\" \"\$(terraform output -raw oauth_client_secret)\" |
  curl -s -K - -d grant_type=client_credentials \"\$ALIEN_ENDPOINT/oauth/token\" | $json_access_token)"
if $have_curl && [[ "$access_token" != oaa_* ]]; then
	echo "demo: POST /oauth/token did not answer an access token: this is a bug in alien-local or the demo." >&2
	exit 1
fi

printf '\n   Who the access token is (GET /me): an OAuth client, and when the token expires:\n'
run "printf 'Authorization: Bearer %s\\n' \"\$access_token\" | curl -s -H @- \"\$ALIEN_ENDPOINT/me\" | $json_identity"

printf '\n   It acts like an organization key, so it may create a dataset (a JSON body needs\n'
printf '   Content-Type: application/json):\n'
out=$(run "printf 'Authorization: Bearer %s\\n' \"\$access_token\" | curl -s -w '\\nHTTP %{http_code}\\n' -H @- \\
  -H 'Content-Type: application/json' -d '{\"name\": \"Weekly sales\"}' \"\$ALIEN_ENDPOINT/datasets\"")
printf '%s\n' "$out"
expect_status 201 "$out" "Created: an OAuth access token may write."

printf '\n2. The service account'"'"'s read-only token lists the datasets:\n'
out=$(run "printf 'Authorization: Bearer %s\\n' \"\$(terraform output -raw reader_token)\" |
  curl -s -w '\\nHTTP %{http_code}\\n' -H @- \"\$ALIEN_ENDPOINT/datasets\"")
printf '%s\n' "$out"
expect_status 200 "$out" "OK: scope \"read\" may read datasets."

printf '\n   but may not create one:\n'
out=$(run "printf 'Authorization: Bearer %s\\n' \"\$(terraform output -raw reader_token)\" |
  curl -s -w '\\nHTTP %{http_code}\\n' -H @- -H 'Content-Type: application/json' -d '{\"name\": \"Not allowed\"}' \"\$ALIEN_ENDPOINT/datasets\"")
printf '%s\n' "$out"
expect_status 403 "$out" "Forbidden: scope \"read\" may not write (scope \"read_write\" may)."
unset access_token

step "terraform plan: a second plan must be empty"
set +e
"$terraform" plan -detailed-exitcode "${tf_flags[@]}"
rc=$?
set -e
case $rc in
0) printf '\nThe second plan is empty: the configuration and the organization agree.\n' ;;
2)
	echo "demo: the second plan is NOT empty (see above): this is a bug in the provider." >&2
	exit 1
	;;
*)
	echo "demo: terraform plan failed (exit $rc)." >&2
	exit 1
	;;
esac

step "The console: the organization as its people see it"
cat <<EOF
alien-local serves a console (to loopback clients only) at

  $ALIEN_ENDPOINT/console/

Sign in with the organization key: the ALIEN_TOKEN that alien-local printed at start, which the
demo keeps in alien.env and does not show. This shows it:

  sed -n 's/^export ALIEN_TOKEN=//p' $work/alien.env

Worth trying there:

  1. Outbox: open the invitation link of data.engineer@example.com and accept it as them. Members
     lists them as a Writer, and the next plan shows no change: status goes from "invited" to
     "active" by itself.
  2. OAuth clients: disable "Reporting dashboard". The next plan enables it again, in place.
  3. API tokens: revoke "Reporting bot (read-only)". The next plan creates a new token.
EOF

if [[ -t 0 && -t 1 ]]; then
	# In a terminal, alien-local keeps running, and each Enter plans: see what the console changed.
	# Ctrl-C here is the way out, not a failure.
	trap 'printf "\n\nalien-local stopped.\n"; exit 0' INT
	while printf '\nPress Enter to run terraform plan, or Ctrl-C to stop alien-local. ' && read -r; do
		"$terraform" plan "${tf_flags[@]}" || true
	done
	printf '\n'
else
	printf '\nalien-local stops with the demo: run make demo in a terminal to keep it, and its console, running.\n'
fi

printf '\nDone. alien-local stops now; run your own with: go run ./cmd/alien-local serve --db :memory:\n'
