// The `webtier:*` configuration a lab deploy runs with: the user's stack settings (app, tuning)
// plus what the lab supplies — its hosts in existing-hosts mode, pinned host keys, the bastion and
// the apt proxy. The same object a `Pulumi.<stack>.yaml` would hold for these machines.
import type { LabHost, LabState } from "./hosts/state";

/** Keys that describe where webtier deploys: the lab decides them, a stack file may not. */
export const LAB_SUPPLIED_KEYS = ["hosts", "bastion", "aws"] as const;

export interface LabConfig {
  /** `webtier:*` values, namespace stripped (secrets separate). */
  values: Record<string, unknown>;
  warnings: string[];
}

function hostEntry(h: LabHost, hostKey: string): Record<string, unknown> {
  return {
    name: h.name,
    address: h.address,
    ...(h.role === "nginx" ? { privateAddress: h.privateAddress } : {}),
    user: h.user,
    ...(h.port === 22 ? {} : { port: h.port }),
    hostKey,
  };
}

/** Throws when the settings name hosts themselves (checked before any host is booted). */
export function assertLabSettings(settings: Record<string, unknown>): void {
  const supplied = LAB_SUPPLIED_KEYS.filter((k) => settings[k] !== undefined);
  if (supplied.length > 0) {
    throw new Error(`${supplied.map((k) => `${k} (set)`).join(", ")}: the lab supplies the hosts; remove ${supplied.join(", ")} from the stack config`);
  }
}

/**
 * The lab's hosts (nginx hosts by public address with their private one, app hosts by private
 * address, reached through the bastion) merged with the user's settings. `hostKeys` overrides a
 * host's pinned key (tests pin a wrong one to prove the deploy refuses it); `retire` lists hosts
 * leaving the lab that are still running, to be returned to plain Debian.
 */
export function labStackConfig(
  state: LabState,
  settings: Record<string, unknown> = {},
  hostKeys: Record<string, string> = {},
  retire: LabHost[] = [],
): LabConfig {
  assertLabSettings(settings);
  const warnings: string[] = [];
  if (settings.aptProxy !== undefined && settings.aptProxy !== state.proxy) {
    warnings.push(`aptProxy (${String(settings.aptProxy)}) is replaced by the lab's proxy ${state.proxy}: lab hosts reach Debian only through it`);
  }
  const entries = (role: LabHost["role"]) =>
    state.hosts.filter((h) => h.role === role).map((h) => hostEntry(h, hostKeys[h.name] ?? h.hostKey));
  return {
    values: {
      ...settings,
      hosts: {
        nginx: entries("nginx"),
        app: entries("app"),
        ...(retire.length > 0 ? { retire: retire.map((h) => hostEntry(h, hostKeys[h.name] ?? h.hostKey)) } : {}),
      },
      bastion: state.bastion,
      aptProxy: state.proxy,
    },
    warnings,
  };
}
