// A Transport that reaches no host: it records every call in order, fails dials and commands on
// demand, and says which connections are open.
import type { ConnectionHop } from "../../../lab/engine/inputs";
import type { CopySource } from "../../../lab/engine/source";
import type { ExecResult, Session, Transport } from "../../../lab/engine/transport";

export class FakeTransport implements Transport {
  readonly calls: string[] = [];
  readonly open = new Set<string>();
  /** Host → causes of its next failing dial attempts, in order. */
  readonly dialErrors = new Map<string, string[]>();
  /** Command text → result (default: exit 0, stdout "out:<command>"). */
  readonly results = new Map<string, Partial<ExecResult>>();
  /** Copies that fail, by remotePath. */
  readonly copyErrors = new Map<string, string>();
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

  async exec(session: Session, command: string, stdin: string): Promise<ExecResult> {
    this.calls.push(`exec ${session.label} ${command}${stdin ? ` <<${stdin}` : ""}`);
    const r = this.results.get(command) ?? {};
    const stdout = r.stdout ?? `out:${command}\n`;
    const stderr = r.stderr ?? "";
    return { code: 0, stdout, stderr, combined: stdout + stderr, ...r };
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
