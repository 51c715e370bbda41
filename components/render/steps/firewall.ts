import { METADATA_ADDRESSES } from "../firewall";
import { REMOTE } from "../paths";
import type { Host } from "../tuning";
import { renderScript } from "./shell";

/**
 * Checks the staged rules with `nft -c`, installs them with their unit, loads and reads back both
 * guards: the uwsgi port and the metadata service.
 */
export function renderFirewallStep(host: Host, socketPort: number): string {
  return renderScript({
    step: "firewall",
    host: host.name,
    vars: [
      ["RULES", REMOTE.appFirewall],
      ["UNIT", REMOTE.firewallUnit],
      ["SERVICE", REMOTE.firewallService],
      ["TABLE", REMOTE.firewallTable],
      ["PORT", socketPort],
      ["METADATA", METADATA_ADDRESSES.ipv4],
    ],
    body: `
if ! checked="$(nft -c -f "$STAGE$RULES" 2>&1)"; then
  fail "nft rejected the staged $RULES: $checked"
fi
unit_changed=false
if differs "$UNIT"; then unit_changed=true; fi
install_file "$RULES" 0644
install_file "$UNIT" 0644
if [ "$unit_changed" = true ]; then systemctl daemon-reload; fi
systemctl enable --quiet "$SERVICE"
# Reload swaps the table atomically; a first start loads it.
timeout 30 systemctl reload-or-restart "$SERVICE" || fail "loading $RULES failed: $(journalctl -u "$SERVICE" -n 5 --no-pager 2>&1)"
loaded="$(nft list table inet "$TABLE" 2>&1)" || fail "table inet $TABLE is not loaded: $loaded"
grep -q "tcp dport $PORT ip saddr" <<<"$loaded" || fail "table inet $TABLE does not guard port $PORT"
grep -q "ip daddr $METADATA meta skuid != 0" <<<"$loaded" || fail "table inet $TABLE does not guard $METADATA"
echo "loaded: $(grep "tcp dport $PORT ip saddr" <<<"$loaded" | sed 's/^[[:space:]]*//')"
echo "loaded: $(grep "ip daddr $METADATA" <<<"$loaded" | sed 's/^[[:space:]]*//')"
`,
  });
}
