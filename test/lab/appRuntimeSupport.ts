// What the app runtime tests read on the lab: an app that reports what its worker sees, the uWSGI
// processes of a host, and the lines uWSGI logs for each way it takes a change.
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "vitest";
import type { LabState } from "../../lab";
import { getFromClient, onHost } from "./e2eSupport";

/**
 * Writes a WSGI app into `dir` that answers with its host, worker pid, `release` and every
 * environment variable whose name starts with WT_: a new `release` is a new release of the app.
 */
export function writeReportingApp(dir: string, release: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "wsgi.py"), `"""Answers with what the worker serving the request sees."""
import json
import os
import socket

HOST = socket.gethostname()
RELEASE = ${JSON.stringify(release)}


def application(environ, start_response):
    seen = {k: v for k, v in os.environ.items() if k.startswith("WT_")}
    body = (json.dumps({"host": HOST, "pid": os.getpid(), "release": RELEASE, "env": seen}) + "\\n").encode()
    start_response("200 OK", [
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(body))),
        ("X-Served-By", HOST),
    ])
    return [body]
`);
}

export interface AppAnswer {
  host: string;
  pid: number;
  release: string;
  env: Record<string, string>;
}

/** `count` answers of the reporting app through the URL, each checked to be a 200 from the host it names. */
export async function appAnswers(state: LabState, url: string, count: number): Promise<AppAnswer[]> {
  const answers: AppAnswer[] = [];
  for (let i = 0; i < count; i++) {
    const r = await getFromClient(state, url);
    expect(r.status, r.body).toBe(200);
    const answer = JSON.parse(r.body) as AppAnswer;
    expect(answer.host).toBe(r.servedBy);
    answers.push(answer);
  }
  return answers;
}

/** The uWSGI master (systemd's MainPID) of a host and its workers, sorted. */
export async function uwsgiProcesses(state: LabState, host: string): Promise<{ master: string; workers: string[] }> {
  const out = await onHost(state, host, 'pid=$(systemctl show -p MainPID --value webtier-uwsgi); echo "$pid"; pgrep -P "$pid" | sort -n');
  const [master, ...workers] = out.trim().split("\n");
  return { master: master!, workers };
}

// What uWSGI 2.0 logs: a graceful reload (SIGHUP) stops every worker, then the master re-executes
// itself; a chain reload (touch-chain-reload) replaces one worker after the other.
export const GRACEFUL_RELOAD = "...gracefully killing workers...";
export const MASTER_REEXEC = "binary reloading uWSGI...";
export const CHAIN_TOUCHED = "*** /var/lib/webtier/uwsgi.chain-reload has been touched... chain reload !!! ***";
export const CHAIN_DONE = "chain reloading complete";

/** A uWSGI line without the date some lines start with ("Fri Nov 27 11:50:58 2026 - "). */
const undated = (line: string) => line.replace(/^[A-Z][a-z]{2} [A-Z][a-z]{2} +\d+ \d\d:\d\d:\d\d \d{4} - /, "");

/** How uWSGI took a change, by the lines it logged: one kind only, else "mixed". */
export function reloadKind(logged: string[]): "graceful" | "chain" | "mixed" | "none" {
  const lines = logged.map(undated);
  const has = (line: string) => lines.includes(line);
  const graceful = has(GRACEFUL_RELOAD) && has(MASTER_REEXEC);
  const chain = has(CHAIN_TOUCHED) && has(CHAIN_DONE);
  const anyGraceful = has(GRACEFUL_RELOAD) || has(MASTER_REEXEC);
  const anyChain = has(CHAIN_TOUCHED) || has(CHAIN_DONE);
  if (graceful && !anyChain) return "graceful";
  if (chain && !anyGraceful) return "chain";
  return anyGraceful || anyChain ? "mixed" : "none";
}
