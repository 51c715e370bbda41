// The ssh_config of one dial by the lab's OpenSSH client, set as the provider's x/crypto client is
// (pulumi-command@v1.2.1 provider/pkg/provider/remote/connection.go `SSHConfig`, `Dial`):
// - a hostKey pins that one key AND sets HostKeyAlgorithms to its type only (publicKey.Type()): an
//   `ssh-rsa` pin offers SHA-1 RSA alone, which OpenSSH ≥ 8.8 servers refuse; no hostKey, no check;
// - perDialTimeout is ssh.ClientConfig.Timeout, which only ssh.Dial's net.DialTimeout uses: it
//   bounds the direct TCP connect, not the banner or the handshake (golang/crypto@v0.48.0
//   ssh/client.go `Dial`), and nothing through a proxy (proxyClient.Dial + NewClientConn take no
//   timeout). OpenSSH's ConnectTimeout also bounds the banner, so a direct hop connects through
//   TCP_CONNECTOR, which connects under the timeout and hands the socket to ssh (ProxyUseFdpass);
//   a tunnelled hop gets no timeout at all.
import type { ConnectionHop } from "./inputs";

/** Files a dial's config points at. */
export interface ConfigFiles {
  key: string;
  /** The pinned known_hosts file, when the hop pins a host key. */
  known?: string;
  /** TCP_CONNECTOR written out. */
  connector: string;
  /** Where the connector says why a connect failed. */
  connectError: string;
}

/** The hop a dial tunnels through: its config, control socket and alias. */
export interface Via {
  config: string;
  socket: string;
  alias: string;
}

/**
 * Go's net.Dial wording for a failed connect, written to the file named by its 4th argument (ssh
 * sends a ProxyCommand's stderr to /dev/null under ControlPersist); on success the socket is
 * passed back to ssh and the script exits.
 */
export const TCP_CONNECTOR = `import socket, sys
host, port, timeout, errors = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
where = f"{host}:{port}" if ":" not in host else f"[{host}]:{port}"
def fail(message):
    with open(errors, "w") as f:
        f.write(f"dial tcp {where}: {message}\\n")
    sys.exit(1)
try:
    s = socket.create_connection((host, port), timeout=timeout if timeout > 0 else None)
except TimeoutError:
    fail("i/o timeout")
except OSError as e:
    fail(f"connect: {(e.strerror or str(e)).lower()}")
s.setblocking(True)
socket.send_fds(socket.socket(fileno=1), [b"\\0"], [s.fileno()])
`;

/** The pinned key's type, which is all the provider offers as host key algorithm. */
export const pinnedKeyType = (hostKey?: string) => hostKey?.trim().split(/\s+/)[0];

export function hopConfig(alias: string, hop: ConnectionHop, files: ConfigFiles, via?: Via): string {
  const keyType = pinnedKeyType(hop.hostKey);
  const perDial = hop.perDialTimeout ?? 15;
  const lines = [
    `Host ${alias}`,
    `  HostName ${hop.host}`,
    `  Port ${hop.port ?? 22}`,
    `  User ${hop.user ?? "root"}`,
    `  IdentityFile ${files.key}`,
    "  IdentitiesOnly yes",
    "  IdentityAgent none",
    `  HostKeyAlias ${alias}`,
    `  StrictHostKeyChecking ${files.known ? "yes" : "no"}`,
    `  UserKnownHostsFile ${files.known ?? "/dev/null"}`,
    "  GlobalKnownHostsFile /dev/null",
    ...(keyType ? [`  HostKeyAlgorithms ${keyType}`] : []),
    "  UpdateHostKeys no",
    "  BatchMode yes",
    "  ServerAliveInterval 15",
    "  ServerAliveCountMax 4",
    "  LogLevel ERROR",
    ...(via
      ? [`  ProxyCommand ssh -F ${via.config} -o ControlMaster=no -o ControlPath=${via.socket} -W %h:%p ${via.alias}`]
      // perDialTimeout 0: no bound, as net.DialTimeout with 0.
      : [`  ProxyCommand python3 ${files.connector} %h %p ${Math.max(perDial, 0)} ${files.connectError}`, "  ProxyUseFdpass yes"]),
    "",
  ];
  return lines.join("\n");
}
