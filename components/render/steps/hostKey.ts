import { renderScript } from "./shell";

const KEY = "/etc/ssh/ssh_host_ed25519_key";

/**
 * Replaces a new machine's SSH host key, over a connection that pinned the key its user data
 * installed: that key is readable by whoever can read the user data (the EC2 API, the metadata
 * service), so it only bootstraps; the host then offers the key only the stack knows, and every
 * later connection pins that one. Existing connections survive the reload.
 */
export function renderHostKeyStep(hostName: string): string {
  return renderScript({
    step: "hostkey",
    host: hostName,
    vars: [
      ["KEY", KEY],
      ["OTHER_KEYS", ["/etc/ssh/ssh_host_rsa_key", "/etc/ssh/ssh_host_ecdsa_key", "/etc/ssh/ssh_host_dsa_key"]],
    ],
    body: `
staged="$STAGE$KEY"
[ -f "$staged" ] || fail "staged host key $staged is missing"
chmod 0600 "$staged"
public="$(ssh-keygen -y -f "$staged" 2>&1)" || fail "the new host key does not parse: $public"
if cmp -s "$staged" "$KEY"; then
  echo "host key already rotated: $(ssh-keygen -l -f "$KEY.pub")"
  exit 0
fi

backup="$(mktemp -d)"
trap 'rm -rf "$backup"' EXIT
cp -p "$KEY" "$KEY.pub" "$backup/" 2>/dev/null || true
install -m 0600 -o root -g root "$staged" "$KEY.webtier-new"
printf '%s\\n' "$public" > "$KEY.pub.webtier-new"
chmod 0644 "$KEY.pub.webtier-new"
mv -f "$KEY.webtier-new" "$KEY"
mv -f "$KEY.pub.webtier-new" "$KEY.pub"
# Offer no other key type: a client preferring ECDSA or RSA must not find an unpinned key.
for other in "\${OTHER_KEYS[@]}"; do rm -f "$other" "$other.pub"; done

if ! checked="$(sshd -t 2>&1)"; then
  cp -p "$backup/$(basename "$KEY")" "$KEY" 2>/dev/null || true
  cp -p "$backup/$(basename "$KEY").pub" "$KEY.pub" 2>/dev/null || true
  fail "sshd rejects its configuration with the new key, previous key restored: $checked"
fi
# A reload re-reads the host keys for new connections only.
timeout 30 systemctl reload ssh.service || timeout 30 systemctl reload sshd.service \\
  || fail "sshd did not reload with the new host key"
echo "host key rotated: $(ssh-keygen -l -f "$KEY.pub")"
`,
  });
}
