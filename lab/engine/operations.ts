// What the provider does on a host for one resource operation: dial (dial.ts), then run a command
// with its session's environment and streamed output, or copy. The connections a Command opens are
// never closed before the run ends (pulumi-command@v1.2.1 commandOutputs.go `run` has no
// client.Close, and connection.go `Dial` none for the proxy); a CopyToRemote closes its own client
// (copyController.go `copyToRemote`: defer client.Close()) but not its proxy's.
import { sessionEnv, type CommandEnvInputs } from "./commandEnv";
import { connect, type Sleep } from "./dial";
import { commandFailure, progressLine, seconds, stepName } from "./format";
import type { RemoteConnection } from "./inputs";
import { outputLines, type Logging } from "./outputLines";
import type { Action } from "./plan";
import type { CopySource } from "./source";
import type { Session, Transport } from "./transport";

/** What a command's run needs besides its text: the recorded or new inputs, and the previous outputs. */
export interface RunInputs extends CommandEnvInputs {
  stdin?: unknown;
  logging?: Logging;
  source?: CopySource;
  remotePath?: string;
}

export interface OperationCounters {
  remoteCommands: number;
  dialAttempts: number;
}

export class RemoteOperations {
  /** Connections the provider would never close before the run ends: closed by closeHeld(). */
  private readonly held: Session[] = [];

  constructor(
    private readonly transport: Transport | undefined,
    private readonly sleep: Sleep,
    private readonly log: (line: string) => void,
    private readonly counters: OperationCounters,
  ) {}

  get heldConnections(): number {
    return this.held.length;
  }

  private t(): Transport {
    if (!this.transport) throw new Error("a preview dials nothing");
    return this.transport;
  }

  private counting(): Transport {
    const t = this.t();
    return {
      dial: (hop, via) => {
        this.counters.dialAttempts++;
        return t.dial(hop, via);
      },
      acceptedEnv: (s, env) => t.acceptedEnv(s, env),
      exec: (s, c, i, o) => t.exec(s, c, i, o),
      copy: (s, src, p) => t.copy(s, src, p),
      close: (s) => t.close(s),
    };
  }

  /** Runs the action over a fresh connection; undefined when there was nothing to do. */
  async perform(name: string, host: string, action: Action, conn: RemoteConnection, run: RunInputs, what = ""): Promise<Record<string, string> | undefined> {
    if (action.kind === "nothing") return undefined;
    const t = this.t();
    const step = `${stepName(name, host)}${what}`;
    const started = Date.now();
    const failed = (err: unknown): never => {
      this.log(progressLine(host, step, `FAILED after ${seconds(Date.now() - started)}`));
      throw new Error(`${host}: ${step} (${name}): ${(err as Error).message}`);
    };
    let target: Session;
    try {
      target = await connect(this.counting(), conn, this.sleep, (proxy) => this.held.push(proxy));
    } catch (err) {
      return failed(err);
    }
    this.counters.remoteCommands++;
    if (action.kind === "copy") {
      try {
        await t.copy(target, run.source!, String(run.remotePath));
      } catch (err) {
        return failed(err);
      } finally {
        await t.close(target);
      }
      this.log(progressLine(host, step, seconds(Date.now() - started)));
      return {};
    }
    this.held.push(target);
    const say = (level: string) => (m: string) => this.log(`${level}: ${host}: ${step} (${name}): ${m}`);
    let env: Record<string, string>;
    try {
      env = await sessionEnv(t, target, run, { error: say("error"), warning: say("warning") });
    } catch (err) {
      return failed(err);
    }
    const lines = outputLines(run.logging, (line) => this.log(`  ${host} ${step}: ${line}`));
    const r = await t.exec(target, action.command, typeof run.stdin === "string" ? run.stdin : "", { env, onOutput: lines.onOutput });
    lines.end();
    if (r.code !== 0) return failed(new Error(commandFailure(r.code, r.signal, action.command, r.combined)));
    this.log(progressLine(host, step, seconds(Date.now() - started)));
    return { stdout: r.stdout.replace(/\n$/, ""), stderr: r.stderr.replace(/\n$/, "") };
  }

  /** Closes every connection held since the start of the run (the provider's end of `pulumi up`). */
  async closeHeld(): Promise<void> {
    const sessions = this.held.splice(0).reverse();
    await Promise.all(sessions.map((s) => this.t().close(s).catch(() => undefined)));
  }
}
