#!/bin/bash
# Builds the real Pulumi tools from their Go modules, at the versions webtier's npm packages use, into a
# cache directory keyed by those versions:
#   pulumi                   github.com/pulumi/pulumi/pkg/v3 cmd/pulumi (through a wrapper module: pkg/go.mod
#                            has replace directives, so `go install …@version` refuses it)
#   pulumi-language-nodejs   github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3
#   pulumi-language-python   github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3
#   pulumi-resource-command  github.com/pulumi/pulumi-command/provider cmd/pulumi-resource-command
#   pulumi-resource-tls      github.com/pulumi/pulumi-tls/provider/v5 cmd/pulumi-resource-tls
# The CLI finds the plugins as ambient plugins on PATH (the bin dir). Nothing but the Go module proxy is
# contacted. A tool whose module cannot be had is reported with the go command's output and recorded, so
# a warm run does not retry it (PULUMI_TOOLS_RETRY=1 does). A local copy of a module's source can stand
# in for the proxy: PULUMI_TOOLS_SRC=<dir> holding <tool>/go.mod (the module's root) builds <tool> from it.
#
# Usage: scripts/pulumi-tools.sh          build (or find) the tools; the last line of stdout is the bin dir
#        scripts/pulumi-tools.sh --env    print `export` lines for running pulumi offline (for eval)
# Environment: PULUMI_TOOLS_DIR (default /var/cache/webtier/pulumi-tools), PULUMI_TOOLS_SRC,
#   PULUMI_TOOLS_REQUIRE (tools whose absence fails the script; default "pulumi"), PULUMI_TOOLS_RETRY.
set -euo pipefail

# Versions: @pulumi/pulumi 3.248.0, @pulumi/command 1.2.1, @pulumi/tls 5.6.1 (package-lock.json).
readonly PULUMI_VERSION=v3.248.0
readonly COMMAND_VERSION=v1.2.1
readonly TLS_VERSION=v5.6.1
# The language hosts' and the command provider's modules have no tag of their own: their pseudo-versions
# name the commit of the release tag (pulumi v3.248.0 = a88168d865b7, pulumi-command v1.2.1 = 7f3eb6f3b77c).
readonly LANGHOST_PSEUDO=v3.0.0-20260624120734-a88168d865b7
readonly COMMAND_PSEUDO=v0.0.0-20260303235922-7f3eb6f3b77c
# pkg/go.mod's non-local replacement, repeated in the wrapper modules.
readonly CLIPBOARD_REPLACE='github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e'
# Bump when the recipe below changes in a way that changes the binaries.
readonly RECIPE=1
readonly TOOLS=(pulumi pulumi-language-nodejs pulumi-language-python pulumi-resource-command pulumi-resource-tls)

log() { printf 'pulumi-tools: %s\n' "$*" >&2; }

# The environment that keeps pulumi offline: no update check, no plugin download (a missing plugin is an
# error instead), a local file backend, a passphrase secrets provider, no DIY-backend legacy warning.
offline_env() {
  local bin=$1
  cat <<EOF
export PATH="$bin:\$PATH"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_DIY_BACKEND_NO_LEGACY_WARNING=true
export PULUMI_BACKEND_URL="\${PULUMI_BACKEND_URL:-file://\$HOME/.pulumi-local}"
export PULUMI_CONFIG_PASSPHRASE="\${PULUMI_CONFIG_PASSPHRASE-}"
EOF
}

command -v go >/dev/null || { log "go is not on PATH"; exit 1; }
# Only the module proxy: drop a `direct` fallback, which would try the code hosts themselves.
goproxy=$(go env GOPROXY | tr ',|' '\n' | { grep -v -x -e direct -e off || true; } | paste -sd, -)
export GOPROXY="${goproxy:-https://proxy.golang.org}"
export CGO_ENABLED=0

key="pulumi-${PULUMI_VERSION}_command-${COMMAND_VERSION}_tls-${TLS_VERSION}_$(go env GOVERSION)-$(go env GOOS)-$(go env GOARCH)_r${RECIPE}"
root="${PULUMI_TOOLS_DIR:-/var/cache/webtier/pulumi-tools}"
dir="$root/$key"
bin="$dir/bin"

if [ "${1-}" = "--env" ]; then
  offline_env "$bin"
  exit 0
fi

# Where a tool comes from: a local source copy, or the module proxy.
origin() {
  local src="${PULUMI_TOOLS_SRC:-}"
  if [ -n "$src" ] && [ -f "$src/$1/go.mod" ]; then
    printf 'source %s\n' "$(cd "$src/$1" && pwd)"
  else
    printf 'proxy\n'
  fi
}

# Files of the sdk/v3 module that a language host runs beside itself (Pulumi's release archive ships them):
# the Python host execs pulumi-language-python-exec; the pulumi-resource-pulumi-* scripts serve dynamic providers.
extras() {
  case "$1" in
    pulumi-language-nodejs) echo nodejs/dist/pulumi-resource-pulumi-nodejs ;;
    pulumi-language-python) echo python/cmd/pulumi-language-python-exec python/dist/pulumi-resource-pulumi-python ;;
  esac
}

# A tool is present when its binary and its extras are in the bin dir.
present() {
  local file
  [ -x "$bin/$1" ] || return 1
  for file in $(extras "$1"); do [ -x "$bin/${file##*/}" ] || return 1; done
}

required() { [[ " ${PULUMI_TOOLS_REQUIRE:-pulumi} " == *" $1 "* ]]; }

# A tool is settled when its binary is there, or when it is optional and failed before from the same origin.
settled() {
  present "$1" && return 0
  ! required "$1" && [ "${PULUMI_TOOLS_RETRY:-}" != 1 ] && [ -f "$dir/failed/$1" ] &&
    [ "$(head -n 1 "$dir/failed/$1")" = "$(origin "$1")" ]
}

all_settled() {
  local tool
  for tool in "${TOOLS[@]}"; do settled "$tool" || return 1; done
}

# Writes the wrapper module for one tool: go.mod with its requirements, `tool` line and replacements.
# Args: tool, module path, version, package, [extra go.mod lines...]
write_wrapper() {
  local tool=$1 module=$2 version=$3 package=$4
  shift 4
  local wdir="$work/$tool" from
  from=$(origin "$tool")
  mkdir -p "$wdir"
  {
    printf 'module webtier.invalid/pulumi-tools/%s\n\ngo 1.25\n\n' "$tool"
    printf 'require %s %s\n' "$module" "$version"
    printf '%s\n' "$@"
    printf 'tool %s\n' "$package"
    case "$from" in
      source\ *) printf 'replace %s => %s\n' "$module" "${from#source }" ;;
    esac
  } > "$wdir/go.mod"
}

# Builds one tool in its wrapper module; on failure records the go command's output.
# Args: tool, package, ldflags -X assignment
build_one() {
  local tool=$1 package=$2 xflag=$3 wdir="$work/$1" out file
  out="$work/$tool.log"
  if (cd "$wdir" && go mod tidy && nice -n 10 go build -trimpath -tags osusergo,grpcnotrace \
        -ldflags "-s -w -X $xflag" -o "$work/bin/$tool" "$package") > "$out" 2>&1; then
    for file in $(extras "$tool"); do
      install -m 0755 "$(cd "$wdir" && go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)/$file" "$bin/"
    done
    mv -f "$work/bin/$tool" "$bin/$tool"
    rm -f "$dir/failed/$tool"
    log "built $tool"
  else
    { origin "$tool"; cat "$out"; } > "$dir/failed/$tool"
    log "FAILED $tool ($(origin "$tool")); the go command said:"
    sed 's/^/    /' "$out" | tail -n 20 >&2
  fi
}

kib() { du -sk "$1" 2>/dev/null | cut -f1 || echo 0; }

mkdir -p "$root"
exec 9> "$root/.lock-$key"
flock 9

if ! all_settled; then
  start=$SECONDS
  modcache=$(go env GOMODCACHE)
  gocache=$(go env GOCACHE)
  mod_before=$(kib "$modcache")
  cache_before=$(kib "$gocache")
  mkdir -p "$bin" "$dir/failed"
  work=$(mktemp -d "$dir/work.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/bin"
  log "cold build into $bin ($(go env GOVERSION), GOPROXY=$GOPROXY)"
  pulumi_requires=("require github.com/pulumi/pulumi/pkg/v3 $PULUMI_VERSION"
    "require github.com/pulumi/pulumi/sdk/v3 $PULUMI_VERSION" "replace $CLIPBOARD_REPLACE")
  version_x="github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION"

  if ! settled pulumi; then
    write_wrapper pulumi github.com/pulumi/pulumi/pkg/v3 "$PULUMI_VERSION" \
      github.com/pulumi/pulumi/pkg/v3/cmd/pulumi "${pulumi_requires[@]:1}"
    build_one pulumi github.com/pulumi/pulumi/pkg/v3/cmd/pulumi "$version_x"
  fi
  for lang in nodejs python; do
    tool=pulumi-language-$lang
    settled "$tool" && continue
    module=github.com/pulumi/pulumi/sdk/$lang/cmd/$tool/v3
    write_wrapper "$tool" "$module" "$LANGHOST_PSEUDO" "$module" "${pulumi_requires[@]}"
    build_one "$tool" "$module" "$version_x"
  done
  if ! settled pulumi-resource-command; then
    module=github.com/pulumi/pulumi-command/provider
    write_wrapper pulumi-resource-command "$module" "$COMMAND_PSEUDO" "$module/cmd/pulumi-resource-command"
    build_one pulumi-resource-command "$module/cmd/pulumi-resource-command" \
      "$module/pkg/version.Version=$COMMAND_VERSION"
  fi
  if ! settled pulumi-resource-tls; then
    module=github.com/pulumi/pulumi-tls/provider/v5
    write_wrapper pulumi-resource-tls "$module" "$TLS_VERSION" "$module/cmd/pulumi-resource-tls"
    build_one pulumi-resource-tls "$module/cmd/pulumi-resource-tls" "$module/pkg/version.Version=$TLS_VERSION"
  fi

  elapsed=$((SECONDS - start))
  log "cold build took ${elapsed}s wall"
  log "disk: bin $(kib "$bin") KiB; Go module cache +$(($(kib "$modcache") - mod_before)) KiB ($modcache);" \
    "Go build cache +$(($(kib "$gocache") - cache_before)) KiB ($gocache)"
fi

missing=()
for tool in "${TOOLS[@]}"; do
  present "$tool" || missing+=("$tool")
done
log "tools in $bin: $(cd "$bin" && echo pulumi*)"
[ "${#missing[@]}" -eq 0 ] || log "not available: ${missing[*]} (the go command's output is in $dir/failed/)"
[ ! -x "$bin/pulumi" ] || log "pulumi version: $(PULUMI_SKIP_UPDATE_CHECK=true "$bin/pulumi" version 2>&1)"
log "to run pulumi offline:"
offline_env "$bin" | sed 's/^/    /' >&2

for tool in ${PULUMI_TOOLS_REQUIRE:-pulumi}; do
  present "$tool" || { log "required tool $tool is missing"; exit 1; }
done
printf '%s\n' "$bin"
