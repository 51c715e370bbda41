// Installs the engine as the Pulumi runtime's resource monitor. `setMocks` would hand the engine
// only type, name and inputs; the options Pulumi's engine acts on (dependencies, deletedWith,
// deleteBeforeReplace, replaceOnChanges, parent) are only in the RegisterResourceRequest, so this
// monitor extends the SDK's MockMonitor and answers registerResource itself. Installed like
// `setMocks` does (runtime/mocks.js): setMockOptions + the same store flags. It also applies
// `additionalSecretOutputs`, as Pulumi's engine does.
import type { DeployEngine } from "./engine";
import { SECRET_SIG, SECRET_VALUE } from "./inputs";

const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks") as { MockMonitor: new (mocks: unknown) => any };
const settings = require("@pulumi/pulumi/runtime/settings") as {
  setMockOptions: (monitor: unknown, project: string, stack: string, preview: boolean) => void;
};
const { getStore } = require("@pulumi/pulumi/runtime/state") as { getStore: () => Record<string, unknown> };
const rpc = require("@pulumi/pulumi/runtime/rpc") as {
  deserializeProperties: (struct: unknown) => Record<string, unknown>;
  serializeProperties: (label: string, props: Record<string, unknown>) => Promise<Record<string, unknown>>;
};
// The protobuf runtime the SDK itself loads (not a dependency of ours).
const fromSdk = (id: string) => require(require.resolve(id, { paths: [require.resolve("@pulumi/pulumi")] }));
const structproto = fromSdk("google-protobuf/google/protobuf/struct_pb") as { Struct: { fromJavaScript: (v: unknown) => unknown } };
const resproto = require("@pulumi/pulumi/proto/resource_pb") as { RegisterResourceResponse: new () => any };

/**
 * The engine marks the outputs named in `additionalSecretOutputs` secret (the SDK only forwards the
 * option: @pulumi/tls asks for its private keys this way, @pulumi/command for `connection`).
 */
export function markSecretOutputs(state: Record<string, unknown>, names: string[]): Record<string, unknown> {
  const isSecret = (v: unknown) => typeof v === "object" && v !== null && SECRET_SIG in v;
  return Object.fromEntries(Object.entries(state).map(([k, v]) =>
    [k, names.includes(k) && v !== undefined && !isSecret(v) ? { [SECRET_SIG]: SECRET_VALUE, value: v } : v]));
}

/** Options the engine does not act on: a program that sets one is refused, not half-applied. */
export function unsupportedOptions(req: any): string[] {
  return [
    // Only whole top-level inputs are ignored; a nested path is refused.
    ...(req.getIgnorechangesList().some((p: string) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(p)) ? ["ignoreChanges (nested path)"] : []),
    ...(req.getRetainondelete() ? ["retainOnDelete"] : []),
    ...(req.getProtect() ? ["protect"] : []),
    ...(req.getReplaceWithList().length > 0 ? ["replaceWith"] : []),
  ];
}

class EngineMonitor extends MockMonitor {
  constructor(private readonly engine: DeployEngine) {
    super({
      call: (args: { token: string }) => engine.call(args.token),
      // Only reached by `.get()` reads of existing resources: not something the lab executes.
      newResource: (args: { type: string; name: string }) => {
        throw new Error(`lab engine does not read existing resources (${args.type} ${args.name})`);
      },
    });
  }

  async registerResource(req: any, callback: (err: unknown, resp?: unknown) => void): Promise<void> {
    try {
      const type: string = req.getType();
      const name: string = req.getName();
      const urn: string = this.newUrn(req.getParent(), type, name);
      const deletedWith: string = req.getDeletedwith();
      const state = await this.engine.register({
        type, name, urn, custom: req.getCustom(),
        inputs: rpc.deserializeProperties(req.getObject()),
        dependencies: req.getDependenciesList(),
        ...(deletedWith ? { deletedWith } : {}),
        deleteBeforeReplace: req.getDeletebeforereplace(),
        replaceOnChanges: req.getReplaceonchangesList(),
        ignoreChanges: req.getIgnorechangesList(),
        unsupportedOptions: unsupportedOptions(req),
      });
      const id = req.getCustom() ? urn : "";
      const serialized = await rpc.serializeProperties("", markSecretOutputs(state, req.getAdditionalsecretoutputsList()));
      this.resources.set(urn, { urn, id: id || null, state: serialized });
      const response = new resproto.RegisterResourceResponse();
      response.setUrn(urn);
      response.setId(id);
      response.setObject(structproto.Struct.fromJavaScript(serialized));
      callback(null, response);
    } catch (err) {
      callback(err, undefined);
    }
  }
}

/** Makes the engine the runtime's monitor for this process (one program run per process). */
export function installEngine(engine: DeployEngine, project: string, stack: string, preview: boolean): void {
  settings.setMockOptions(new EngineMonitor(engine), project, stack, preview);
  const store = getStore();
  Object.assign(store, {
    supportsSecrets: true,
    supportsResourceReferences: true,
    supportsOutputValues: false,
    supportsDeletedWith: true,
    supportsReplaceWith: true,
    supportsAliasSpecs: true,
    supportsTransforms: false,
    supportsParameterization: true,
    supportsResourceHooks: true,
    supportsErrorHooks: true,
  });
}
