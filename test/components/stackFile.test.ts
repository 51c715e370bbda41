import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, prepareStack, readStackFile, SECRET_KEYS } from "../../components/stackConfig";
import { toStackConfig } from "../../components/configTypes";

// Reading a Pulumi.<stack>.yaml in process, as `webtier render` and `webtier lab up` do (their
// exit codes and output are in test/cli).

const work = fs.mkdtempSync(path.join(os.tmpdir(), "webtier-stackfile-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function stackFile(name: string, text: string): string {
  const file = path.join(work, name);
  fs.writeFileSync(file, text);
  return file;
}

function configErrorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error("no ConfigError");
}

describe("readStackFile", () => {
  it("keeps the webtier: keys without their namespace, resolving paths against the file's directory", () => {
    const file = stackFile("Pulumi.plain.yaml", "config:\n  aws:region: eu-west-1\n  webtier:balancing: random\n  webtier:uwsgi:\n    workers: 4\n  webtierx:y: 1\n");
    expect(readStackFile(file)).toEqual({ values: { balancing: "random", uwsgi: { workers: 4 } }, secrets: [], baseDir: work, errors: [], warnings: [] });
  });

  it("leaves the secret keys out of the values, warning about each one in plaintext", () => {
    expect(SECRET_KEYS).toEqual(["sshPrivateKey", "appEnvironment", "tlsKey"]);
    const file = stackFile(
      "Pulumi.secrets.yaml",
      "config:\n  webtier:sshPrivateKey: key\n  webtier:tlsKey:\n    secure: v1:AAAA\n  webtier:appEnvironment:\n    A: '1'\n    B:\n      secure: v1:BBBB\n",
    );
    expect(readStackFile(file)).toEqual({
      values: {},
      secrets: ["sshPrivateKey", "tlsKey", "appEnvironment"],
      baseDir: work,
      errors: [],
      warnings: [
        `sshPrivateKey (plaintext in ${file}) should be set with pulumi config set --secret webtier:sshPrivateKey`,
        `appEnvironment (plaintext in ${file}) should be set with pulumi config set --secret webtier:appEnvironment`,
      ],
    });
  });

  it("treats an appEnvironment whose every value is encrypted as secret, and checks the plaintext ones' names and values", () => {
    const encrypted = stackFile("Pulumi.envsecure.yaml", "config:\n  webtier:appEnvironment:\n    A:\n      secure: v1:A\n    B:\n      secure: v1:B\n");
    expect(readStackFile(encrypted)).toMatchObject({ secrets: ["appEnvironment"], errors: [], warnings: [] });
    const bad = stackFile("Pulumi.envbad.yaml", 'config:\n  webtier:appEnvironment:\n    BAD-NAME: x\n    OK: "a\\nb"\n    N: 3\n');
    expect(readStackFile(bad)).toMatchObject({
      errors: ["appEnvironment.BAD-NAME is not a valid environment variable name", "appEnvironment.OK (secret) must not contain a newline or NUL"],
      warnings: [`appEnvironment (plaintext in ${bad}) should be set with pulumi config set --secret webtier:appEnvironment`],
    });
  });

  it("refuses secrets of the wrong shape without showing them", () => {
    const file = stackFile("Pulumi.shape.yaml", "config:\n  webtier:tlsKey: [a, b]\n  webtier:appEnvironment: just-a-string\n  webtier:sshPrivateKey:\n    secure: x\n    other: y\n");
    expect(readStackFile(file)).toMatchObject({
      errors: ["tlsKey (secret) must be a string", "appEnvironment (just-a-string) must be a map of NAME: value", "sshPrivateKey (secret) must be a string"],
    });
    const nulls = stackFile("Pulumi.null.yaml", "config:\n  webtier:tlsKey: null\n");
    expect(readStackFile(nulls).errors).toEqual(["tlsKey (secret) must be a string"]);
  });

  it("adds __proto__ as a key of its own instead of replacing the prototype", () => {
    const file = stackFile("Pulumi.proto.yaml", "config:\n  webtier:__proto__:\n    balancing: random\n");
    const { values } = readStackFile(file);
    expect(Object.keys(values)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(values)).toBe(Object.prototype);
  });

  it("refuses a file that is not YAML, has a key twice or has no config: map", () => {
    const syntax = stackFile("Pulumi.syntax.yaml", "config:\n  webtier:balancing: [least_conn\n  webtier:uwsgi: {}\n");
    expect(configErrorOf(() => readStackFile(syntax)).problems).toEqual([
      `${syntax}: Flow sequence in block collection must be sufficiently indented and end with a ] at line 3, column 3:`,
    ]);
    const twice = stackFile("Pulumi.twice.yaml", "config:\n  webtier:balancing: random\n  webtier:balancing: least_conn\n");
    expect(configErrorOf(() => readStackFile(twice)).problems).toEqual([`${twice}: Map keys must be unique at line 3, column 3:`]);
    const list = stackFile("Pulumi.list.yaml", "config: [a, b]\n");
    const error = configErrorOf(() => readStackFile(list));
    expect(error.problems).toEqual([`config (["a","b"]) must be a map in ${list}: a Pulumi stack file holds the webtier:* keys under config:`]);
    expect(error.name).toBe("ConfigError");
    expect(error.message).toBe(`invalid webtier configuration:\n  - config (["a","b"]) must be a map in ${list}: a Pulumi stack file holds the webtier:* keys under config:`);
    const empty = stackFile("Pulumi.empty.yaml", "");
    expect(configErrorOf(() => readStackFile(empty)).problems).toEqual([
      `config (unset) must be a map in ${empty}: a Pulumi stack file holds the webtier:* keys under config:`,
    ]);
  });
});

describe("prepareStack", () => {
  const hosts = { nginx: [{ name: "lb-1", address: "10.0.0.1" }], app: [{ name: "app-1", address: "10.0.1.1" }] };

  it("reads the app directory relative to the stack file's directory and passes the configuration's warnings on", () => {
    fs.mkdirSync(path.join(work, "site"), { recursive: true });
    fs.writeFileSync(path.join(work, "site", "wsgi.py"), "application = None\n");
    const prepared = prepareStack({ hosts, app: { source: "site" } }, work);
    expect(prepared.app.dir).toBe(path.join(work, "site"));
    expect(prepared.app.files).toEqual(["wsgi.py"]);
    expect(prepared.tuning.app.source).toBe("site");
    expect(prepared.warnings).toEqual([
      "hosts.nginx[0].hostKey (unset): SSH to lb-1 accepts any host key; pin it",
      "hosts.app[0].hostKey (unset): SSH to app-1 accepts any host key; pin it",
      "upstream.maxFails (3) has no effect with a single app host: nginx ignores it",
    ]);
  });

  it("lists every problem of the configuration, and an app directory that cannot be read", () => {
    expect(configErrorOf(() => prepareStack({ hosts, balancing: "fastest", uwsgi: { workers: 0 } }, work)).problems).toEqual([
      "balancing (fastest) must be one of round_robin, least_conn, ip_hash, hash, random",
      "uwsgi.workers (0) must be a positive integer",
    ]);
    expect(configErrorOf(() => prepareStack({ hosts, app: { source: "missing" } }, work)).problems).toEqual([
      `app.source (${path.join(work, "missing")}) must be a directory`,
    ]);
  });
});

describe("toStackConfig", () => {
  it("drops nginx.workerProcesses auto, the stack's default, and keeps a number", () => {
    expect(toStackConfig({ balancing: "random" })).toStrictEqual({ balancing: "random" });
    expect(toStackConfig({ nginx: { workerProcesses: "auto", port: 8080 } })).toStrictEqual({ nginx: { port: 8080 } });
    expect(toStackConfig({ nginx: { workerProcesses: 4 } })).toStrictEqual({ nginx: { workerProcesses: 4 } });
    expect(toStackConfig({ nginx: { port: 8080 } })).toStrictEqual({ nginx: { port: 8080 } });
  });
});
