import * as path from "node:path";
import { ConfigError, planDeployment, prepareStack, readStackFile, writeStepFiles, type AppSource, type HostPlan, type PreparedStack } from "../components";
import { prepareOutDir } from "./outDir";

function writeHost(out: string, plan: HostPlan, app: AppSource): number {
  return plan.steps.reduce((count, step) => count + writeStepFiles(path.join(out, plan.host.name), step, app), 0);
}

/** The stack file's config, validated as the program would, plaintext secrets included. */
function prepare(configFile: string): PreparedStack {
  const stack = readStackFile(configFile);
  for (const warning of stack.warnings) console.error(`warning: ${warning}`);
  let prepared: PreparedStack;
  try {
    prepared = prepareStack(stack.values, stack.baseDir);
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError([...err.problems, ...stack.errors]);
    throw err;
  }
  if (stack.errors.length > 0) throw new ConfigError(stack.errors);
  return prepared;
}

/**
 * `webtier render`: every file each host would receive, at its absolute path under
 * `<out>/<host>/`, and the step scripts under `<out>/<host>/.steps/` in execution order.
 * Nothing is written unless the config is valid and `<out>` is new, empty or to be replaced.
 */
export function renderCommand(configFile: string, options: { out: string; replace?: boolean }): void {
  const prepared = prepare(configFile);
  for (const warning of prepared.warnings) console.error(`warning: ${warning}`);
  const plan = planDeployment(prepared.tuning, prepared.app.releaseId);
  prepareOutDir(options.out, options.replace === true);
  for (const host of [...plan.nginx, ...plan.app]) {
    const files = writeHost(options.out, host, prepared.app);
    console.log(`${host.host.name}: ${files} files, ${host.steps.length} steps`);
  }
}
