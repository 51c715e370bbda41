// The reference article's settings against webtier's defaults, in one drill: half the load on each,
// with the app hosts' accept-queue counters (ListenOverflows, ListenDrops) read around each half.
// The article: listen = 1000, workers = 6, thunder-lock, harakiri = 30, post-buffering = 2768, and
// `sysctl -w net.core.somaxconn=2000`; its nginx `listen 8080;` names no backlog (nginx's 511).
import type { LabState } from "../../index";
import { BACKLOG_COUNTERS, counterDeltas, readAllCounters } from "../counters";
import type { DrillContext, Scenario, ScenarioOutcome } from "../types";
import { UWSGI_DEFAULTS } from "../../../components";
import { Checks, currentState, deploy, deployOrThrow, errorText, hostsOf, onHosts, overlay, seconds, setting, sleep } from "./support";

export const ARTICLE = {
  uwsgi: { listen: 1000, workers: 6, thunderLock: true, harakiri: 30, postBuffering: 2768 },
  // The article sets it for the app's kernel; webtier applies one value to both tiers.
  sysctl: { somaxconn: 2000 },
  // nginx.backlog may not exceed somaxconn (webtier refuses it: the kernel would cap it silently).
  nginx: { backlog: 511 },
} as const;

// Read per host: the accept queue's counters, and SYN cookies (sent when the SYN queue overflows).
// The outcome's totals are the accept queue's alone.
export const COUNTERS = [...BACKLOG_COUNTERS, "SyncookiesSent"] as const;

/** The baseline with the article's values over it. */
export function articleSettings(base: Record<string, unknown>): Record<string, unknown> {
  return overlay(base, ARTICLE as unknown as Record<string, unknown>);
}

/** The baseline without any key the article sets: webtier's defaults (somaxconn derived, ≥ 4096). */
export function webtierSettings(base: Record<string, unknown>): Record<string, unknown> {
  const unset = (section: Record<string, unknown>) => Object.fromEntries(Object.keys(section).map((k) => [k, undefined]));
  return overlay(base, { uwsgi: unset(ARTICLE.uwsgi), sysctl: unset(ARTICLE.sysctl), nginx: unset(ARTICLE.nginx) });
}

/** ListenOverflows and ListenDrops, each summed over the hosts. */
export function sumOverHosts(perHost: Record<string, Record<string, number>>): Record<string, number> {
  const total: Record<string, number> = Object.fromEntries(BACKLOG_COUNTERS.map((c) => [c, 0]));
  for (const counters of Object.values(perHost)) for (const c of BACKLOG_COUNTERS) total[c]! += counters[c] ?? 0;
  return total;
}

/** The app hosts' counters (read in their namespaces, no SSH). */
function readCounters(state: LabState, apps: string[], log: (line: string) => void): Promise<Record<string, Record<string, number>>> {
  return readAllCounters(state.hosts.filter((h) => apps.includes(h.name)), COUNTERS, log);
}

/** What is live on the app hosts: the ini's listen, the kernel's somaxconn, the socket's backlog (ss Send-Q). */
async function liveSettings(state: LabState, apps: string[], port: number): Promise<Record<string, Record<string, string>>> {
  const script = [
    "printf 'listen=%s\\n' \"$(sed -n 's/^listen *= *//p' /etc/webtier/uwsgi.ini)\"",
    "printf 'post-buffering=%s\\n' \"$(sed -n 's/^post-buffering *= *//p' /etc/webtier/uwsgi.ini)\"",
    "printf 'somaxconn=%s\\n' \"$(sysctl -n net.core.somaxconn)\"",
    // The uWSGI socket's accept queue as the kernel applied it (min of listen and somaxconn).
    `printf 'socketBacklog=%s\\n' "$(ss -Hltn 'sport = :${port}' | awk '{print $3}' | head -1)"`,
  ].join("; ");
  const out = await onHosts(state, apps, script);
  return Object.fromEntries(Object.entries(out).map(([h, text]) => [h, Object.fromEntries(text.split("\n").map((l) => l.split("=") as [string, string]))]));
}

export const backlog: Scenario = {
  name: "backlog",
  description:
    "Half the run on the reference article's settings (uWSGI listen 1000, workers 6, thunder-lock, harakiri 30, " +
    "post-buffering 2768, somaxconn 2000; nginx backlog 511), half on webtier's defaults (listen 4096, somaxconn ≥ 4096, " +
    "post-buffering 8192, nginx backlog 4096). Phases: article, switch (the deploy: uWSGI restarts for the new listen), " +
    "webtier. Counters: app hosts' ListenOverflows/ListenDrops per half. Ends on webtier's defaults.",

  async prepare(ctx: DrillContext): Promise<void> {
    const state = await currentState(ctx);
    await deployOrThrow(ctx, "article settings", articleSettings(ctx.settings), hostsOf(state, "app").length);
  },

  async run(ctx: DrillContext): Promise<ScenarioOutcome> {
    ctx.mark("article");
    const started = Date.now();
    const state = await currentState(ctx);
    const apps = hostsOf(state, "app");
    const halfMs = (ctx.durationSeconds * 1000) / 2;
    const port = setting(ctx.settings, "uwsgi", "socketPort", UWSGI_DEFAULTS.socketPort);
    const articleStart = await readCounters(state, apps, ctx.log);
    const articleLive = await liveSettings(state, apps, port);
    await sleep(Math.max(0, halfMs - (Date.now() - started)));
    const articleEnd = await readCounters(state, apps, ctx.log);
    const articleMs = Date.now() - started;

    ctx.mark("switch");
    const r = await deploy(ctx, "webtier defaults", webtierSettings(ctx.settings), apps.length);
    ctx.mark("webtier");
    const webtierStarted = Date.now();
    const webtierStart = await readCounters(state, apps, ctx.log);
    const webtierLive = await liveSettings(state, apps, port);
    // The same length as the article's half, so the counters compare like for like.
    await sleep(Math.max(0, articleMs - (Date.now() - webtierStarted)));
    const webtierEnd = await readCounters(state, apps, ctx.log);
    const webtierMs = Date.now() - webtierStarted;

    const article = counterDeltas(articleStart, articleEnd);
    const webtier = counterDeltas(webtierStart, webtierEnd);
    const totals = { article: sumOverHosts(article), webtier: sumOverHosts(webtier) };
    const check = new Checks();
    check.expect(r.code === 0, `the switch to webtier's defaults exited ${r.code}`);
    for (const h of apps) {
      const a = articleLive[h]!;
      const w = webtierLive[h]!;
      check.expect(a.listen === "1000" && a.somaxconn === "2000" && a.socketBacklog === "1000", `${h} in the article half: ${JSON.stringify(a)}, expected listen 1000, somaxconn 2000, socket backlog 1000`);
      check.expect(Number(w.listen) >= 4096 && Number(w.somaxconn) >= Number(w.listen) && w.socketBacklog === w.listen, `${h} in the webtier half: ${JSON.stringify(w)}, expected listen ≥ 4096 ≤ somaxconn, socket backlog = listen`);
    }
    const fmt = (c: Record<string, number>) => `${c.ListenOverflows} overflows, ${c.ListenDrops} drops`;
    return {
      summary: check.summary(`article half (${seconds(articleMs)} s): ${fmt(totals.article)}; webtier half (${seconds(webtierMs)} s): ${fmt(totals.webtier)}; switch took ${seconds(r.durationMs)} s`),
      proof: {
        appHosts: apps,
        article: { seconds: seconds(articleMs), live: articleLive, counters: article },
        webtier: { seconds: seconds(webtierMs), live: webtierLive, counters: webtier },
        switchSeconds: seconds(r.durationMs),
        problems: check.problems,
      },
      counters: totals,
      deployExitCode: r.code,
      ...(r.code === 0 ? {} : { deployError: errorText(r) }),
    };
  },
};
