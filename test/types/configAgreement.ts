// Compile-time proof that the configuration interfaces (components/configTypes.ts, what the
// component package's schema is inferred from) and the zod schema (components/render/schema.ts,
// the rules) describe the same keys and types. `tsc --noEmit -p .` fails on any disagreement.
import type { z } from "zod";
import type {
  AppSettings,
  AwsSettings,
  ExistingHost,
  ExistingHosts,
  HstsSettings,
  NginxSettings,
  SysctlSettings,
  TlsSettings,
  UpstreamSettings,
  UwsgiSettings,
  WebTierSettings,
  WebtierStackConfig,
} from "../../components/configTypes";
import type {
  appSchema,
  awsSchema,
  configSchema,
  hostSchema,
  hstsSchema,
  nginxSchema,
  sysctlSchema,
  tlsSchema,
  upstreamSchema,
  uwsgiSchema,
} from "../../components/render/schema";

/** True only when A and B are the same type (optional keys included), not merely assignable. */
export type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
type Input<S extends z.ZodType> = z.input<S>;

// The one deliberate difference: the schema also takes "auto" for nginx.workerProcesses, which is
// what an absent value means, and the schema inference cannot express "auto" | number.
type NginxAsDeclared = Omit<Input<typeof nginxSchema>, "workerProcesses"> & { workerProcesses?: number };

export type ConfigAgreement = [
  Assert<Same<ExistingHost, Input<typeof hostSchema>>>,
  Assert<Same<ExistingHosts, NonNullable<Input<typeof configSchema>["hosts"]>>>,
  Assert<Same<UwsgiSettings, Input<typeof uwsgiSchema>>>,
  Assert<Same<NginxSettings, Flatten<NginxAsDeclared>>>,
  Assert<Same<UpstreamSettings, Input<typeof upstreamSchema>>>,
  Assert<Same<SysctlSettings, Input<typeof sysctlSchema>>>,
  Assert<Same<AppSettings, Input<typeof appSchema>>>,
  Assert<Same<AwsSettings, Input<typeof awsSchema>>>,
  Assert<Same<TlsSettings, Input<typeof tlsSchema>>>,
  Assert<Same<HstsSettings, Input<typeof hstsSchema>>>,
  // `outputs` chooses the program's stack outputs: no component setting.
  Assert<Same<Flatten<WebtierStackConfig>, Flatten<WithNginx<Omit<Input<typeof configSchema>, "outputs">>>>>,
  Assert<Same<Flatten<WebTierSettings>, Flatten<WithNginx<Omit<Input<typeof configSchema>, "hosts" | "bastion" | "rollout" | "aws" | "outputs">>>>>,
];

type Flatten<T> = { [K in keyof T]: T[K] };
type WithNginx<C extends { nginx?: unknown }> = Omit<C, "nginx"> & { nginx?: NginxSettings };

// The check itself can fail: a widened key is caught.
// @ts-expect-error UwsgiSettings with `workers: string` is not the schema's uwsgi.
export type DetectsDifference = Assert<Same<Omit<UwsgiSettings, "workers"> & { workers?: string }, Input<typeof uwsgiSchema>>>;
