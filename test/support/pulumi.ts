import { gunzipSync } from "node:zlib";
import * as pulumi from "@pulumi/pulumi";

/** Resolves an Output so a test can await it (an expect inside an un-awaited apply never fails). */
export function valueOf<T>(output: pulumi.Output<T> | pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(output).apply((value) => { resolve(value as T); return value; }));
}

export interface RecordedResource {
  type: string;
  name: string;
  inputs: Record<string, any>;
  /** Registration order: when the mock started and finished creating it. */
  started: number;
  finished: number;
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** Strips Pulumi's secret wrappers from mock inputs, recording whether any were found. */
export function unwrapSecrets(value: any): any {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value && typeof value === "object") {
    if (value[SECRET_SIG] !== undefined && "value" in value) return unwrapSecrets(value.value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

export function isSecret(value: any): boolean {
  return Boolean(value && typeof value === "object" && value[SECRET_SIG] !== undefined);
}

/**
 * Installs mocks that record every resource with its inputs and the order it was created in.
 * Creation takes a tick, so a dependent registered too early would show as overlapping.
 * `call` answers only the given functions: any other provider function call fails the test.
 */
export function recordResources(
  outputs: (type: string, name: string, inputs: any) => Record<string, unknown> = () => ({}),
  functions: Record<string, (inputs: any) => Record<string, unknown>> = {},
  options: { preview?: boolean } = {},
) {
  const resources: RecordedResource[] = [];
  let clock = 0;
  pulumi.runtime.setMocks(
    {
      newResource: async (args) => {
        const started = ++clock;
        await new Promise((resolve) => setTimeout(resolve, 1));
        resources.push({ type: args.type, name: args.name, inputs: args.inputs, started, finished: ++clock });
        return { id: `${args.name}-id`, state: { ...args.inputs, ...outputs(args.type, args.name, args.inputs) } };
      },
      call: (args) => {
        const fn = functions[args.token];
        if (!fn) throw new Error(`unexpected provider function call: ${args.token}`);
        return fn(args.inputs);
      },
    },
    "webtier",
    "test",
    options.preview ?? false,
  );
  return resources;
}

/** Waits until no resource has been registered for a while: everything the program declared is in. */
export async function settled(resources: RecordedResource[], quietMs = 100): Promise<void> {
  let seen = -1;
  while (seen !== resources.length) {
    seen = resources.length;
    await new Promise((resolve) => setTimeout(resolve, quietMs));
  }
}

/** The script a remote command's stdin carries (gzip + base64, see encodeBundle). */
export function decodeBundle(stdin: string): string {
  return gunzipSync(Buffer.from(stdin, "base64")).toString("utf8");
}

/** The files a bundle stages, by absolute path (text and base64 here-documents alike). */
export function bundleFiles(script: string): Record<string, string> {
  const files: Record<string, string> = {};
  const pattern = /^stage_file (\S+) (cat|base64 -d) <<'(WEBTIER_EOF|WEBTIER_BASE64)'\n([\s\S]*?)^\3$/gm;
  for (const [, file, decoder, , body] of script.matchAll(pattern)) {
    files[file!.replace(/^'|'$/g, "")] = decoder === "cat" ? body! : Buffer.from(body!, "base64").toString("utf8");
  }
  return files;
}
