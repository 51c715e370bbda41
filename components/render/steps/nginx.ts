import { REMOTE } from "../paths";
import { NGINX_TLS_PATHS, nginxTlsFiles } from "../nginx/tls";
import { tlsModeOf } from "../tls";
import type { Host, Tuning } from "../tuning";
import { renderScript } from "./shell";

const NGINX_FILES = [REMOTE.nginxConf, REMOTE.nginxUpstream, REMOTE.nginxSite];

/** Health URLs that must answer the new generation: every server nginx runs. */
function healthUrls(t: Tuning): string[] {
  const path = t.nginx.healthPath;
  const urls = [`http://127.0.0.1:${t.nginx.port}${path}`];
  const mode = tlsModeOf(t.tls);
  if (t.tls && mode === "nginx") urls.push(`https://127.0.0.1:${t.tls.port}${path}`);
  if (t.tls && mode === "offload") urls.push(`http://127.0.0.1:${t.tls.offloadPort}${path}`);
  return urls;
}

/** Where a request reaches the app tier: the HTTP port may only redirect once TLS is on. */
function appUrl(t: Tuning): string {
  const mode = tlsModeOf(t.tls);
  if (t.tls && mode === "nginx") return `https://127.0.0.1:${t.tls.port}/`;
  if (t.tls && mode === "offload") return `http://127.0.0.1:${t.tls.offloadPort}/`;
  return `http://127.0.0.1:${t.nginx.port}/`;
}

/**
 * Full staged tree → `nginx -t` → swap → reload or restart → verify that the new generation is
 * live on every server and that requests reach the app tier. Any failure restores the previous
 * files. With `nginx.drainSeconds`, a host already serving fails its health checks around the
 * change, so a front door moves clients away first and takes the host back after.
 */
export function renderNginxStep(t: Tuning, host: Host, generation: string): string {
  const files = [...NGINX_FILES.map((path) => ({ path, mode: "0644" })), ...nginxTlsFiles(t)];
  const stale = NGINX_TLS_PATHS.filter((path) => !files.some((f) => f.path === path));
  return renderScript({
    step: "nginx",
    host: host.name,
    vars: [
      ["FILES", files.map((f) => f.path)],
      ["FILE_MODES", files.map((f) => f.mode)],
      // Files of a feature the config no longer uses (TLS turned off): removed, so nothing can use them.
      ["STALE_FILES", stale],
      ["LIMITS", REMOTE.nginxLimits],
      ["DIST_CONF", REMOTE.nginxDistConf],
      ["GENERATION", generation],
      ["HEALTH_URLS", healthUrls(t)],
      ["APP_URL", appUrl(t)],
      ["VERIFY_SECONDS", 60],
      ["DRAIN_SECONDS", t.nginx.drainSeconds],
      ["DRAIN_MARKER", REMOTE.nginxDrainMarker],
    ],
    body: `
# nginx -t checks a whole configuration, not a fragment: test a full copy of the tree with the
# staged files in place. Relative includes and TLS paths resolve inside the copy.
tree="$(mktemp -d /var/lib/webtier/nginx-tree.XXXXXX)"
backup="$(mktemp -d /var/lib/webtier/nginx-backup.XXXXXX)"
# The drain marker never outlives this step, however it ends: a host left draining stays out of
# its front door. A marker left by a killed run goes too.
trap 'rm -rf "$tree" "$backup"; rm -f "$DRAIN_MARKER"' EXIT
rm -f "$DRAIN_MARKER"
cp -a /etc/nginx/. "$tree/"
for i in "\${!FILES[@]}"; do
  f="\${FILES[$i]}"
  [ -f "$STAGE$f" ] || fail "staged file $STAGE$f is missing"
  install -D -m "\${FILE_MODES[$i]}" "$STAGE$f" "$tree/\${f#/etc/nginx/}"
done
for f in "\${STALE_FILES[@]}"; do rm -f "$tree/\${f#/etc/nginx/}"; done
if ! checked="$(timeout 30 nginx -t -q -c "$tree/nginx.conf" 2>&1)"; then
  fail "nginx -t rejected the staged configuration: $checked"
fi

# keep PATH: copies an installed file into the backup with its mode (the key stays 0600).
keep() {
  if [ -f "$1" ]; then
    install -d -m 0700 "$backup$(dirname "$1")"
    cp -p "$1" "$backup$1"
  fi
}
changed=false
for f in "\${FILES[@]}"; do
  if differs "$f"; then changed=true; fi
  keep "$f"
done
for f in "\${STALE_FILES[@]}"; do
  if [ -e "$f" ]; then changed=true; fi
  keep "$f"
done
limits_changed=false
if differs "$LIMITS"; then limits_changed=true; fi
keep "$LIMITS"

was_active=false
if systemctl is-active --quiet nginx; then was_active=true; fi

# Behind a front door, fail the health checks first so it stops sending this host new
# connections before nginx reloads or restarts. A first start has nothing to drain.
draining=false
if [ "$DRAIN_SECONDS" -gt 0 ] && [ "$was_active" = true ] && { [ "$changed" = true ] || [ "$limits_changed" = true ]; }; then
  draining=true
  touch "$DRAIN_MARKER"
  echo "draining for \${DRAIN_SECONDS}s"
  sleep "$DRAIN_SECONDS"
fi

# Keep the distribution's nginx.conf once, so retiring the host can put it back.
if [ ! -e "$DIST_CONF" ] && [ -f /etc/nginx/nginx.conf ] && ! grep -q '^# Rendered by webtier' /etc/nginx/nginx.conf; then
  cp -p /etc/nginx/nginx.conf "$DIST_CONF"
fi
for i in "\${!FILES[@]}"; do install_file "\${FILES[$i]}" "\${FILE_MODES[$i]}"; done
for f in "\${STALE_FILES[@]}"; do rm -f "$f"; done
install_file "$LIMITS" 0644

activate() {
  timeout 30 nginx -t -q || return 1
  if [ "$limits_changed" = true ]; then systemctl daemon-reload; fi
  systemctl enable --quiet nginx
  if ! systemctl is-active --quiet nginx; then
    timeout 60 systemctl start nginx
  elif [ "$limits_changed" = true ]; then
    # The open-files limit applies when the master starts: a reload keeps the old one.
    timeout 60 systemctl restart nginx
  elif [ "$changed" = true ]; then
    # A new certificate is a reload too: the master reads it again, open connections finish.
    timeout 60 systemctl reload nginx
  fi
}

# A failed reload leaves the old config running and may still exit 0: wait for the new
# generation to answer on every server (over HTTPS with -k: the certificate names the site, not
# 127.0.0.1; the generation, which covers the certificate, proves the new one is live), then for a
# request to get through to the app tier.
verify() {
  local deadline=$((SECONDS + VERIFY_SECONDS)) url body="" code="" expected="ok $GENERATION"
  if [ "$draining" = true ]; then expected="draining $GENERATION"; fi
  for url in "\${HEALTH_URLS[@]}"; do
    body=""
    while [ "$SECONDS" -lt "$deadline" ]; do
      body="$(curl -sS -k --max-time 5 "$url" 2>&1 || true)"
      [ "$body" = "$expected" ] && break
      sleep 1
    done
    [ "$body" = "$expected" ] || { echo "$url answered '$body', expected '$expected'" >&2; return 1; }
  done
  while [ "$SECONDS" -lt "$deadline" ]; do
    code="$(curl -s -k -o /dev/null -w '%{http_code}' --max-time 10 "$APP_URL" || true)"
    if [ "$code" -ge 200 ] 2>/dev/null && [ "$code" -lt 500 ]; then
      echo "app tier answers through nginx: HTTP $code"
      return 0
    fi
    sleep 1
  done
  echo "requests through nginx get HTTP '$code' from the app tier" >&2
  return 1
}

rollback() {
  for f in "\${FILES[@]}" "\${STALE_FILES[@]}" "$LIMITS"; do
    if [ -f "$backup$f" ]; then cp -p "$backup$f" "$f"; else rm -f "$f"; fi
  done
  systemctl daemon-reload
  # A failed start or restart (limits, a busy port) leaves nginx stopped: bring back what served.
  if [ "$was_active" = true ]; then
    if [ "$limits_changed" = true ] || ! systemctl is-active --quiet nginx; then
      timeout 60 systemctl restart nginx || true
    else
      timeout 60 systemctl reload nginx || true
    fi
  fi
}

if ! errors="$(activate 2>&1 && verify 2>&1)"; then
  log="$(tail -n 5 /var/log/nginx/error.log 2>/dev/null || true)"
  rollback
  fail "nginx did not take the new configuration; previous configuration restored. $errors
$log"
fi
printf '%s\\n' "$errors"
echo "nginx serving generation $GENERATION"

# Back in: the health location answers ok again; wait until the front door has seen it, so the
# next nginx host starts draining only once this one takes clients.
if [ "$draining" = true ]; then
  rm -f "$DRAIN_MARKER"
  sleep "$DRAIN_SECONDS"
  echo "rejoined after \${DRAIN_SECONDS}s"
fi
`,
  });
}
