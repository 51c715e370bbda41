// The lab executor's transport: one `@pulumi/command` connection (host, port, user, privateKey,
// pinned hostKey, optional proxy) → an OpenSSH client invocation. Each connection gets its own
// ssh_config with Host entries for the destination and the jump host: `-o` options on the command
// line would not reach the jump connection, a config file passed with `-F` does.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { RunResult } from "../hosts/exec";

/** A connection as the provider receives it (secret wrappers already removed). */
export interface RemoteConnection {
  host: string;
  port?: number;
  user?: string;
  privateKey?: string;
  hostKey?: string;
  password?: string;
  dialErrorLimit?: number;
  perDialTimeout?: number;
  proxy?: Omit<RemoteConnection, "proxy">;
}

// ssh exits 255 for its own errors. These mean "could not reach sshd yet": dial again.
const TRANSIENT = /Connection refused|Connection timed out|timed out during banner exchange|No route to host|Network is unreachable|Connection reset|Connection closed by|kex_exchange_identification|stdio forwarding failed|channel \d+: open failed|Broken pipe/;
// A host that answers with another key than the pinned one is refused at once, never retried.
const HOST_KEY = /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|host key for .* has changed/;

export type DialFailure = "host-key" | "unreachable";

export interface SshResult extends RunResult {
  /** Set when ssh itself failed (exit 255 with an ssh error), not the remote command. */
  dialFailure?: DialFailure;
  attempts: number;
}

const sha = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 16);

/** Temp files for every connection of one deploy: keys (0600), pinned known_hosts, ssh_config. */
export class SshWorkspace {
  private readonly configs = new Map<string, string>();

  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  private write(name: string, text: string): string {
    const file = path.join(this.dir, name);
    if (!fs.existsSync(file)) fs.writeFileSync(file, text, { mode: 0o600 });
    return file;
  }

  private hostBlock(alias: string, c: Omit<RemoteConnection, "proxy">, jump?: string): string[] {
    if (c.password !== undefined) throw new Error(`lab executor does not support password logins (${c.host})`);
    if (c.privateKey === undefined) throw new Error(`lab executor needs connection.privateKey (${c.host})`);
    const key = this.write(`key-${sha(c.privateKey)}`, c.privateKey.endsWith("\n") ? c.privateKey : `${c.privateKey}\n`);
    // Without a hostKey the real provider does not check host keys; with one it is the only key accepted.
    const known = c.hostKey === undefined ? undefined : this.write(`known-${sha(`${alias}\0${c.hostKey}`)}`, `${alias} ${c.hostKey}\n`);
    return [
      `Host ${alias}`,
      `  HostName ${c.host}`,
      `  Port ${c.port ?? 22}`,
      `  User ${c.user ?? "root"}`,
      `  IdentityFile ${key}`,
      "  IdentitiesOnly yes",
      "  IdentityAgent none",
      `  HostKeyAlias ${alias}`,
      `  StrictHostKeyChecking ${known ? "yes" : "no"}`,
      `  UserKnownHostsFile ${known ?? "/dev/null"}`,
      "  GlobalKnownHostsFile /dev/null",
      "  UpdateHostKeys no",
      "  BatchMode yes",
      `  ConnectTimeout ${c.perDialTimeout ?? 15}`,
      "  ServerAliveInterval 15",
      "  ServerAliveCountMax 4",
      "  ControlMaster no",
      "  LogLevel ERROR",
      ...(jump ? [`  ProxyJump ${jump}`] : []),
      "",
    ];
  }

  /** `ssh` arguments (before the remote command) for this connection. */
  sshArgs(c: RemoteConnection): string[] {
    const id = sha(JSON.stringify(c));
    let file = this.configs.get(id);
    if (!file) {
      const target = `wt-${id}`;
      const jump = c.proxy ? `wt-${id}-jump` : undefined;
      const lines = [
        "# Written by the webtier lab executor for one connection; removed after the deploy.",
        ...this.hostBlock(target, c, jump),
        ...(c.proxy && jump ? this.hostBlock(jump, c.proxy) : []),
      ];
      file = this.write(`ssh_config-${id}`, lines.join("\n"));
      this.configs.set(id, file);
    }
    return ["-F", file, "--", `wt-${id}`];
  }

  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function sshOnce(args: string[], command: string, input: string | (() => NodeJS.ReadableStream), timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("ssh", [...args, command], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (timedOut) stderr += `\n(timed out after ${Math.round(timeoutMs / 1000)} s)`;
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    child.stdin.on("error", () => undefined); // the remote side may exit before reading stdin
    if (typeof input === "string") child.stdin.end(input);
    else input().pipe(child.stdin);
  });
}

function classify(r: RunResult): DialFailure | undefined {
  if (r.code !== 255) return undefined;
  if (HOST_KEY.test(r.stderr)) return "host-key";
  if (TRANSIENT.test(r.stderr)) return "unreachable";
  return undefined;
}

/**
 * Runs `command` on the connection's host with `input` on stdin. Like the provider, a failed dial is
 * retried up to `dialErrorLimit` times (-1: until `timeoutMs`); a host key mismatch is not retried.
 */
export async function sshExec(
  ws: SshWorkspace,
  c: RemoteConnection,
  command: string,
  input: string | (() => NodeJS.ReadableStream),
  timeoutMs: number,
): Promise<SshResult> {
  const limit = c.dialErrorLimit ?? 10;
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    const r = await sshOnce(ws.sshArgs(c), command, input, Math.max(1000, deadline - Date.now()));
    const dialFailure = classify(r);
    const retry = dialFailure === "unreachable" && (limit < 0 || attempt <= limit) && Date.now() + 1000 < deadline;
    if (!retry) return { ...r, attempts: attempt, ...(dialFailure ? { dialFailure } : {}) };
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
