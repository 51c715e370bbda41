import { serializeIni } from "./ini";
import { REMOTE } from "./paths";
import type { Tuning } from "./tuning";

const HEADER = "Rendered by webtier. Local edits are replaced on the next deployment.";

/**
 * nftables rules for an app host: the uwsgi socket (which can load code) accepts connections from
 * the nginx tier's private addresses only, whatever the network around the host allows. Only
 * webtier's own table is replaced; other rules on the host are left alone.
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
          ["Description", "webtier: only the nginx tier may reach uWSGI"],
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
