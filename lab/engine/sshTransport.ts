// The engine's transport over the OpenSSH client. Each dial starts its own ControlMaster (one TCP
// connection + SSH handshake, like the provider's ssh.Dial) that stays up until `close`: commands
// and copies then run as channels of that connection, so a connection the engine holds is a real
// connection on the host. A dial through a proxy tunnels (`-W`) through the proxy's master, as
// the provider dials the target through its proxy client. Each dial gets its own ssh_config
// (sshConfig.ts): `-o` options would not reach the proxy command, a config file does.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { copyCommand } from "./copyCommands";
import type { ConnectionHop } from "./inputs";
import { hopConfig, pinnedKeyType, TCP_CONNECTOR } from "./sshConfig";
import { dialCause } from "./sshErrors";
import type { CopySource } from "./source";
import { tarDirectory } from "./tar";
import type { ExecOptions, ExecResult, OutputListener, Session, Transport } from "./transport";

interface SshSession extends Session {
  alias: string;
  config: string;
  socket: string;
}

const sha = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 16);
// A master outlives an idle period this long only if the engine never closed it (a crashed run).
const PERSIST_SECONDS = 3 * 3600;

function runSsh(args: string[], input: string | Buffer, onOutput?: OutputListener): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("ssh", args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let combined = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      combined += d.toString();
      onOutput?.("stdout", d.toString());
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      combined += d.toString();
      onOutput?.("stderr", d.toString());
    });
    child.on("error", reject);
    // A master detaches with its stdio on /dev/null (ControlPersist), so "close" comes once it is up.
    child.on("close", (code, signal) => resolve({ code: code ?? undefined, ...(signal ? { signal } : {}), stdout, stderr, combined }));
    child.stdin.on("error", () => undefined); // the remote side may exit before reading stdin
    child.stdin.end(input);
  });
}

/** ssh_config's SetEnv for each variable (quoted as its argument splitter reads it). */
export function setEnvArgs(env: Record<string, string>): string[] {
  const quote = (s: string) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  return Object.entries(env).length === 0 ? [] : ["-o", `SetEnv ${Object.entries(env).map(([k, v]) => quote(`${k}=${v}`)).join(" ")}`];
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
    const known = hop.hostKey === undefined ? undefined : this.write(`known-${sha(`${alias}\0${hop.hostKey}`)}`, `${alias} ${hop.hostKey}\n`);
    const connector = this.write("tcp-connect.py", TCP_CONNECTOR);
    const connectError = path.join(this.dir, `connect-error-${alias}`);
    return this.write(`ssh_config-${alias}`, hopConfig(alias, hop, { key, connector, connectError, ...(known ? { known } : {}) }, via));
  }

  async dial(hop: ConnectionHop, via?: Session): Promise<Session> {
    const alias = `wt-${++this.seq}`;
    const session: SshSession = {
      label: `${hop.user ?? "root"}@${hop.host}${via ? ` via ${via.label}` : ""}`,
      alias,
      config: this.config(alias, hop, via as SshSession | undefined),
      socket: path.join(this.dir, `m-${alias}`),
    };
    // LogLevel INFO: OpenSSH says why a negotiation failed ("Unable to negotiate") at INFO. SendEnv *:
    // a master forwards a channel's SetEnv variables only when they match its own SendEnv (clientloop.c
    // `client_session2_setup`); set on the master alone, so no channel sends the deployer's environment.
    const r = await runSsh(
      ["-F", session.config, "-o", "LogLevel=INFO", "-o", "SendEnv=*", "-o", "ControlMaster=yes", "-o", `ControlPath=${session.socket}`, "-o", `ControlPersist=${PERSIST_SECONDS}`, "-f", "-N", "--", alias],
      "",
    );
    const connectError = path.join(this.dir, `connect-error-${alias}`);
    const connectCause = fs.existsSync(connectError) ? fs.readFileSync(connectError, "utf8") : "";
    if (r.code !== 0) throw new Error(dialCause(connectCause + r.stderr, r.code, alias, `${hop.user ?? "root"}@${hop.host}`, pinnedKeyType(hop.hostKey)));
    return session;
  }

  private channelArgs(s: SshSession): string[] {
    return ["-F", s.config, "-o", "ControlMaster=no", "-o", `ControlPath=${s.socket}`, "-T", "--", s.alias];
  }

  /**
   * OpenSSH's client sends "env" requests without asking for a reply, so the only way to learn what
   * sshd accepted is to look: one channel with the variables set prints its environment.
   */
  async acceptedEnv(session: Session, env: Record<string, string>): Promise<string[]> {
    const r = await runSsh([...setEnvArgs(env), ...this.channelArgs(session as SshSession), "env -0"], "");
    if (r.code !== 0) throw new Error(`reading the session's environment failed: ${r.stderr.trim() || `exit ${r.code}`}`);
    const seen = new Map(r.stdout.split("\0").filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
    return Object.keys(env).filter((k) => seen.get(k) === env[k]);
  }

  exec(session: Session, command: string, stdin: string, options: ExecOptions = {}): Promise<ExecResult> {
    return runSsh([...setEnvArgs(options.env ?? {}), ...this.channelArgs(session as SshSession), command], stdin, options.onOutput);
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
