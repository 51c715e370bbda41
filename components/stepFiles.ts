import * as fs from "node:fs";
import * as path from "node:path";
import type { AppSource } from "./appSource";
import type { PlannedStep } from "./render";

/**
 * Lays out what one step needs under `root`, as the host will see it from the stage directory:
 * each file at its absolute path, the app release under its releases path, the script under
 * `.steps/`. `webtier render` writes exactly this for every step of a host.
 */
export function writeStepFiles(root: string, step: PlannedStep, app?: AppSource): number {
  for (const file of step.files) {
    const target = path.join(root, file.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, file.content, { mode: Number.parseInt(file.mode, 8) });
  }
  if (step.archivePath && app) {
    // Exactly the files the release id was computed from.
    for (const rel of app.files) {
      const target = path.join(root, step.archivePath, rel);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(path.join(app.dir, rel), target);
    }
  }
  const script = path.join(root, ".steps", step.scriptName);
  fs.mkdirSync(path.dirname(script), { recursive: true });
  fs.writeFileSync(script, step.script, { mode: 0o755 });
  return step.files.length;
}
