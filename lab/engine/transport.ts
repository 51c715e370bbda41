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

/** Output of a running command as it arrives (the provider streams it to the log). */
export type OutputListener = (stream: "stdout" | "stderr", text: string) => void;

export interface ExecOptions {
  /** Variables the server accepted (see acceptedEnv): set on the command's session. */
  env?: Record<string, string>;
  onOutput?: OutputListener;
}

/** x/crypto ssh NewClientConn's prefix: a dial error with it failed after the TCP connect. */
export const HANDSHAKE_FAILED = "ssh: handshake failed: ";

export interface Transport {
  /**
   * One dial attempt: TCP connect (directly bounded by hop.perDialTimeout, nothing else is) + SSH
   * handshake. Rejects with the provider's wording: a failure after the TCP connect (banner,
   * key exchange, host key, auth) starts with HANDSHAKE_FAILED; a TCP connect or tunnel open does not.
   */
  dial(hop: ConnectionHop, via?: Session): Promise<Session>;
  /**
   * Which of `env` the server accepts on a session (the provider's session.Setenv per variable:
   * sshd without a matching AcceptEnv answers failure). Names in the order asked.
   */
  acceptedEnv(session: Session, env: Record<string, string>): Promise<string[]>;
  /** Runs `command` in a new session channel; stdin is sent only when non-empty. */
  exec(session: Session, command: string, stdin: string, options?: ExecOptions): Promise<ExecResult>;
  /** Copies like the provider's SFTP copy; rejects with the provider-like reason. */
  copy(session: Session, source: CopySource, remotePath: string): Promise<void>;
  close(session: Session): Promise<void>;
}
