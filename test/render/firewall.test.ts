import { describe, expect, it } from "vitest";
import { planDeployment, renderAppFirewall, renderFirewallUnit } from "../../components/render";
import { tuningOf, withHosts } from "../support/fixtures";

describe("renderAppFirewall", () => {
  it("admits the nginx tier to uWSGI and only root to the metadata service", () => {
    const t = tuningOf(withHosts(2, { uwsgi: { socketPort: 8000 } }));
    expect(renderAppFirewall(t)).toBe(`#!/usr/sbin/nft -f
# Rendered by webtier. Local edits are replaced on the next deployment.
# Declaring then deleting the table makes the file replace it atomically, on first load too.
table inet webtier
delete table inet webtier
table inet webtier {
    chain input {
        type filter hook input priority filter; policy accept;
        iif "lo" accept
        tcp dport 8000 ip saddr { 10.0.0.10 } accept
        tcp dport 8000 counter drop
    }
    chain output {
        type filter hook output priority filter; policy accept;
        ip daddr 169.254.169.254 meta skuid != 0 counter reject with icmpx admin-prohibited
        ip6 daddr fd00:ec2::254 meta skuid != 0 counter reject with icmpx admin-prohibited
    }
}
`);
  });

  it("describes both guards in its unit", () => {
    expect(renderFirewallUnit()).toContain("\nDescription=webtier: only the nginx tier may reach uWSGI, only root the metadata service\n");
  });
});

describe("the firewall step", () => {
  it("reads back the metadata guard after loading the table", () => {
    const plan = planDeployment(tuningOf(withHosts(1)), "0123456789abcdef");
    const script = plan.app[0]!.steps.find((s) => s.name === "firewall")!.script;
    expect(script).toContain("\nreadonly METADATA=169.254.169.254\n");
    expect(script).toContain('\ngrep -q "ip daddr $METADATA meta skuid != 0" <<<"$loaded" || fail "table inet $TABLE does not guard $METADATA"\n');
  });
});
