// What the engine needs from a way of reaching hosts. The engine decides (plan.ts, dial.ts); a
// transport only performs one dial attempt, one command or one copy. Unit tests use a fake one.
import type { ConnectionHop } from "./inputs";
import type { CopySource } from "./source";

/** An established SSH connection (opaque to the engine). */
export interface Session {
  readonly label: string;
}

export interface ExecResult {
  /** Exit status; undefined when the command died of a signal. */
  code: number | undefined;
  signal?: string;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they arrived (what the provider puts in its error). */
  combined: string;
}

export interface Transport {
  /** One dial attempt: TCP connect (bounded by hop.perDialTimeout) + SSH handshake; rejects with the cause. */
  dial(hop: ConnectionHop, via?: Session): Promise<Session>;
  /** Runs `command` in a new session channel; stdin is sent only when non-empty. */
  exec(session: Session, command: string, stdin: string): Promise<ExecResult>;
  /** Copies like the provider's SFTP copy; rejects with the provider-like reason. */
  copy(session: Session, source: CopySource, remotePath: string): Promise<void>;
  close(session: Session): Promise<void>;
}
