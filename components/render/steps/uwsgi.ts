import { REMOTE } from "../paths";
import type { Host, Tuning } from "../tuning";
import { renderScript } from "./shell";

/**
 * How long a restarted app host waits before the rollout moves on: the connections a restart
 * resets count as failures in nginx, which may set the host aside for its fail_timeout (counted
 * from the last failure). Moving on sooner could set every app host aside at once ("no live
 * upstreams"). A lone app host has nobody to hand over to.
 */
export function rejoinSeconds(t: Tuning, host: Host): number {
  const servers = t.upstream.servers;
  if (servers.length < 2) return 0;
  const own = servers.find((s) => s.host === host.name);
  return (own?.failTimeout ?? t.upstream.servers[0]!.failTimeout) + 2;
}

/**
 * stage → validate → swap → (start | restart | reload | chain-reload) → health probe, on one app
 * host. When the probe fails, the previous ini, unit and release come back and the step fails.
 */
export function renderUwsgiStep(t: Tuning, host: Host, releaseId: string): string {
  return renderScript({
    step: "uwsgi",
    host: host.name,
    vars: [
      ["INI", REMOTE.uwsgiIni],
      ["UNIT", REMOTE.uwsgiUnit],
      ["SERVICE", REMOTE.uwsgiService],
      ["PROBE", REMOTE.uwsgiProbe],
      ["CHAIN_TRIGGER", REMOTE.chainReloadTrigger],
      ["RELEASE_DIR", `${REMOTE.releases}/${releaseId}`],
      ["CURRENT", REMOTE.currentRelease],
      ["SOCKET", `${host.privateAddress}:${t.uwsgi.socketPort}`],
      ["PROBE_PATH", "/"],
      ["PROBE_SECONDS", 60],
      ["APP_ENV", REMOTE.appEnv],
      ["APPLIED_ENV", REMOTE.appliedEnv],
      ["LAZY_APPS", String(t.uwsgi.lazyApps)],
      ["REJOIN_SECONDS", rejoinSeconds(t, host)],
    ],
    body: `
[ -d "$RELEASE_DIR" ] || fail "release $RELEASE_DIR is not installed"

# Validate the staged ini without starting anything: unknown options and unloadable plugins fail.
# stdout carries only the value asked for; diagnostics go to stderr.
errors="$(mktemp)"
if ! checked="$(timeout 30 uwsgi --strict --ini "$STAGE$INI" --get socket 2>"$errors")"; then
  fail "uwsgi rejected the staged $INI: $(grep -v 'getting INI configuration' "$errors")"
fi
rm -f "$errors"
[ "$checked" = "$SOCKET" ] || fail "staged $INI binds '$checked', expected $SOCKET"

# Snapshot what is live, for rollback.
backup="$(mktemp -d)"
trap 'rm -rf "$backup"' EXIT
for f in "$INI" "$UNIT"; do
  if [ -f "$f" ]; then cp -p "$f" "$backup/$(basename "$f")"; fi
done
previous_release="$(readlink "$CURRENT" 2>/dev/null || true)"

ini_changed=false; bind_changed=false; unit_changed=false; release_changed=false; env_changed=false
old_workers=()
if differs "$INI"; then ini_changed=true; fi
# A graceful reload keeps the listening sockets it inherited (their backlog included): changes to
# these take a restart. The app's user is User=/Group= in the unit, and a changed unit restarts.
bind_options() { grep -E '^(socket|listen|freebind|stats) ' "$1" 2>/dev/null || true; }
if [ "$(bind_options "$INI")" != "$(bind_options "$STAGE$INI")" ]; then bind_changed=true; fi
if differs "$UNIT"; then unit_changed=true; fi
if [ "$previous_release" != "$RELEASE_DIR" ]; then release_changed=true; fi
# The app's environment is staged with this step (secret, root-only); uWSGI reads it only when it
# starts, so a changed one means a restart.
if [ -f "$STAGE$APP_ENV" ]; then install_file "$APP_ENV" 0600; fi
if [ -f "$APP_ENV" ] || [ -f "$APPLIED_ENV" ]; then
  if ! cmp -s "$APP_ENV" "$APPLIED_ENV"; then env_changed=true; fi
fi

install_file "$PROBE" 0755
install_file "$INI" 0644
install_file "$UNIT" 0644
ln -sfn "$RELEASE_DIR" "$CURRENT.webtier-new"
mv -T "$CURRENT.webtier-new" "$CURRENT"
install -d -m 0755 "$(dirname "$CHAIN_TRIGGER")"
[ -f "$CHAIN_TRIGGER" ] || touch "$CHAIN_TRIGGER"

# The workers running now: a reload is done once none of them is left.
remember_workers() {
  mapfile -t old_workers < <(pgrep -P "$(systemctl show -p MainPID --value "$SERVICE")" || true)
}

activate() {
  if [ "$unit_changed" = true ]; then systemctl daemon-reload; fi
  systemctl enable --quiet "$SERVICE"
  if ! systemctl is-active --quiet "$SERVICE"; then
    timeout 120 systemctl start "$SERVICE"
  elif [ "$unit_changed" = true ] || [ "$bind_changed" = true ] || [ "$env_changed" = true ]; then
    # nginx retries the other app hosts meanwhile (uwsgi_next_upstream error).
    timeout 120 systemctl restart "$SERVICE"
    restarted=true
  elif [ "$ini_changed" = true ] || { [ "$release_changed" = true ] && [ "$LAZY_APPS" != true ]; }; then
    # Graceful reload: the master re-executes itself and re-reads the ini (without lazy-apps the
    # workers fork from the master's copy of the app, so a chain reload would keep old code).
    remember_workers
    timeout 120 systemctl reload "$SERVICE"
  elif [ "$release_changed" = true ]; then
    # Chain reload: one worker at a time moves to the new release (lazy-apps). It completes after
    # the touch returns: remember the workers running the previous release.
    remember_workers
    touch "$CHAIN_TRIGGER"
  fi
}

# Workers that still run the previous release (a chain reload replaces them one by one).
stale_workers() {
  local pid
  for pid in "\${old_workers[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then echo "$pid"; fi
  done
}

healthy() {
  local deadline=$((SECONDS + PROBE_SECONDS)) status
  while [ "$SECONDS" -lt "$deadline" ]; do
    # An old worker would answer the probe for a release that is not live yet.
    if [ -n "$(stale_workers)" ]; then
      status="chain reload still replacing workers $(stale_workers | xargs)"
      sleep 1
      continue
    fi
    if status="$(timeout 10 "$PROBE" "\${SOCKET%:*}" "\${SOCKET##*:}" "$PROBE_PATH" 2>&1)"; then
      echo "probe: $status"
      return 0
    fi
    sleep 1
  done
  echo "probe: \${status:-no answer}" >&2
  return 1
}

rollback() {
  for f in "$INI" "$UNIT"; do
    if [ -f "$backup/$(basename "$f")" ]; then cp -p "$backup/$(basename "$f")" "$f"; else rm -f "$f"; fi
  done
  if [ -n "$previous_release" ]; then ln -sfn "$previous_release" "$CURRENT"; fi
  if [ -f "$APPLIED_ENV" ]; then cp -p "$APPLIED_ENV" "$APP_ENV"; else rm -f "$APP_ENV"; fi
  systemctl daemon-reload
  if [ -f "$INI" ]; then timeout 120 systemctl restart "$SERVICE" || true; else systemctl stop "$SERVICE" || true; fi
}

restarted=false
activated_at="$(date +%s)"
if ! activate || ! healthy; then
  log="$(journalctl -u "$SERVICE" -n 20 --no-pager 2>&1 || true)"
  # The first Python exception since the activation names the cause: once one worker fails to
  # load the app, uWSGI interrupts the others, whose tracebacks can fill the recent log.
  first="$(journalctl -u "$SERVICE" --since "@$activated_at" --no-pager -o cat 2>/dev/null \
    | grep -m1 -E '^[A-Za-z_][A-Za-z0-9_.]*(Error|Exception): ' || true)"
  rollback
  fail "uWSGI is not healthy on $SOCKET; previous configuration restored.\${first:+ First error: $first.} Recent log:
$log"
fi
if [ -f "$APP_ENV" ]; then install -m 0600 "$APP_ENV" "$APPLIED_ENV"; else rm -f "$APPLIED_ENV"; fi
echo "uwsgi serving $RELEASE_DIR on $SOCKET (ini changed: $ini_changed, release changed: $release_changed, environment changed: $env_changed)"
if [ "$restarted" = true ] && [ "$REJOIN_SECONDS" -gt 0 ]; then
  echo "restarted: waiting \${REJOIN_SECONDS}s until nginx uses this host again (fail_timeout)"
  sleep "$REJOIN_SECONDS"
fi
`,
  });
}
