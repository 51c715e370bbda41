import { serializeIni } from "./ini";
import { REMOTE } from "./paths";
import type { Tuning } from "./tuning";

const HEADER = "Rendered by webtier. Local edits are replaced on the next deployment.";

/**
 * The cloud's instance metadata service (IMDS), on AWS IPv4 and the IPv6 endpoint of Nitro
 * instances: it hands out the instance role's credentials and the user data to any local process
 * that asks. (AWS's time service, 169.254.169.123, is another address and stays reachable.)
 */
export const METADATA_ADDRESSES = { ipv4: "169.254.169.254", ipv6: "fd00:ec2::254" } as const;

/**
 * nftables rules for an app host: the uwsgi socket (which can load code) accepts connections from
 * the nginx tier's private addresses only, whatever the network around the host allows; and only
 * root reaches the metadata service (cloud-init and the agents run as root; the app's user and
 * every other user do not). Only webtier's own table is replaced; other rules are left alone.
 */
export function renderAppFirewall(t: Tuning): string {
  const sources = [...new Set(t.hosts.nginx.map((h) => h.privateAddress))].sort();
  const port = t.uwsgi.socketPort;
  return [
    "#!/usr/sbin/nft -f",
    `# ${HEADER}`,
    "# Declaring then deleting the table makes the file replace it atomically, on first load too.",
    `table inet ${REMOTE.firewallTable}`,
    `delete table inet ${REMOTE.firewallTable}`,
    `table inet ${REMOTE.firewallTable} {`,
    "    chain input {",
    "        type filter hook input priority filter; policy accept;",
    '        iif "lo" accept',
    `        tcp dport ${port} ip saddr { ${sources.join(", ")} } accept`,
    `        tcp dport ${port} counter drop`,
    "    }",
    "    chain output {",
    "        type filter hook output priority filter; policy accept;",
    // The owner of the sending socket, numeric: the app's user may not exist yet when this loads.
    // Rejected rather than dropped, so a client fails at once instead of waiting out its timeout.
    `        ip daddr ${METADATA_ADDRESSES.ipv4} meta skuid != 0 counter reject with icmpx admin-prohibited`,
    `        ip6 daddr ${METADATA_ADDRESSES.ipv6} meta skuid != 0 counter reject with icmpx admin-prohibited`,
    "    }",
    "}",
    "",
  ].join("\n");
}

export function renderFirewallUnit(): string {
  return serializeIni(
    [
      {
        name: "Unit",
        entries: [
          ["Description", "webtier: only the nginx tier may reach uWSGI, only root the metadata service"],
          // Early-boot unit like Debian's nftables.service: with the default dependencies it would
          // order after sysinit.target, which cloud-init's network units order before
          // network-pre.target — a cycle systemd breaks by dropping one of the jobs.
          ["DefaultDependencies", "no"],
          // nftables.service flushes the whole ruleset: load after it, and again whenever it restarts.
          ["After", "nftables.service"],
          ["PartOf", "nftables.service"],
          ["Before", `network-pre.target ${REMOTE.uwsgiService} shutdown.target`],
          ["Wants", "network-pre.target"],
          ["Conflicts", "shutdown.target"],
        ],
      },
      {
        name: "Service",
        entries: [
          ["Type", "oneshot"],
          ["RemainAfterExit", "yes"],
          ["ExecStart", `/usr/sbin/nft -f ${REMOTE.appFirewall}`],
          // The file replaces the table atomically: a reload never leaves the port open.
          ["ExecReload", `/usr/sbin/nft -f ${REMOTE.appFirewall}`],
          ["ExecStop", `/usr/sbin/nft delete table inet ${REMOTE.firewallTable}`],
        ],
      },
      { name: "Install", entries: [["WantedBy", "multi-user.target"]] },
    ],
    { header: HEADER, separator: "=" },
  );
}
