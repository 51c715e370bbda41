import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { appDirOf, readAppSource, type AppSource } from "./appSource";
import { checkConfig, renderEnvironmentFile, type Tuning } from "./render";
import { show } from "./render/messages";

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid webtier configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Config keys that hold secrets: set with `pulumi config set --secret`, never rendered. */
export const SECRET_KEYS = ["sshPrivateKey", "appEnvironment", "tlsKey"] as const;

export interface StackFile {
  /** `webtier:*` values with the namespace stripped; secrets left out. */
  values: Record<string, unknown>;
  /** Names of the secret keys present (encrypted or not). */
  secrets: string[];
  /** Relative paths in the config (app.source) resolve against this directory. */
  baseDir: string;
  /** Plaintext secrets that break the program's rules (the file itself parsed). */
  errors: string[];
  /** Secrets found in plaintext: they belong in `pulumi config set --secret`. */
  warnings: string[];
}

/** Pulumi writes an encrypted value as `{ secure: <ciphertext> }`. */
function isEncrypted(value: unknown): boolean {
  return value !== null && typeof value === "object" && Object.keys(value).length === 1 && "secure" in value;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

// The same rules the program applies when it renders /etc/webtier/app.env (renderEnvironmentFile);
// values set with `--secret --path` stay encrypted and are skipped.
function checkAppEnvironment(value: unknown): string[] {
  if (!isMap(value)) return [`appEnvironment (${show(value)}) must be a map of NAME: value`];
  const plain = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isEncrypted(v) ? "" : String(v)]));
  return renderEnvironmentFile(plain).errors;
}

function plaintextSecrets(name: string, value: unknown): { plaintext: boolean; errors: string[] } {
  if (isEncrypted(value)) return { plaintext: false, errors: [] };
  if (name === "appEnvironment") {
    const plaintext = !isMap(value) || Object.values(value).some((v) => !isEncrypted(v));
    return { plaintext, errors: checkAppEnvironment(value) };
  }
  return { plaintext: true, errors: typeof value === "string" ? [] : [`${name} (secret) must be a string`] };
}

/** The `config:` map of a stack file; ConfigError when the file is not YAML or has none. */
function configMap(file: string, text: string): Record<string, unknown> {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    // The parser's first line names the problem, its line and column; the rest is an excerpt.
    throw new ConfigError(doc.errors.map((err) => `${file}: ${err.message.split("\n")[0]}`));
  }
  const root: unknown = doc.toJS();
  const config = isMap(root) ? root.config : undefined;
  if (isMap(config)) return config;
  const found = config === undefined ? "unset" : show(config);
  throw new ConfigError([`config (${found}) must be a map in ${file}: a Pulumi stack file holds the webtier:* keys under config:`]);
}

/** Reads a `Pulumi.<stack>.yaml` file: the `webtier:` keys of its `config:` map. */
export function readStackFile(file: string): StackFile {
  const baseDir = path.dirname(path.resolve(file));
  const config = configMap(file, fs.readFileSync(file, "utf8"));
  const values: Record<string, unknown> = {};
  const secrets: string[] = [];
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (!key.startsWith("webtier:")) continue;
    const name = key.slice("webtier:".length);
    if ((SECRET_KEYS as readonly string[]).includes(name)) {
      secrets.push(name);
      const found = plaintextSecrets(name, value);
      if (found.plaintext) warnings.push(`${name} (plaintext in ${file}) should be set with pulumi config set --secret webtier:${name}`);
      errors.push(...found.errors);
      continue;
    }
    // Defined, not assigned: `values["__proto__"] = …` would replace the prototype, not add the key.
    Object.defineProperty(values, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return { values, secrets, baseDir, errors, warnings };
}

export interface PreparedStack {
  tuning: Tuning;
  warnings: string[];
  app: AppSource;
}

/**
 * Validates a `webtier:*` config object and reads the application it names. Throws ConfigError
 * listing every problem; nothing is rendered or pushed from an invalid config.
 */
export function prepareStack(values: unknown, baseDir: string): PreparedStack {
  const result = checkConfig(values);
  if (!result.ok) throw new ConfigError(result.errors);
  const source = result.tuning.app.source;
  const dir = appDirOf(source, baseDir);
  let app: AppSource;
  try {
    app = readAppSource(dir);
  } catch (err) {
    throw new ConfigError([(err as Error).message]);
  }
  return { tuning: result.tuning, warnings: result.warnings, app };
}
