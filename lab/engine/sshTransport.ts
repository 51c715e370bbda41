// The engine's transport over the OpenSSH client. Each dial starts its own ControlMaster (one TCP
// connection + SSH handshake, like the provider's ssh.Dial) that stays up until `close`: commands
// and copies then run as channels of that connection, so a connection the engine holds is a real
// connection on the host. A dial through a proxy tunnels (`-W`) through the proxy's master, as
// the provider dials the target through its proxy client. Each dial gets its own ssh_config:
// `-o` options would not reach the proxy command, a config file does.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { copyCommand } from "./copyCommands";
import type { ConnectionHop } from "./inputs";
import type { CopySource } from "./source";
import { tarDirectory } from "./tar";
import type { ExecResult, Session, Transport } from "./transport";

interface SshSession extends Session {
  alias: string;
  config: string;
  socket: string;
}

const sha = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 16);
// A master outlives an idle period this long only if the engine never closed it (a crashed run).
const PERSIST_SECONDS = 3 * 3600;

function runSsh(args: string[], input: string | Buffer): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("ssh", args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let combined = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      combined += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      combined += d.toString();
    });
    child.on("error", reject);
    // A master detaches with its stdio on /dev/null (ControlPersist), so "close" comes once it is up.
    child.on("close", (code, signal) => resolve({ code: code ?? undefined, ...(signal ? { signal } : {}), stdout, stderr, combined }));
    child.stdin.on("error", () => undefined); // the remote side may exit before reading stdin
    child.stdin.end(input);
  });
}

// Lines of ssh's stderr that repeat or hide the cause of a failed dial.
const NOISE = [/^remove with:$/, /^Offending .* key in /, /^ssh-keygen -f /, /^stdio forwarding failed$/, /^Connection closed by UNKNOWN port/, /^kex_exchange_identification: Connection closed by remote host$/];

/** What ssh said about a failed dial, with the config alias replaced by the hop it stands for. */
export function dialCause(stderr: string, code: number | undefined, alias: string, hop: string): string {
  const lines = stderr.split("\n").map((l) => l.trim()).filter(Boolean);
  const telling = lines.filter((l) => !NOISE.some((re) => re.test(l)));
  const cause = (telling.length > 0 ? telling : lines).slice(-2).join("; ") || `ssh exited ${code}`;
  return cause.split(alias).join(hop);
}

export class SshTransport implements Transport {
  private seq = 0;

  /** `dir` holds keys (0600), pinned known_hosts, configs and control sockets; removed by dispose(). */
  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  private write(name: string, text: string): string {
    const file = path.join(this.dir, name);
    if (!fs.existsSync(file)) fs.writeFileSync(file, text, { mode: 0o600 });
    return file;
  }

  private config(alias: string, hop: ConnectionHop, via?: SshSession): string {
    if (hop.password !== undefined) throw new Error(`the lab engine does not log in with passwords (${hop.host})`);
    if (hop.privateKeyPassword !== undefined) throw new Error(`the lab engine does not use encrypted private keys (${hop.host})`);
    if (hop.privateKey === undefined) throw new Error(`the lab engine needs connection.privateKey (${hop.host})`);
    const key = this.write(`key-${sha(hop.privateKey)}`, hop.privateKey.endsWith("\n") ? hop.privateKey : `${hop.privateKey}\n`);
    // Without a hostKey the provider does not check host keys; with one it is the only key accepted.
    const known = hop.hostKey === undefined ? undefined : this.write(`known-${sha(`${alias}\0${hop.hostKey}`)}`, `${alias} ${hop.hostKey}\n`);
    const keyType = hop.hostKey?.trim().split(/\s+/)[0];
    const perDial = hop.perDialTimeout ?? 15;
    const lines = [
      `Host ${alias}`,
      `  HostName ${hop.host}`,
      `  Port ${hop.port ?? 22}`,
      `  User ${hop.user ?? "root"}`,
      `  IdentityFile ${key}`,
      "  IdentitiesOnly yes",
      "  IdentityAgent none",
      `  HostKeyAlias ${alias}`,
      `  StrictHostKeyChecking ${known ? "yes" : "no"}`,
      `  UserKnownHostsFile ${known ?? "/dev/null"}`,
      "  GlobalKnownHostsFile /dev/null",
      // The provider offers only the pinned key's algorithm (ssh.FixedHostKey + HostKeyAlgorithms).
      ...(keyType && keyType !== "ssh-rsa" ? [`  HostKeyAlgorithms ${keyType}`] : []),
      "  UpdateHostKeys no",
      "  BatchMode yes",
      // perDialTimeout 0: no bound, as in the provider.
      ...(perDial > 0 ? [`  ConnectTimeout ${perDial}`] : []),
      "  ServerAliveInterval 15",
      "  ServerAliveCountMax 4",
      "  LogLevel ERROR",
      ...(via ? [`  ProxyCommand ssh -F ${via.config} -o ControlMaster=no -o ControlPath=${via.socket} -W %h:%p ${via.alias}`] : []),
      "",
    ];
    return this.write(`ssh_config-${alias}`, lines.join("\n"));
  }

  async dial(hop: ConnectionHop, via?: Session): Promise<Session> {
    const alias = `wt-${++this.seq}`;
    const session: SshSession = {
      label: `${hop.user ?? "root"}@${hop.host}${via ? ` via ${via.label}` : ""}`,
      alias,
      config: this.config(alias, hop, via as SshSession | undefined),
      socket: path.join(this.dir, `m-${alias}`),
    };
    const r = await runSsh(
      ["-F", session.config, "-o", "ControlMaster=yes", "-o", `ControlPath=${session.socket}`, "-o", `ControlPersist=${PERSIST_SECONDS}`, "-f", "-N", "--", alias],
      "",
    );
    if (r.code !== 0) throw new Error(dialCause(r.stderr, r.code, alias, `${hop.user ?? "root"}@${hop.host}`));
    return session;
  }

  private channelArgs(s: SshSession): string[] {
    return ["-F", s.config, "-o", "ControlMaster=no", "-o", `ControlPath=${s.socket}`, "-T", "--", s.alias];
  }

  exec(session: Session, command: string, stdin: string): Promise<ExecResult> {
    return runSsh([...this.channelArgs(session as SshSession), command], stdin);
  }

  async copy(session: Session, source: CopySource, remotePath: string): Promise<void> {
    const input = source.kind === "text" ? source.text : source.kind === "file" ? fs.readFileSync(source.path) : tarDirectory(source.path);
    const r = await runSsh([...this.channelArgs(session as SshSession), copyCommand(source, remotePath)], input);
    if (r.code !== 0) throw new Error(r.stderr.trim() || `copy to ${remotePath} exited ${r.code}`);
  }

  async close(session: Session): Promise<void> {
    const s = session as SshSession;
    await runSsh(["-F", s.config, "-o", `ControlPath=${s.socket}`, "-O", "exit", "--", s.alias], "");
  }

  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
