// A `pulumi.runtime.setMocks` implementation that EXECUTES the program's resources on real hosts:
// `command:remote:Command` runs its `create` over SSH (script on stdin), `command:remote:CopyToRemote`
// copies its asset; webtier's component resources are no-ops; any other type is refused. The SDK
// registers a resource only after its dependencies' registrations finished, so the program's
// dependency order is the execution order. Like Pulumi, a resource whose inputs did not change
// since the last successful run is not run again, and resources that left the program get their
// `delete` command run at the end.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { copyToRemote, hashDirectory, type CopySource } from "./copy";
import { sshExec, SshWorkspace, type RemoteConnection, type SshResult } from "./ssh";
import { digestOf, readDeployState, resourceKey, writeDeployState, DEPLOY_STATE_FILE, type DeployState, type ResourceRecord } from "./state";

const COMMAND = "command:remote:Command";
const COPY = "command:remote:CopyToRemote";
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
// The components' customTimeouts for create/update (30m) and delete (5m).
const CREATE_TIMEOUT_MS = 30 * 60_000;
const DELETE_TIMEOUT_MS = 5 * 60_000;

/** Removes Pulumi's secret wrappers (`{<sig>: …, value}`) from mock inputs. */
export function unwrapSecrets(value: any): any {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value && typeof value === "object" && value.constructor === Object) {
    if (value[SECRET_SIG] !== undefined && "value" in value) return unwrapSecrets(value.value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

export interface ExecutorOptions {
  /** Connection address → lab host name, for progress lines and errors. */
  hostNames: Record<string, string>;
  log: (line: string) => void;
  /** Identifies the set of machines: state recorded for other machines is discarded. */
  owner: string;
  stateFile?: string;
}

export interface ExecutorStats {
  executed: number;
  unchanged: number;
  deleted: number;
  /** SSH sessions opened (each dial attempt counts). */
  remoteCommands: number;
}

const tail = (text: string, lines = 30) => text.trim().split("\n").slice(-lines).join("\n");
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

export class LabExecutor {
  readonly stats: ExecutorStats = { executed: 0, unchanged: 0, deleted: 0, remoteCommands: 0 };
  /** Resolves with the first failure (never rejects: the SDK may drop rejections). */
  readonly failed: Promise<Error>;
  private reportFailure!: (err: Error) => void;
  private firstError?: Error;
  private readonly state: DeployState;
  private readonly stateFile: string;
  private readonly seen = new Set<string>();
  private readonly replaced: ResourceRecord[] = [];
  private readonly ws = new SshWorkspace(fs.mkdtempSync(path.join(os.tmpdir(), "wtlab-exec-")));
  private seq: number;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly opts: ExecutorOptions) {
    this.stateFile = opts.stateFile ?? DEPLOY_STATE_FILE;
    const previous = readDeployState(this.stateFile);
    if (previous.owner !== undefined && previous.owner !== opts.owner && Object.keys(previous.resources).length > 0) {
      opts.log(`lab: ${this.stateFile} describes another lab's hosts: starting from an empty state`);
    }
    this.state = previous.owner === opts.owner ? previous : { version: 1, owner: opts.owner, resources: {} };
    this.seq = Math.max(0, ...Object.values(this.state.resources).map((r) => r.seq));
    this.failed = new Promise((resolve) => (this.reportFailure = resolve));
  }

  get error(): Error | undefined {
    return this.firstError;
  }

  readonly mocks: pulumi.runtime.Mocks = {
    newResource: (args) => this.track(() => this.newResource(args)),
    call: (args) => this.fail(new Error(`lab executor does not execute function ${args.token}`)),
  };

  private fail(err: Error): never {
    if (!this.firstError) {
      this.firstError = err;
      this.reportFailure(err);
    }
    throw err;
  }

  private async track<T>(fn: () => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await fn();
    } catch (err) {
      return this.fail(err as Error);
    } finally {
      if (--this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  /** Resolves once no resource is being executed. */
  idle(): Promise<void> {
    return this.inFlight === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private hostOf(c: RemoteConnection): string {
    return this.opts.hostNames[c.host] ?? c.host;
  }

  private save(): void {
    writeDeployState(this.state, this.stateFile);
  }

  private async newResource(args: pulumi.runtime.MockResourceArgs): Promise<pulumi.runtime.MockResourceResult> {
    if (!args.custom && args.type.startsWith("webtier:index:")) return { id: undefined, state: {} };
    if (args.type !== COMMAND && args.type !== COPY) throw new Error(`lab executor does not execute ${args.type} (${args.name})`);
    if (this.firstError) throw new Error(`${args.name}: not run: the deployment already failed`);
    const key = resourceKey(args.type, args.name);
    if (this.seen.has(key)) throw new Error(`lab executor: duplicate resource ${args.name}`);
    this.seen.add(key);

    const inputs = unwrapSecrets(args.inputs) as Record<string, any>;
    const conn = inputs.connection as RemoteConnection;
    const host = this.hostOf(conn);
    const source = args.type === COPY ? await resolveSource(inputs.source) : undefined;
    const digest = digestOf({ ...inputs, source: source && (source.kind === "text" ? source : { dir: source.path, hash: hashDirectory(source.path) }) });
    const triggers = digestOf(inputs.triggers ?? null);
    const old = this.state.resources[key];
    if (old && old.digest === digest) {
      this.stats.unchanged++;
      return { id: key, state: { ...args.inputs, ...old.outputs } };
    }

    const started = Date.now();
    const step = stepName(args.name, host);
    let outputs: Record<string, string> = {};
    let r: SshResult | undefined;
    if (args.type === COPY) {
      r = await copyToRemote(this.ws, conn, source!, inputs.remotePath, CREATE_TIMEOUT_MS);
    } else {
      if (inputs.environment && Object.keys(inputs.environment).length > 0) {
        throw new Error(`${host}: ${step}: lab executor does not pass \`environment\` (it needs sshd AcceptEnv); use stdin`);
      }
      // Same triggers and new inputs is an update: `update` runs when set, else `create` again.
      const command: string | undefined = old && old.triggers === triggers && inputs.update ? inputs.update : inputs.create;
      if (command !== undefined) r = await sshExec(this.ws, conn, command, inputs.stdin ?? "", CREATE_TIMEOUT_MS);
      outputs = { stdout: (r?.stdout ?? "").replace(/\n$/, ""), stderr: (r?.stderr ?? "").replace(/\n$/, "") };
    }
    if (r) this.stats.remoteCommands += r.attempts;
    if (r && r.code !== 0) {
      this.opts.log(`${host.padEnd(8)} ${step.padEnd(24)} FAILED after ${seconds(Date.now() - started)}`);
      throw new Error(describeFailure(host, step, args.name, conn, r));
    }
    this.opts.log(`${host.padEnd(8)} ${step.padEnd(24)} ${seconds(Date.now() - started)}`);
    this.stats.executed++;
    // Replacement (triggers changed): Pulumi creates the new one, then deletes the old one.
    if (old && old.triggers !== triggers && old.delete !== undefined) this.replaced.push(old);
    this.state.resources[key] = {
      type: args.type, name: args.name, host, digest, triggers, outputs, seq: ++this.seq, connection: conn,
      ...(inputs.delete === undefined ? {} : { delete: inputs.delete as string }),
    };
    this.save();
    return { id: key, state: { ...args.inputs, ...outputs } };
  }

  /**
   * After every resource was created: runs the `delete` of replaced resources and of those that left
   * the program (newest first), and forgets them. Not called when the deploy failed, like Pulumi.
   */
  async finish(url: string): Promise<void> {
    const gone = Object.entries(this.state.resources).filter(([key]) => !this.seen.has(key));
    const deletions = [...this.replaced.map((r) => ({ r, key: undefined as string | undefined })), ...gone.map(([key, r]) => ({ r, key }))]
      .sort((a, b) => b.r.seq - a.r.seq);
    for (const { r, key } of deletions) {
      if (r.delete !== undefined && r.connection) {
        const started = Date.now();
        const step = `${stepName(r.name, r.host)} (delete)`;
        const result = await sshExec(this.ws, r.connection, r.delete, "", DELETE_TIMEOUT_MS);
        this.stats.remoteCommands += result.attempts;
        if (result.code !== 0) {
          this.opts.log(`${r.host.padEnd(8)} ${step.padEnd(24)} FAILED after ${seconds(Date.now() - started)}`);
          throw new Error(describeFailure(r.host, step, r.name, r.connection, result));
        }
        this.opts.log(`${r.host.padEnd(8)} ${step.padEnd(24)} ${seconds(Date.now() - started)}`);
      }
      this.stats.deleted++;
      if (key !== undefined) delete this.state.resources[key];
      this.save();
    }
    this.state.url = url;
    this.save();
  }

  dispose(): void {
    this.ws.dispose();
  }
}

async function resolveSource(source: unknown): Promise<CopySource> {
  if (source instanceof pulumi.asset.StringAsset) return { kind: "text", text: await (source as any).text };
  if (source instanceof pulumi.asset.FileArchive) {
    const dir = (await (source as any).path) as string;
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`lab executor copies directory archives only, not ${dir}`);
    // The trailing "/" is meaningful: copy the directory's contents, not the directory.
    return { kind: "dir", path: `${path.resolve(dir)}${dir.endsWith("/") ? "/" : ""}` };
  }
  throw new Error(`lab executor copies StringAsset and directory FileArchive sources only, not ${source?.constructor?.name ?? typeof source}`);
}

/** `webtier-app-1-uwsgi-file-0` on app-1 → `uwsgi-file-0`. */
export function stepName(resourceName: string, host: string): string {
  const marker = `-${host}-`;
  const at = resourceName.indexOf(marker);
  return at < 0 ? resourceName : resourceName.slice(at + marker.length);
}

function describeFailure(host: string, step: string, name: string, c: RemoteConnection, r: SshResult): string {
  const where = `${c.user ?? "root"}@${c.host}${c.proxy ? ` via ${c.proxy.host}` : ""}`;
  if (r.dialFailure === "host-key") {
    // ssh names the Host alias it checked: the jump host's ends in "-jump" (see SshWorkspace).
    const jump = c.proxy && /wt-[0-9a-f]+-jump/.test(r.stderr);
    const refused = jump ? `the bastion ${c.proxy!.host}` : where;
    return `${host}: ${step}: refused ${refused}: its host key does not match the pinned hostKey (ssh: ${tail(r.stderr, 1)})`;
  }
  if (r.dialFailure === "unreachable") {
    return `${host}: ${step}: could not connect to ${where} after ${r.attempts} attempts: ${tail(r.stderr, 3)}`;
  }
  const output = [tail(r.stderr), tail(r.stdout)].filter(Boolean).join("\n");
  return `${host}: ${step} (${name}) exited ${r.code} on ${where}:\n${output}`;
}
