import * as pulumi from "@pulumi/pulumi";
import { afterAll, afterEach } from "vitest";
import { failedBefore, recordFailures, takeUnreported, untilFailure } from "./failures";
import { drained, stalled } from "./progress";

// What the mocks record is read with these.
export { bundleFiles, decodeBundle } from "./bundles";
export { isSecret, SECRET_SIG, SECRET_VALUE, unwrapSecrets } from "./secrets";

export interface RecordedResource {
  type: string;
  name: string;
  inputs: Record<string, any>;
  /** Registration order: when the mock started creating it, and when it finished (0 until then). */
  started: number;
  finished: number;
}

type Outputs = (type: string, name: string, inputs: any) => Record<string, unknown>;

export interface MockOptions {
  /** State a created resource answers with on top of its inputs. */
  outputs?: Outputs;
  /** The provider functions the program may call; any other call fails the test. */
  functions?: Record<string, (inputs: any) => Record<string, unknown>>;
  /** Run as `pulumi preview`. */
  preview?: boolean;
  /** How long creating a resource takes (ms); default 1, so a dependent registered too early overlaps it. */
  delayMs?: (type: string, name: string) => number;
  /** The id a created resource gets; default `<name>-id`. */
  id?: (type: string, name: string) => string;
}

export interface PulumiMocks {
  /** Every registration, recorded the moment the mock is asked to create it. */
  readonly resources: RecordedResource[];
  /** Registrations the mock has started and not yet finished. */
  inFlight(): number;
  /**
   * Resolves once the program has nothing left to register: every registration it declared has
   * finished and nothing is in flight. Should something fail (an apply that threw, a mock or a
   * call that failed), rejects with that failure once the program registered all it still could;
   * from then on, what waits on the failed resource never finishes, and idle means nothing moves.
   */
  idle(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let installed: PulumiMocks | undefined;

/** Installs the Pulumi mocks for this test file (mocks are process-global; each file has its own fork). */
export function mockPulumi(options: MockOptions = {}): PulumiMocks {
  const resources: RecordedResource[] = [];
  let clock = 0;
  let running = 0;
  const delayMs = options.delayMs ?? (() => 1);
  pulumi.runtime.setMocks(
    {
      newResource: async (args) => {
        const record: RecordedResource = { type: args.type, name: args.name, inputs: args.inputs, started: ++clock, finished: 0 };
        resources.push(record);
        running++;
        try {
          const ms = delayMs(args.type, args.name);
          if (ms > 0) await sleep(ms);
          const state = { ...args.inputs, ...options.outputs?.(args.type, args.name, args.inputs) };
          return { id: options.id?.(args.type, args.name) ?? `${args.name}-id`, state };
        } finally {
          record.finished = ++clock;
          running--;
        }
      },
      call: (args) => {
        const fn = options.functions?.[args.token];
        if (!fn) {
          // The SDK passes on only a gRPC error's `details`.
          const message = `unexpected provider function call: ${args.token}`;
          throw Object.assign(new Error(message), { details: message });
        }
        return fn(args.inputs);
      },
    },
    "webtier",
    "test",
    options.preview ?? false,
  );
  recordFailures();
  const inFlight = () => running;
  const recorded = () => resources.length;
  const idle = async () => {
    // After a failure some RPCs may never finish: then all that can happen has once nothing moves.
    const finished = failedBefore() ? stalled(inFlight, recorded) : drained(inFlight);
    try {
      await untilFailure(finished);
    } catch (failure) {
      await stalled(inFlight, recorded);
      throw failure;
    }
  };
  installed = { resources, inFlight, idle };
  return installed;
}

// A failure no test awaited fails the test it happened in rather than vanishing; the SDK's other
// reports of a failure arrive while the program runs on.
async function failUnreported(): Promise<void> {
  if (installed) await stalled(installed.inFlight, () => installed!.resources.length);
  const missed = takeUnreported();
  if (missed.length > 0) throw missed[0];
}
afterEach(failUnreported);
afterAll(failUnreported);

/** The logical name the SDK keeps on a resource object: what options are matched against in tests. */
export function nameOf(resource: unknown): string | undefined {
  return (resource as { __name?: string } | undefined)?.__name;
}

/**
 * A resource transformation that records each registration's parent by `<type> <name>`: it runs in
 * the SDK, so it sees the options the mocks do not.
 */
export function parentRecorder(): { transformation: pulumi.ResourceTransformation; parents: Map<string, string | undefined> } {
  const parents = new Map<string, string | undefined>();
  const transformation: pulumi.ResourceTransformation = (a) => {
    parents.set(`${a.type} ${a.name}`, nameOf(a.opts.parent));
    return undefined;
  };
  return { transformation, parents };
}

/** Resolves an Output so a test can await it; rejects with the error of an apply it depends on. */
export function valueOf<T>(value: pulumi.Input<T>): Promise<T> {
  const output = pulumi.output(value) as unknown as { promise(): Promise<T> };
  return untilFailure(output.promise());
}
