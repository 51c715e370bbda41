// A lock file so two lab commands never build or tear down the same hosts at once.
import * as fs from "node:fs";
import { processArgv } from "./exec";
import { LAB_DIR, LOCK_FILE } from "./paths";

export async function withLabLock<T>(fn: () => Promise<T>): Promise<T> {
  fs.mkdirSync(LAB_DIR, { recursive: true, mode: 0o700 });
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(LOCK_FILE, String(process.pid), { flag: "wx" });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw lockError(err);
      const holder = Number(fs.readFileSync(LOCK_FILE, "utf8").trim());
      if (holder && holder !== process.pid && processArgv(holder)) {
        throw new Error(`the lab is busy: process ${holder} holds ${LOCK_FILE}`);
      }
      fs.rmSync(LOCK_FILE, { force: true }); // stale: its owner is gone
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(LOCK_FILE, { force: true });
  }
}

function lockError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
