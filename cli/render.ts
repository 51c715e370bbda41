import * as fs from "node:fs";
import * as path from "node:path";
import { planDeployment, prepareStack, readStackFile, writeStepFiles, type AppSource, type HostPlan } from "../components";

function writeHost(out: string, plan: HostPlan, app: AppSource): number {
  return plan.steps.reduce((count, step) => count + writeStepFiles(path.join(out, plan.host.name), step, app), 0);
}

/**
 * `webtier render`: every file each host would receive, at its absolute path under
 * `<out>/<host>/`, and the step scripts under `<out>/<host>/.steps/` in execution order.
 */
export function renderCommand(configFile: string, options: { out: string }): void {
  const stack = readStackFile(configFile);
  const prepared = prepareStack(stack.values, stack.baseDir);
  for (const warning of prepared.warnings) console.error(`warning: ${warning}`);
  const plan = planDeployment(prepared.tuning, prepared.app.releaseId);
  fs.mkdirSync(options.out, { recursive: true });
  for (const host of [...plan.nginx, ...plan.app]) {
    const files = writeHost(options.out, host, prepared.app);
    console.log(`${host.host.name}: ${files} files, ${host.steps.length} steps`);
  }
}
