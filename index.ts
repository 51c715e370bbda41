// The webtier Pulumi program: the only place that reads stack configuration.
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, parseConfig, SECRET_KEYS, toStackConfig, WebtierStack } from "./components";
import { checkStackConfig } from "./components/webtierStackCheck";

const NAMESPACE = "webtier";

/** Every `webtier:*` key of the stack (secrets excluded), so unknown keys are reported too. */
function readWebtierConfig(): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(pulumi.runtime.allConfig())) {
    if (!key.startsWith(`${NAMESPACE}:`)) continue;
    const name = key.slice(NAMESPACE.length + 1);
    if ((SECRET_KEYS as readonly string[]).includes(name)) continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw; // plain strings such as `webtier:balancing: least_conn`
    }
    // Defined, not assigned: `values["__proto__"] = …` would set the prototype and vanish from the
    // keys the validation sees.
    Object.defineProperty(values, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return values;
}

// The SDK knows which keys were set with `--secret` (the language host lists them) but does not
// export the check.
const { isConfigSecret } = require("@pulumi/pulumi/runtime/config") as { isConfigSecret: (key: string) => boolean };

const config = new pulumi.Config(NAMESPACE);
const values = readWebtierConfig();
// Every problem up front, before a resource is registered; on AWS against stand-ins of the
// machines the stack will create (a refusal after them would leave them created).
const checked = checkStackConfig(values);
if (!checked.ok) throw new ConfigError(checked.errors);
const parsed = parseConfig(values);
if (!parsed.config) throw new ConfigError(parsed.errors);

const sshPrivateKey = config.getSecret("sshPrivateKey");
const appEnvironment = config.getSecretObject<Record<string, string>>("appEnvironment");
const tlsKey = config.getSecret("tlsKey");

const stack = new WebtierStack("webtier", {
  config: toStackConfig(parsed.config),
  // `app.source` is relative to the project directory, where Pulumi.<stack>.yaml lives.
  baseDir: process.cwd(),
  ...(sshPrivateKey === undefined ? {} : { sshPrivateKey }),
  ...(appEnvironment === undefined ? {} : { appEnvironment }),
  ...(tlsKey === undefined ? {} : { tlsKey }),
  // A proxy URL set with `pulumi config set --secret` stays secret in every payload and output.
  ...(isConfigSecret(`${NAMESPACE}:aptProxy`) ? { aptProxySecret: true } : {}),
});

export const url = stack.url;
export const nginxAddresses = stack.nginxAddresses;
export const appAddresses = stack.appAddresses;
// Every host's files and command output are large (about 5 KB and 1 KB a host) and the state
// keeps every output: only when asked for. `webtier render` writes the files without a deployment.
export const renderedFiles = parsed.config.outputs?.renderedFiles ? stack.renderedFiles : undefined;
export const stepOutputs = parsed.config.outputs?.stepOutputs ? stack.stepOutputs : undefined;
export const deployKey = stack.deployKey;
export const dnsName = stack.dnsName;
export const tlsCertificate = stack.tlsCertificate;
