import { BASTION_SSHD } from "../defaults";
import { REMOTE } from "../paths";
import type { Host } from "../tuning";
import { renderScript } from "./shell";

const SSHD = "/usr/sbin/sshd";

/**
 * Installs the bastion's sshd drop-in only if `sshd -t` accepts the whole configuration with it,
 * else puts the previous file back: sshd never sees a configuration that could lock anyone out.
 * A reload (SIGHUP: sshd re-executes itself) leaves established sessions, this one included,
 * running. Reads the effective value back with `sshd -T`.
 */
export function renderSshdStep(host: Host): string {
  return renderScript({
    step: "sshd",
    host: host.name,
    vars: [
      ["CONF", REMOTE.bastionSshd],
      ["SSHD", SSHD],
      ["MAX_STARTUPS", BASTION_SSHD.maxStartups],
    ],
    body: `
[ -x "$SSHD" ] || fail "$SSHD is missing: this host is reached over SSH, so sshd must be OpenSSH's"
if differs "$CONF"; then
  backup="$(mktemp)"
  trap 'rm -f "$backup"' EXIT
  had_file=false
  if [ -f "$CONF" ]; then cp -p "$CONF" "$backup"; had_file=true; fi
  install_file "$CONF" 0644
  if ! checked="$(timeout 30 "$SSHD" -t 2>&1)"; then
    if [ "$had_file" = true ]; then cp -p "$backup" "$CONF"; else rm -f "$CONF"; fi
    fail "sshd -t rejected the configuration with $CONF (previous configuration kept): $checked"
  fi
  if systemctl is-active --quiet ssh.service; then
    timeout 30 systemctl reload ssh.service || fail "reloading ssh.service failed: $(journalctl -u ssh.service -n 5 --no-pager 2>&1)"
    systemctl is-active --quiet ssh.service || fail "ssh.service is not active after its reload"
    echo "sshd reloaded with $CONF"
  elif systemctl is-active --quiet ssh.socket; then
    echo "sshd runs per connection (ssh.socket): $CONF applies to the next one"
  else
    echo "webtier: $HOST_NAME: sshd: neither ssh.service nor ssh.socket is active: reload sshd to apply $CONF" >&2
  fi
fi
effective="$(timeout 30 "$SSHD" -T 2>/dev/null | grep -i '^maxstartups ' || true)"
if [ "$effective" != "maxstartups $MAX_STARTUPS" ]; then
  # Another file sorts first (sshd keeps the first value) or sshd_config has no Include.
  echo "webtier: $HOST_NAME: sshd: effective '\${effective:-maxstartups (unknown)}', not 'maxstartups $MAX_STARTUPS': another sshd setting takes precedence" >&2
fi
echo "sshd: \${effective:-maxstartups (unknown)}"
`,
  });
}
