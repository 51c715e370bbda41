import * as fs from "node:fs";
import * as path from "node:path";
import { planDeployment, prepareStack, readStackFile, REMOTE, type HostPlan } from "../components";

function writeHost(out: string, plan: HostPlan, appDir: string, releaseId: string): number {
  const root = path.join(out, plan.host.name);
  let count = 0;
  for (const step of plan.steps) {
    for (const file of step.files) {
      const target = path.join(root, file.path);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, file.content, { mode: Number.parseInt(file.mode, 8) });
      count++;
    }
    if (step.archivePath) {
      fs.cpSync(appDir, path.join(root, `${REMOTE.releases}/${releaseId}`), { recursive: true });
    }
    const script = path.join(root, ".steps", step.scriptName);
    fs.mkdirSync(path.dirname(script), { recursive: true });
    fs.writeFileSync(script, step.script, { mode: 0o755 });
  }
  return count;
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
    const files = writeHost(options.out, host, prepared.app.dir, prepared.app.releaseId);
    console.log(`${host.host.name}: ${files} files, ${host.steps.length} steps`);
  }
}
