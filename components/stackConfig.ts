import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { appDirOf, readAppSource, type AppSource } from "./appSource";
import { checkConfig, type Tuning } from "./render";

/** Config keys that hold secrets: set with `pulumi config set --secret`, never rendered. */
export const SECRET_KEYS = ["sshPrivateKey", "appEnvironment"] as const;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid webtier configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export interface StackFile {
  /** `webtier:*` values with the namespace stripped; secrets left out. */
  values: Record<string, unknown>;
  /** Names of the secret keys present (encrypted in the file). */
  secrets: string[];
  /** Relative paths in the config (app.source) resolve against this directory. */
  baseDir: string;
}

/** Reads a `Pulumi.<stack>.yaml` file: the `webtier:` keys of its `config:` map. */
export function readStackFile(file: string): StackFile {
  const text = fs.readFileSync(file, "utf8");
  const doc = (parse(text) ?? {}) as { config?: Record<string, unknown> };
  const values: Record<string, unknown> = {};
  const secrets: string[] = [];
  for (const [key, value] of Object.entries(doc.config ?? {})) {
    if (!key.startsWith("webtier:")) continue;
    const name = key.slice("webtier:".length);
    if ((SECRET_KEYS as readonly string[]).includes(name)) secrets.push(name);
    else values[name] = value;
  }
  return { values, secrets, baseDir: path.dirname(path.resolve(file)) };
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
