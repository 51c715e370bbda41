// The variables a Command's session asks for, as the provider sets them (pulumi-command@v1.2.1
// provider/pkg/provider/remote/commandOutputs.go `run`, `logAndWrapSetenvErr`): first each of
// `environment` with session.Setenv, whose refusal (sshd without a matching AcceptEnv answers the
// "env" request with failure; golang/crypto@v0.48.0 ssh/session.go `Setenv`: "ssh: setenv failed")
// is logged as an error and FAILS the command before it runs; then, unless addPreviousOutputInEnv
// is false, the previous stdout/stderr (non-empty only on update and delete), whose refusal is a
// warning. Go iterates a map in random order: the lab asks in key order.
import type { Session, Transport } from "./transport";

export const PULUMI_COMMAND_STDOUT = "PULUMI_COMMAND_STDOUT";
export const PULUMI_COMMAND_STDERR = "PULUMI_COMMAND_STDERR";

export interface CommandEnvInputs {
  environment?: Record<string, string>;
  addPreviousOutputInEnv?: boolean;
  /** The outputs the provider's state carries into this run (update, delete); empty on create. */
  previous?: { stdout?: string; stderr?: string };
}

/** The provider's log message for a refused variable (a Go raw string: the line breaks and tabs are in it). */
export function setenvRefusedMessage(key: string): string {
  return `Unable to set '${key}'. This only works if your SSH server is configured to accept
\tthese variables via AcceptEnv. Alternatively, if a Bash-like shell runs the command on the remote host, you could
\tprefix the command itself with the variables in the form 'VAR=value command'`;
}

export const setenvFailure = (key: string) => `could not set environment variable ${JSON.stringify(key)}: ssh: setenv failed`;

/** The requests, in the provider's order: `environment` (required), then the previous outputs (optional). */
export function envRequests(inputs: CommandEnvInputs): { required: Record<string, string>; optional: Record<string, string> } {
  const required = Object.fromEntries(Object.entries(inputs.environment ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)));
  const optional: Record<string, string> = {};
  if (inputs.addPreviousOutputInEnv !== false) {
    if (inputs.previous?.stdout) optional[PULUMI_COMMAND_STDOUT] = inputs.previous.stdout;
    if (inputs.previous?.stderr) optional[PULUMI_COMMAND_STDERR] = inputs.previous.stderr;
  }
  return { required, optional };
}

/**
 * The environment the command runs with. Throws the provider's error for the first refused
 * `environment` variable; a refused previous output is only logged.
 */
export async function sessionEnv(
  t: Transport, session: Session, inputs: CommandEnvInputs, log: { error: (m: string) => void; warning: (m: string) => void },
): Promise<Record<string, string>> {
  const { required, optional } = envRequests(inputs);
  const asked = { ...required, ...optional };
  if (Object.keys(asked).length === 0) return {};
  const accepted = new Set(await t.acceptedEnv(session, asked));
  for (const key of Object.keys(required)) {
    if (!accepted.has(key)) {
      log.error(setenvRefusedMessage(key));
      throw new Error(setenvFailure(key));
    }
  }
  for (const key of Object.keys(optional)) if (!accepted.has(key)) log.warning(setenvRefusedMessage(key));
  return Object.fromEntries(Object.entries(asked).filter(([k]) => accepted.has(k)));
}
