import { UWSGI_LIMIT_NOFILE } from "./defaults";
import { serializeIni } from "./ini";
import { show } from "./messages";
import { REMOTE } from "./paths";
import { UWSGI_SANDBOX } from "./sandbox";
import type { Role, Tuning } from "./tuning";

const HEADER = "Rendered by webtier. Local edits are replaced on the next deployment.";

/** The uWSGI service, sandboxed (sandbox.ts) and started as the app's user. */
export function renderUwsgiUnit(t: Tuning): string {
  return serializeIni(
    [
      {
        name: "Unit",
        entries: [
          ["Description", "uWSGI application server (webtier)"],
          ["After", `network-online.target ${REMOTE.firewallService}`],
          ["Wants", "network-online.target"],
          // Never serve without the firewall that keeps uWSGI to the nginx tier.
          ["Requires", REMOTE.firewallService],
        ],
      },
      {
        name: "Service",
        entries: [
          // uWSGI speaks sd_notify itself: `systemctl start` returns once the workers are up.
          ["Type", "notify"],
          // Only the master (MainPID, the same process across graceful reloads) talks to systemd.
          ["NotifyAccess", "main"],
          // Started as the app's user: without capabilities uWSGI could not setuid/setgroups
          // itself, and the master no longer runs as root. A new user changes this unit: a restart.
          ["User", t.uwsgi.uid],
          ["Group", t.uwsgi.gid],
          ["ExecStart", `/usr/bin/uwsgi --ini ${REMOTE.uwsgiIni}`],
          // SIGHUP: graceful reload that re-reads the ini.
          ["ExecReload", "/bin/kill -HUP $MAINPID"],
          // Read by systemd as root before it drops to User=: the file stays 0600 root.
          ["EnvironmentFile", `-${REMOTE.appEnv}`],
          ["Restart", "on-failure"],
          ["RestartSec", 2],
          ["LimitNOFILE", UWSGI_LIMIT_NOFILE],
          ...UWSGI_SANDBOX,
        ],
      },
      { name: "Install", entries: [["WantedBy", "multi-user.target"]] },
    ],
    { header: HEADER, separator: "=", booleans: "yes-no" },
  );
}

export function renderNginxLimits(t: Tuning): string {
  return serializeIni(
    [{ name: "Service", entries: [["LimitNOFILE", t.nginx.workerRlimitNofile]] }],
    { header: `${HEADER}\nMatches worker_rlimit_nofile in nginx.conf.`, separator: "=" },
  );
}

/** Only per-network-namespace keys: safe on shared kernels and containers. */
export function sysctlValues(t: Tuning, role: Role): [string, string][] {
  const s = t.sysctl;
  const common: [string, string][] = [
    ["net.core.somaxconn", String(s.somaxconn[role])],
    ["net.ipv4.tcp_max_syn_backlog", String(s.tcpMaxSynBacklog[role])],
  ];
  if (role === "app") return common;
  return [
    ...common,
    ["net.ipv4.ip_local_port_range", s.ipLocalPortRange.replace(" ", "\t")],
    ["net.ipv4.tcp_tw_reuse", String(s.tcpTwReuse)],
    ["net.ipv4.tcp_fin_timeout", String(s.tcpFinTimeout)],
  ];
}

export function renderSysctlConf(t: Tuning, role: Role): string {
  const lines = sysctlValues(t, role).map(([key, value]) => `${key} = ${value}\n`);
  return `# ${HEADER}\n${lines.join("")}`;
}

export function renderAptProxyConf(proxyUrl: string): string {
  return `// ${HEADER}\nAcquire::http::Proxy "${proxyUrl}";\n`;
}

// Sends one request over the uwsgi protocol and prints the HTTP status line: the health probe for
// an app host, with no dependency beyond the Python that uWSGI's plugin already needs.
export function renderUwsgiProbe(): string {
  return `#!/usr/bin/python3
# ${HEADER}
import socket, struct, sys

def packet(params):
    body = b"".join(
        struct.pack("<H", len(k)) + k + struct.pack("<H", len(v)) + v
        for k, v in ((k.encode(), v.encode()) for k, v in params.items())
    )
    return struct.pack("<BHB", 0, len(body), 0) + body

host, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
params = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "REQUEST_URI": path, "QUERY_STRING": "",
          "SERVER_NAME": "localhost", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
          "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "localhost"}
try:
    with socket.create_connection((host, port), timeout=5) as conn:
        conn.sendall(packet(params))
        reply = b""
        while b"\\r\\n" not in reply:
            chunk = conn.recv(4096)
            if not chunk:
                break
            reply += chunk
except OSError as err:
    # One line for the deploy's error message, not a traceback.
    print(f"no answer on {host}:{port}: {err}")
    sys.exit(1)
status = reply.split(b"\\r\\n", 1)[0].decode(errors="replace")
print(status)
parts = status.split(" ")
sys.exit(0 if len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < 500 else 1)
`;
}

/**
 * The app's environment as a systemd EnvironmentFile: values double-quoted with `\` and `"`
 * escaped, so systemd passes them on byte for byte. Problems come back in the usual style.
 */
export function renderEnvironmentFile(env: Record<string, string>): { text: string; errors: string[] } {
  const errors: string[] = [];
  const lines = Object.keys(env).sort().map((key) => {
    const value = String(env[key]);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) errors.push(`appEnvironment.${show(key)} is not a valid environment variable name`);
    // The value is secret: name the key and the rule only.
    if (/[\n\r\0]/.test(value)) errors.push(`appEnvironment.${show(key)} (secret) must not contain a newline or NUL`);
    return `${key}="${value.replace(/[\\"]/g, (c) => `\\${c}`)}"\n`;
  });
  return { text: lines.join(""), errors };
}
