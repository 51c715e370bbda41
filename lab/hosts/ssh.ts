// SSH to lab hosts with the OpenSSH client: pinned host keys only (StrictHostKeyChecking=yes
// against the lab's known_hosts), the lab deploy key, and app hosts only through the bastion
// (ProxyJump). The jump connection is configured by the lab's ssh_config file, which ssh passes
// on to the jump process (`-F`); command-line -o options apply to the destination only.
import * as fs from "node:fs";
import * as path from "node:path";
import { run, runInherit, sleep, type RunResult } from "./exec";
import { KNOWN_HOSTS, LAB_DIR } from "./paths";
import type { LabHost, LabState } from "./state";

export const SSH_CONFIG = path.join(LAB_DIR, "ssh_config");

export interface SshOptions {
  /** Override the pinned-keys file for the destination (tests use a wrong one). */
  knownHostsFile?: string;
  connectTimeoutSec?: number;
}

export function writeSshConfig(privateKeyPath: string): void {
  const lines = [
    "# Written by the webtier lab: every host key is pinned, nothing is learned on first use.",
    "Host *",
    `  IdentityFile ${privateKeyPath}`,
    "  IdentitiesOnly yes",
    `  UserKnownHostsFile ${KNOWN_HOSTS}`,
    "  GlobalKnownHostsFile /dev/null",
    "  StrictHostKeyChecking yes",
    "  UpdateHostKeys no",
    "  BatchMode yes",
    "  ConnectTimeout 5",
    "  ServerAliveInterval 5",
    "  ServerAliveCountMax 6",
    "  LogLevel ERROR",
    "",
  ];
  fs.writeFileSync(SSH_CONFIG, lines.join("\n"), { mode: 0o600 });
}

export function findHost(state: LabState, host: LabHost | string): LabHost {
  if (typeof host !== "string") return host;
  const h = state.hosts.find((x) => x.name === host);
  if (!h) throw new Error(`lab host ${host} does not exist (hosts: ${state.hosts.map((x) => x.name).join(", ")})`);
  return h;
}

/** Arguments for `ssh` (without the binary and the remote command) reaching `host`. */
export function sshArgs(state: LabState, host: LabHost | string, opts: SshOptions = {}): string[] {
  const h = findHost(state, host);
  const args = [
    "-F", SSH_CONFIG,
    "-o", "StrictHostKeyChecking=yes",
    "-o", `UserKnownHostsFile=${opts.knownHostsFile ?? KNOWN_HOSTS}`,
    "-o", `ConnectTimeout=${opts.connectTimeoutSec ?? 5}`,
    "-i", state.privateKeyPath,
    "-p", String(h.port),
  ];
  if (h.role === "app") {
    const b = findHost(state, state.bastion);
    args.push("-J", `${b.user}@${b.address}:${b.port}`);
  }
  args.push(`${h.user}@${h.address}`);
  return args;
}

/** Quotes argv for the remote shell (ssh joins its arguments with spaces). */
export function shellQuote(argv: string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(" ");
}

export interface SshRunOptions extends SshOptions {
  input?: string;
  timeoutMs?: number;
}

/** Runs a command on a host and captures its output. A string is a remote shell command line. */
export function sshRun(state: LabState, host: LabHost | string, command: string | string[], opts: SshRunOptions = {}): Promise<RunResult> {
  const remote = typeof command === "string" ? command : shellQuote(command);
  return run("ssh", [...sshArgs(state, host, opts), "--", remote], { input: opts.input, timeoutMs: opts.timeoutMs ?? 120_000 });
}

/** Interactive variant: stdio inherited, returns the exit code. */
export function sshInherit(state: LabState, host: LabHost | string, argv: string[]): Promise<number> {
  const tty = process.stdin.isTTY ? ["-t"] : [];
  return runInherit("ssh", [...tty, ...sshArgs(state, host), "--", shellQuote(argv)]);
}

/** Polls until sshd answers with the pinned key, or throws after `timeoutMs`. */
export async function waitForSsh(state: LabState, host: LabHost | string, timeoutMs = 60_000): Promise<number> {
  const h = findHost(state, host);
  const started = Date.now();
  let last: RunResult | undefined;
  while (Date.now() - started < timeoutMs) {
    last = await sshRun(state, h, "true", { timeoutMs: 15_000, connectTimeoutSec: 3 });
    if (last.code === 0) return Date.now() - started;
    await sleep(500);
  }
  throw new Error(`lab host ${h.name} (${h.address}): ssh did not answer within ${timeoutMs / 1000} s: ${last?.stderr.trim()}`);
}
