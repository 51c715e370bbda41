// The lab's deployment engine: what `pulumi up` and the command provider do with the program's
// remote resources, on real hosts through a Transport. One engine per program run: a preview run
// (plans, checks, dials nothing, answers changing outputs as unknown) or an apply run (pending
// deletes first, then each resource as it registers — the SDK registers a resource only after its
// dependencies, so the program's dependency order is the execution order — then the deletes).
// Decisions live in plan.ts and dial.ts; this file sequences them and records the state. The
// @pulumi/tls resources are local (tlsResources.ts): generated here, kept only in the state.
import { checkRemoteResource, describeCheckFailure } from "./check";
import { connect, realSleep, type Sleep } from "./dial";
import { commandFailure, progressLine, seconds, stepName, type PlannedStep } from "./format";
import { COMMAND, COPY, unwrapSecrets, withDefaults, type RemoteConnection } from "./inputs";
import { actionFor, deleteAction, deleteOrder, deleteSkipped, diffResource, type Action } from "./plan";
import { resolveSource, sourceRecord, type CopySource } from "./source";
import { emptyState, readDeployState, writeDeployState, DEPLOY_STATE_FILE, type DeployState, type ResourceRecord } from "./state";
import { RunTracker } from "./runTracker";
import { registerTls } from "./tlsRegistration";
import { checkTlsResource, isTlsResource } from "./tlsResources";
import type { Session, Transport } from "./transport";

/** A resource registration with the options the engine needs (read from the monitor's request). */
export interface Registration {
  type: string;
  name: string;
  urn: string;
  custom: boolean;
  /** As the SDK sends them: secret wrappers, and in a preview unknowns. */
  inputs: Record<string, unknown>;
  dependencies: string[];
  deletedWith?: string;
  deleteBeforeReplace?: boolean;
  replaceOnChanges?: string[];
  /** Top-level inputs whose changes are ignored: an existing resource keeps its recorded value. */
  ignoreChanges?: string[];
  /** Resource options set that the engine does not implement (refused). */
  unsupportedOptions?: string[];
}

export interface EngineOptions {
  preview: boolean;
  /** Needed to apply; a preview dials nothing. */
  transport?: Transport;
  /** Connection address → lab host name, for progress lines and errors. */
  hostNames: Record<string, string>;
  log: (line: string) => void;
  /** Identifies the set of machines: state recorded for other machines is discarded. */
  owner: string;
  stateFile?: string;
  sleep?: Sleep;
  /** The clock certificates are issued and checked for renewal by. */
  now?: () => Date;
}

export interface EngineStats {
  executed: number;
  unchanged: number;
  deleted: number;
  /** Commands run and copies made on hosts (deletes included). */
  remoteCommands: number;
  /** SSH dial attempts (a dial through a proxy is two: proxy, then target). */
  dialAttempts: number;
}

/** Why a recorded state is not used, if it is not (an older engine's, another lab's). */
function distrustOf(previous: ReturnType<typeof readDeployState>, owner: string): string | undefined {
  if (previous.discarded) return `was written by an older lab engine (${previous.discarded})`;
  const recorded = Object.keys(previous.resources).length + previous.pendingDeletes.length > 0;
  if (previous.owner !== undefined && previous.owner !== owner && recorded) return "describes another lab's hosts";
  return undefined;
}

const isComponent = (r: Registration) => !r.custom && r.type.startsWith("webtier:index:");

export class DeployEngine {
  readonly stats: EngineStats = { executed: 0, unchanged: 0, deleted: 0, remoteCommands: 0, dialAttempts: 0 };
  /** The preview's plan (and, after an apply, what it did), in registration order. */
  readonly plan: PlannedStep[] = [];
  /** A preview's Check failures, one message per resource. */
  readonly checkFailures: string[] = [];
  private readonly run = new RunTracker();
  /** Resolves with the first failure (never rejects: the SDK may drop rejections). */
  readonly failed = this.run.failed;
  private readonly state: DeployState;
  private readonly stateFile: string;
  private readonly seen = new Set<string>();
  /** Connections the provider would never close before the run ends: closed by closeHeld(). */
  private readonly held: Session[] = [];
  private readonly replacedThisRun: ResourceRecord[] = [];
  private readonly sleep: Sleep;
  private seq = 0;

  constructor(private readonly opts: EngineOptions) {
    this.stateFile = opts.stateFile ?? DEPLOY_STATE_FILE;
    this.sleep = opts.sleep ?? realSleep;
    const previous = readDeployState(this.stateFile);
    const distrust = distrustOf(previous, opts.owner);
    // Said once, by the apply (a preview reads the same file first).
    if (distrust && !opts.preview) opts.log(`lab: ${this.stateFile} ${distrust}: starting from an empty state`);
    this.state = !previous.discarded && previous.owner === opts.owner ? previous : emptyState(opts.owner);
  }

  get error(): Error | undefined {
    return this.run.error;
  }

  /** Held connections right now (the provider's open clients). */
  get heldConnections(): number {
    return this.held.length;
  }

  /** Resolves once no resource is being worked on. */
  idle(): Promise<void> {
    return this.run.idle();
  }

  /** A function call from the program: the engine executes none. */
  call(token: string): never {
    return this.run.fail(new Error(`lab engine does not execute function ${token}`));
  }

  /** Outputs for the registration: inputs plus stdout/stderr (left out = unknown in a preview). */
  register(r: Registration): Promise<Record<string, unknown>> {
    return this.run.track(() => this.registerResource(r));
  }

  private hostOf(c: RemoteConnection | undefined): string {
    return c ? (this.opts.hostNames[c.host] ?? c.host) : "?";
  }

  private save(): void {
    if (!this.opts.preview) writeDeployState(this.state, this.stateFile);
  }

  private async registerResource(r: Registration): Promise<Record<string, unknown>> {
    if (isComponent(r)) return {};
    const local = isTlsResource(r.type);
    if (!local && r.type !== COMMAND && r.type !== COPY) throw new Error(`lab engine does not execute ${r.type} (${r.name})`);
    if (this.run.error) throw new Error(`${r.name}: not run: the deployment already failed`);
    if (this.seen.has(r.urn)) throw new Error(`lab engine: duplicate resource ${r.urn}`);
    if (r.unsupportedOptions?.length) throw new Error(`lab engine does not implement the option ${r.unsupportedOptions.join(", ")} (${r.name})`);
    this.seen.add(r.urn);
    const failures = local ? checkTlsResource(r.type, r.inputs) : await checkRemoteResource(r.type, r.inputs);
    if (failures.length > 0) {
      const message = failures.map((f) => describeCheckFailure(r.type, r.name, f)).join("\n");
      if (!this.opts.preview) throw new Error(message);
      // A preview reports every resource that fails its Check, not only the first.
      this.checkFailures.push(message);
      return { ...r.inputs };
    }
    if (local) {
      return registerTls(r, {
        preview: this.opts.preview, now: (this.opts.now ?? (() => new Date()))(), state: this.state, plan: this.plan,
        stats: this.stats, replaced: this.replacedThisRun, nextSeq: () => ++this.seq, save: () => this.save(), log: this.opts.log,
      });
    }

    const raw = unwrapSecrets(r.inputs) as Record<string, any>;
    const host = this.hostOf(raw.connection);
    if (raw.environment && Object.keys(raw.environment).length > 0) {
      throw new Error(`${host}: ${stepName(r.name, host)} (${r.name}): the lab engine does not pass \`environment\` (it needs sshd AcceptEnv); use stdin`);
    }
    const source = r.type === COPY ? await resolveSource(raw.source) : undefined;
    const old = this.state.resources[r.urn];
    // As the engine does before the diff: an ignored input of an existing resource takes its old
    // value, for the diff and for what the provider then runs with.
    for (const key of old ? r.ignoreChanges ?? [] : []) raw[key] = old!.inputs[key];
    const news: Record<string, unknown> = source ? { ...raw, source: sourceRecord(source) } : raw;
    const { op } = diffResource(old?.inputs, news, r.replaceOnChanges);
    this.plan.push({ urn: r.urn, type: r.type, name: r.name, host, op });
    const seq = ++this.seq;

    if (op === "same") {
      this.stats.unchanged++;
      if (!this.opts.preview) {
        old!.seq = seq;
        this.save();
      }
      return { ...r.inputs, ...old!.outputs };
    }
    // A preview answers what would change as unknown: the SDK reads missing outputs so in a dry run.
    if (this.opts.preview) return { ...r.inputs };

    if (op === "replace" && r.deleteBeforeReplace) {
      await this.deleteResource(old!, new Set([old!.urn]));
      delete this.state.resources[r.urn];
      this.save();
    }
    const action = actionFor(r.type, op === "update" ? "update" : "create", news, old?.inputs);
    const outputs = (await this.perform(r.name, host, action, withDefaults(raw.connection), raw.stdin, source, raw.remotePath)) ??
      (op === "update" ? old!.outputs : r.type === COMMAND ? { stdout: "", stderr: "" } : {});
    this.stats.executed++;
    if (action.kind === "nothing") this.opts.log(progressLine(host, stepName(r.name, host), `${op}d, nothing to run`));
    if (op === "replace" && !r.deleteBeforeReplace) {
      // Create-before-delete: the old copy is deleted after every other step; until then (and if
      // that delete fails) the state keeps it as a pending delete.
      this.state.pendingDeletes.push(old!);
      this.replacedThisRun.push(old!);
    }
    this.state.resources[r.urn] = {
      urn: r.urn, type: r.type, name: r.name, host, inputs: news, outputs, dependencies: r.dependencies,
      ...(r.deletedWith ? { deletedWith: r.deletedWith } : {}), seq,
    };
    this.save();
    return { ...r.inputs, ...outputs };
  }

  /** Runs the action over a fresh connection; undefined when there was nothing to do. */
  private async perform(
    name: string, host: string, action: Action, conn: RemoteConnection, stdin: unknown, source?: CopySource, remotePath?: string, what = "",
  ): Promise<Record<string, string> | undefined> {
    if (action.kind === "nothing") return undefined;
    const step = `${stepName(name, host)}${what}`;
    const started = Date.now();
    const failed = (err: unknown): never => {
      this.opts.log(progressLine(host, step, `FAILED after ${seconds(Date.now() - started)}`));
      throw new Error(`${host}: ${step} (${name}): ${(err as Error).message}`);
    };
    let target: Session;
    try {
      target = await connect(this.countingTransport(), conn, this.sleep, (proxy) => this.held.push(proxy));
    } catch (err) {
      return failed(err);
    }
    this.stats.remoteCommands++;
    if (action.kind === "copy") {
      try {
        await this.transport().copy(target, source!, String(remotePath));
      } catch (err) {
        return failed(err);
      } finally {
        await this.transport().close(target);
      }
      this.opts.log(progressLine(host, step, seconds(Date.now() - started)));
      return {};
    }
    this.held.push(target);
    const r = await this.transport().exec(target, action.command, typeof stdin === "string" ? stdin : "");
    if (r.code !== 0) return failed(new Error(commandFailure(r.code, r.signal, action.command, r.combined)));
    this.opts.log(progressLine(host, step, seconds(Date.now() - started)));
    return { stdout: r.stdout.replace(/\n$/, ""), stderr: r.stderr.replace(/\n$/, "") };
  }

  private transport(): Transport {
    if (!this.opts.transport) throw new Error("a preview dials nothing");
    return this.opts.transport;
  }

  private countingTransport(): Transport {
    const t = this.transport();
    return {
      dial: (hop, via) => {
        this.stats.dialAttempts++;
        return t.dial(hop, via);
      },
      exec: (s, c, i) => t.exec(s, c, i),
      copy: (s, src, p) => t.copy(s, src, p),
      close: (s) => t.close(s),
    };
  }

  /** The provider's Delete: the recorded `delete` with the recorded inputs (old connection, old stdin). */
  private async deleteResource(record: ResourceRecord, deleting: ReadonlySet<string>): Promise<void> {
    if (isTlsResource(record.type)) {
      // The provider's Delete is a no-op: the state forgets the resource.
    } else if (deleteSkipped(record, deleting)) {
      this.opts.log(progressLine(record.host, `${stepName(record.name, record.host)} (delete)`, `skipped: deleted with ${record.deletedWith!.split("::").pop()}`));
    } else {
      const inputs = record.inputs as Record<string, any>;
      await this.perform(record.name, record.host, deleteAction(record), withDefaults(inputs.connection), inputs.stdin, undefined, undefined, " (delete)");
    }
    this.stats.deleted++;
  }

  private dropPending(record: ResourceRecord): void {
    this.state.pendingDeletes = this.state.pendingDeletes.filter((r) => r !== record);
  }

  /** Apply runs start here: deletes left pending by earlier runs go first; one failing fails the run. */
  async begin(): Promise<void> {
    if (this.opts.preview) return;
    const pending = [...this.state.pendingDeletes];
    const deleting = new Set(pending.map((r) => r.urn));
    for (const record of deleteOrder(pending)) {
      await this.run.track(() => this.deleteResource(record, deleting));
      this.dropPending(record);
      this.save();
    }
  }

  /**
   * After every resource registered: the old copies of this run's replacements and the resources
   * that left the program are deleted, dependents first. A removed resource whose delete fails
   * stays in the state (deleted again next run); a replaced one stays a pending delete.
   */
  async finish(url?: string): Promise<void> {
    const removed = Object.values(this.state.resources).filter((r) => !this.seen.has(r.urn));
    if (this.opts.preview) {
      for (const r of [...this.state.pendingDeletes, ...removed]) this.plan.push({ urn: r.urn, type: r.type, name: r.name, host: r.host, op: "delete" });
      return;
    }
    const all = [...this.replacedThisRun, ...removed];
    const deleting = new Set(all.map((r) => r.urn));
    for (const record of deleteOrder(all)) {
      await this.run.track(() => this.deleteResource(record, deleting));
      if (this.replacedThisRun.includes(record)) this.dropPending(record);
      else delete this.state.resources[record.urn];
      this.save();
    }
    if (url !== undefined) this.state.url = url;
    this.save();
  }

  /** Closes every connection held since the start of the run (the provider's end of `pulumi up`). */
  async closeHeld(): Promise<void> {
    const sessions = this.held.splice(0).reverse();
    await Promise.all(sessions.map((s) => this.transport().close(s).catch(() => undefined)));
  }
}
