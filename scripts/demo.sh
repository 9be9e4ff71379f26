#!/usr/bin/env bash
# `make demo`: build the provider and alien-local, start alien-local on a fresh database, apply
# examples/quickstart against it with the freshly built provider (dev_overrides: no
# `terraform init`, nothing downloaded), show what was created, and check that a second plan is
# empty. The server and the temporary directory are removed on exit.
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

printf '\nDone. alien-local stops now; run your own with: go run ./cmd/alien-local serve --db :memory:\n'
