// The lab's deployment engine: what `pulumi up` and the command provider do with the program's
// remote resources, on real hosts through a Transport. One engine per program run: a preview run
// (plans, checks, dials nothing, answers changing outputs as unknown) or an apply run (each
// resource as it registers — the SDK registers a resource only after its dependencies, so the
// program's dependency order is the execution order — at most `parallel` at a time, then every
// delete: pending ones, replaced ones, removed ones). Decisions live in plan.ts and dial.ts, work
// on hosts in operations.ts; this file sequences them and records the state. The @pulumi/tls
// resources are local (tlsResources.ts): generated here, kept only in the state.
import { checkRemoteResource, describeCheckFailure } from "./check";
import { realSleep, type Sleep } from "./dial";
import { progressLine, stepName, type PlannedStep } from "./format";
import { COMMAND, COPY, unwrapSecrets, withDefaults, type RemoteConnection } from "./inputs";
import { RemoteOperations, type RunInputs } from "./operations";
import type { Logging } from "./outputLines";
import { defaultParallel, Slots } from "./parallelism";
import { actionFor, deleteAction, deleteOrder, deleteSkipped, diffResource } from "./plan";
import { resolveSource, sourceRecord } from "./source";
import { emptyState, readDeployState, writeDeployState, DEPLOY_STATE_FILE, type DeployState, type ResourceRecord } from "./state";
import { RunTracker } from "./runTracker";
import { registerTls } from "./tlsRegistration";
import { checkTlsResource, isTlsResource } from "./tlsResources";
import type { Transport } from "./transport";

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
  /** Resource operations at once (`pulumi up --parallel`); default PULUMI_PARALLEL, else 4 × CPUs. */
  parallel?: number;
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
  private readonly replacedThisRun: ResourceRecord[] = [];
  private readonly ops: RemoteOperations;
  private readonly slots: Slots;
  private seq = 0;

  constructor(private readonly opts: EngineOptions) {
    this.stateFile = opts.stateFile ?? DEPLOY_STATE_FILE;
    this.ops = new RemoteOperations(opts.transport, opts.sleep ?? realSleep, opts.log, this.stats);
    this.slots = new Slots(opts.parallel ?? defaultParallel());
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
    return this.ops.heldConnections;
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
    // Each step takes one of the step executor's workers (pulumi@v3.248.0 step_executor.go `worker`).
    return this.run.track(() => this.slots.run(() => this.registerResource(r)));
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
    const source = r.type === COPY ? await resolveSource(raw.source) : undefined;
    const old = this.state.resources[r.urn];
    const goal: Record<string, unknown> = source ? { ...raw, source: sourceRecord(source) } : raw;
    // As the engine does before the diff (pulumi@v3.248.0 step_generator.go `processIgnoreChanges`):
    // an ignored input of an existing resource takes its old value, for the diff and the update.
    const ignoring = { ...goal };
    for (const key of old ? r.ignoreChanges ?? [] : []) ignoring[key] = old!.inputs[key];
    const { op } = diffResource(old?.inputs, ignoring, r.replaceOnChanges);
    // A replacement is checked again with the program's inputs, ignoreChanges NOT applied
    // (step_generator.go `continueStepsFromDiff`: prov.Check with goal.Properties): the new
    // resource gets the new inputs in full.
    const news = op === "replace" ? goal : ignoring;
    const host = this.hostOf(news.connection as RemoteConnection | undefined);
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
    const outputs = (await this.ops.perform(r.name, host, action, withDefaults(news.connection as RemoteConnection), {
      ...runInputs(news), source, ...(op === "update" ? { previous: old!.outputs } : {}),
    })) ??
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

  /** The provider's Delete: the recorded `delete` with the recorded inputs (old connection, old stdin). */
  private async deleteResource(record: ResourceRecord, deleting: ReadonlySet<string>): Promise<void> {
    if (isTlsResource(record.type)) {
      // The provider's Delete is a no-op: the state forgets the resource.
    } else if (deleteSkipped(record, deleting)) {
      this.opts.log(progressLine(record.host, `${stepName(record.name, record.host)} (delete)`, `skipped: deleted with ${record.deletedWith!.split("::").pop()}`));
    } else {
      // commandController.go `Delete`: props.run with the recorded state, outputs included.
      const run = { ...runInputs(record.inputs), previous: record.outputs };
      await this.ops.perform(record.name, record.host, deleteAction(record), withDefaults(record.inputs.connection as RemoteConnection), run, " (delete)");
    }
    this.stats.deleted++;
  }

  private dropPending(record: ResourceRecord): void {
    this.state.pendingDeletes = this.state.pendingDeletes.filter((r) => r !== record);
  }

  /**
   * Apply runs start here. Nothing happens before the first registration: deletes left pending by
   * earlier runs are retried with the other deletes, after every registration (finish()).
   */
  async begin(): Promise<void> {}

  /**
   * After every resource registered, the deletes, dependents first (pulumi@v3.248.0
   * deployment_executor.go `performPostSteps` → step_generator.go `GenerateDeletes`: resources
   * marked Delete — pending deletes of earlier runs and the old copies of this run's replacements —
   * and resources that left the program). A removed resource whose delete fails stays in the state
   * (deleted again next run); a replaced one stays a pending delete.
   */
  async finish(url?: string): Promise<void> {
    const removed = Object.values(this.state.resources).filter((r) => !this.seen.has(r.urn));
    const earlier = this.state.pendingDeletes.filter((r) => !this.replacedThisRun.includes(r));
    if (this.opts.preview) {
      for (const r of [...earlier, ...removed]) this.plan.push({ urn: r.urn, type: r.type, name: r.name, host: r.host, op: "delete" });
      return;
    }
    const all = [...earlier, ...this.replacedThisRun, ...removed];
    const deleting = new Set(all.map((r) => r.urn));
    for (const record of deleteOrder(all)) {
      await this.run.track(() => this.slots.run(() => this.deleteResource(record, deleting)));
      if (removed.includes(record)) delete this.state.resources[record.urn];
      else this.dropPending(record);
      this.save();
    }
    if (url !== undefined) this.state.url = url;
    this.save();
  }

  /** Closes every connection held since the start of the run (the provider's end of `pulumi up`). */
  closeHeld(): Promise<void> {
    return this.ops.closeHeld();
  }
}

/** A Command's inputs that shape its run besides the command text. */
function runInputs(inputs: Record<string, unknown>): RunInputs {
  return {
    stdin: inputs.stdin, environment: inputs.environment as Record<string, string> | undefined,
    addPreviousOutputInEnv: inputs.addPreviousOutputInEnv as boolean | undefined, logging: inputs.logging as Logging | undefined,
    remotePath: inputs.remotePath as string | undefined,
  };
}
