// How the engine registers a tls resource (a local, logical resource): the provider's diff decides
// (tlsResources.ts); a preview answers what would be generated as unknown; an apply generates on
// create or replace — create before delete, and the old copy's delete only drops it from the state
// (a pending delete like any other until the end of the run) — and records it.
import type { EngineStats, Registration } from "./engine";
import { progressLine, seconds, type PlannedStep } from "./format";
import { unwrapSecrets } from "./inputs";
import { diffResource } from "./plan";
import type { DeployState, ResourceRecord } from "./state";
import { createTls, diffTls, presentTlsOutputs, tlsInputs, updateTls } from "./tlsResources";

/** Where a tls resource "runs", in plan and progress lines. */
export const LOCAL_HOST = "local";

/** The engine's run state a registration reads and updates. */
export interface LocalContext {
  preview: boolean;
  now: Date;
  state: DeployState;
  plan: PlannedStep[];
  stats: EngineStats;
  /** Old copies of this run's replacements, deleted at the end of the run. */
  replaced: ResourceRecord[];
  nextSeq: () => number;
  save: () => void;
  log: (line: string) => void;
}

/** The outputs for the registration: inputs plus the resource's state (left out = unknown in a preview). */
export async function registerTls(r: Registration, ctx: LocalContext): Promise<Record<string, unknown>> {
  const old = ctx.state.resources[r.urn];
  const raw = unwrapSecrets(r.inputs) as Record<string, unknown>;
  // An ignored input of an existing resource keeps its recorded value.
  for (const key of old ? r.ignoreChanges ?? [] : []) raw[key] = old!.inputs[key];
  const news = tlsInputs(r.type, raw);
  let op = diffTls(r.type, old?.inputs, old?.outputs, news, ctx.now);
  // The replaceOnChanges option turns an update into a replace.
  if (op === "update" && diffResource(old!.inputs, news, r.replaceOnChanges).op === "replace") op = "replace";
  ctx.plan.push({ urn: r.urn, type: r.type, name: r.name, host: LOCAL_HOST, op });
  const seq = ctx.nextSeq();
  if (op === "same") {
    ctx.stats.unchanged++;
    if (!ctx.preview) {
      old!.seq = seq;
      ctx.save();
    }
    return { ...r.inputs, ...presentTlsOutputs(r.type, old!.outputs) };
  }
  // What a create or replace generates is unknown until it runs; an update keeps the recorded outputs.
  if (ctx.preview && op !== "update") return { ...r.inputs };
  const started = Date.now();
  const outputs = op === "update" ? updateTls(news, old!.outputs) : await createTls(r.type, news, ctx.now);
  if (ctx.preview) return { ...r.inputs, ...presentTlsOutputs(r.type, outputs) };
  if (op === "replace" && r.deleteBeforeReplace) {
    ctx.stats.deleted++;
  } else if (op === "replace") {
    ctx.state.pendingDeletes.push(old!);
    ctx.replaced.push(old!);
  }
  ctx.stats.executed++;
  ctx.log(progressLine(LOCAL_HOST, r.name, `${op}d ${seconds(Date.now() - started)}`));
  ctx.state.resources[r.urn] = {
    urn: r.urn, type: r.type, name: r.name, host: LOCAL_HOST, inputs: news, outputs, dependencies: r.dependencies,
    ...(r.deletedWith ? { deletedWith: r.deletedWith } : {}), seq,
  };
  ctx.save();
  return { ...r.inputs, ...presentTlsOutputs(r.type, outputs) };
}
