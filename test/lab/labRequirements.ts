// What a lab test needs from this machine: root and some commands. Lab tests never skip: without
// these they fail, naming what is missing (`npm test` installs them first).
import { execFileSync } from "node:child_process";

function onPath(command: string): boolean {
  try {
    execFileSync("bash", ["-c", 'command -v -- "$1"', "_", command], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export function labRequirements(subject: string, commands: string[]): { runnable: boolean; requirement: string } {
  const missing = commands.filter((c) => !onPath(c));
  return {
    runnable: missing.length === 0 && process.getuid?.() === 0,
    requirement: `${subject} need root and ${commands.join(", ")}; missing: ${missing.join(", ") || "root"} (scripts/install-prereqs.sh)`,
  };
}
