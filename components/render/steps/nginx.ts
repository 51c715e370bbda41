import { REMOTE } from "../paths";
import type { Host, Tuning } from "../tuning";
import { renderScript } from "./shell";

const NGINX_FILES = [REMOTE.nginxConf, REMOTE.nginxUpstream, REMOTE.nginxSite];

/**
 * Full staged tree → `nginx -t` → swap → reload or restart → verify that the new generation is
 * live and that requests reach the app tier. Any failure restores the previous files.
 */
export function renderNginxStep(t: Tuning, host: Host, generation: string): string {
  return renderScript({
    step: "nginx",
    host: host.name,
    vars: [
      ["FILES", NGINX_FILES],
      ["LIMITS", REMOTE.nginxLimits],
      ["DIST_CONF", REMOTE.nginxDistConf],
      ["GENERATION", generation],
      ["HEALTH_URL", `http://127.0.0.1:${t.nginx.port}${t.nginx.healthPath}`],
      ["APP_URL", `http://127.0.0.1:${t.nginx.port}/`],
      ["VERIFY_SECONDS", 60],
    ],
    body: `
# nginx -t checks a whole configuration, not a fragment: test a full copy of the tree with the
# staged files in place. Relative includes resolve inside the copy.
tree="$(mktemp -d /var/lib/webtier/nginx-tree.XXXXXX)"
backup="$(mktemp -d /var/lib/webtier/nginx-backup.XXXXXX)"
trap 'rm -rf "$tree" "$backup"' EXIT
cp -a /etc/nginx/. "$tree/"
for f in "\${FILES[@]}"; do
  [ -f "$STAGE$f" ] || fail "staged file $STAGE$f is missing"
  install -D -m 0644 "$STAGE$f" "$tree/\${f#/etc/nginx/}"
done
if ! checked="$(timeout 30 nginx -t -q -c "$tree/nginx.conf" 2>&1)"; then
  fail "nginx -t rejected the staged configuration: $checked"
fi

changed=false
for f in "\${FILES[@]}"; do
  if differs "$f"; then changed=true; fi
  if [ -f "$f" ]; then install -D -p "$f" "$backup$f"; fi
done
limits_changed=false
if differs "$LIMITS"; then limits_changed=true; fi
if [ -f "$LIMITS" ]; then install -D -p "$LIMITS" "$backup$LIMITS"; fi

# Keep the distribution's nginx.conf once, so retiring the host can put it back.
if [ ! -e "$DIST_CONF" ] && [ -f /etc/nginx/nginx.conf ] && ! grep -q '^# Rendered by webtier' /etc/nginx/nginx.conf; then
  cp -p /etc/nginx/nginx.conf "$DIST_CONF"
fi
for f in "\${FILES[@]}"; do install_file "$f" 0644; done
install_file "$LIMITS" 0644

was_active=false
if systemctl is-active --quiet nginx; then was_active=true; fi

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
    timeout 60 systemctl reload nginx
  fi
}

# A failed reload leaves the old config running and may still exit 0: wait for the new
# generation to answer, then for a request to get through to the app tier.
verify() {
  local deadline=$((SECONDS + VERIFY_SECONDS)) body="" code=""
  while [ "$SECONDS" -lt "$deadline" ]; do
    body="$(curl -fsS --max-time 5 "$HEALTH_URL" 2>&1 || true)"
    [ "$body" = "ok $GENERATION" ] && break
    sleep 1
  done
  [ "$body" = "ok $GENERATION" ] || { echo "health answered '$body', expected 'ok $GENERATION'" >&2; return 1; }
  while [ "$SECONDS" -lt "$deadline" ]; do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$APP_URL" || true)"
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
  for f in "\${FILES[@]}" "$LIMITS"; do
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
`,
  });
}
