// A Transport that reaches no host: it records every call in order, fails dials and commands on
// demand, refuses environment variables like sshd without AcceptEnv, streams output, and says
// which connections are open and how many commands ran at once.
import type { ConnectionHop } from "../../../lab/engine/inputs";
import type { CopySource } from "../../../lab/engine/source";
import type { ExecOptions, ExecResult, Session, Transport } from "../../../lab/engine/transport";

export interface FakeResult extends Partial<ExecResult> {
  /** Output as it arrives, in order (default: stdout, then stderr). */
  chunks?: ["stdout" | "stderr", string][];
}

export class FakeTransport implements Transport {
  readonly calls: string[] = [];
  readonly open = new Set<string>();
  /** Host → causes of its next failing dial attempts, in order. */
  readonly dialErrors = new Map<string, string[]>();
  /** Command text → result (default: exit 0, stdout "out:<command>"). */
  readonly results = new Map<string, FakeResult>();
  /** Copies that fail, by remotePath. */
  readonly copyErrors = new Map<string, string>();
  /** Variable names the server refuses (no AcceptEnv for them). */
  readonly refusedEnv = new Set<string>();
  /** Awaited by every command before it returns (to hold commands running). */
  execGate: () => Promise<void> = async () => undefined;
  /** The most commands that ran at the same time. */
  maxConcurrentExecs = 0;
  private running = 0;
  private seq = 0;

  async dial(hop: ConnectionHop, via?: Session): Promise<Session> {
    const where = `${hop.user}@${hop.host}${via ? ` via ${via.label}` : ""}`;
    const error = this.dialErrors.get(hop.host)?.shift();
    this.calls.push(`dial ${where}${error ? ` FAILS ${error}` : ""}`);
    if (error) throw new Error(error);
    const label = `#${++this.seq}`;
    this.open.add(label);
    return { label };
  }

  async acceptedEnv(session: Session, env: Record<string, string>): Promise<string[]> {
    this.calls.push(`env ${session.label} ${Object.keys(env).join(",")}`);
    return Object.keys(env).filter((k) => !this.refusedEnv.has(k));
  }

  async exec(session: Session, command: string, stdin: string, options: ExecOptions = {}): Promise<ExecResult> {
    const env = Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`).join(" ");
    this.calls.push(`exec ${session.label} ${command}${stdin ? ` <<${stdin}` : ""}${env ? ` [${env}]` : ""}`);
    this.maxConcurrentExecs = Math.max(this.maxConcurrentExecs, ++this.running);
    try {
      await this.execGate();
    } finally {
      this.running--;
    }
    const r = this.results.get(command) ?? {};
    const stdout = r.stdout ?? `out:${command}\n`;
    const stderr = r.stderr ?? "";
    for (const [stream, text] of r.chunks ?? [["stdout", stdout], ["stderr", stderr]]) if (text) options.onOutput?.(stream, text);
    const { chunks: _, ...result } = r;
    return { code: 0, stdout, stderr, combined: stdout + stderr, ...result };
  }

  async copy(session: Session, source: CopySource, remotePath: string): Promise<void> {
    this.calls.push(`copy ${session.label} ${source.kind}:${source.kind === "text" ? source.text : source.path} -> ${remotePath}`);
    const error = this.copyErrors.get(remotePath);
    if (error) throw new Error(error);
  }

  async close(session: Session): Promise<void> {
    this.calls.push(`close ${session.label}`);
    this.open.delete(session.label);
  }
}
