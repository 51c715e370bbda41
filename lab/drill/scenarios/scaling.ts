// scale-out and scale-in share their run: count, upstreams and answers before and after a deploy
// with one app host more or fewer.
import type { LabHost, LabState } from "../../index";
import type { DrillContext, ScenarioOutcome } from "../types";
import { answersSsh, Checks, currentState, deploy, errorText, hostsOf, leadMs, onHosts, same, servedBy, sleep } from "./support";

/** nginx host → its upstream's `server` lines (address:port and parameters), as rendered. */
export async function upstreamServers(state: LabState): Promise<Record<string, string[]>> {
  const out = await onHosts(state, hostsOf(state, "nginx"), "grep -E '^ *server ' /etc/nginx/webtier/upstream.conf | sed -E 's/^ *server +//; s/;$//'");
  return Object.fromEntries(Object.entries(out).map(([h, text]) => [h, text ? text.split("\n") : []]));
}

/** The app hosts' private addresses the upstream lists, in order. */
export const upstreamAddresses = (servers: string[]) => servers.map((s) => s.split(" ")[0]!.replace(/:\d+$/, ""));

const privateAddresses = (hosts: LabHost[]) => hosts.filter((h) => h.role === "app").map((h) => h.privateAddress);

export async function scaleScenarioRun(ctx: DrillContext, delta: 1 | -1): Promise<ScenarioOutcome> {
  const before = await currentState(ctx);
  const appsBefore = hostsOf(before, "app");
  const target = appsBefore.length + delta;
  const upstreamBefore = await upstreamServers(before);

  await sleep(leadMs(ctx));
  ctx.mark("change");
  const r = await deploy(ctx, delta > 0 ? "scale out" : "scale in", ctx.settings, target);
  ctx.mark("after");

  const after = await currentState(ctx);
  const appsAfter = hostsOf(after, "app");
  const upstreamAfter = await upstreamServers(after);
  const added = appsAfter.filter((h) => !appsBefore.includes(h));
  const removed = appsBefore.filter((h) => !appsAfter.includes(h));
  // Enough requests that a host still in the upstream would show (least_conn spreads them).
  const served = await servedBy(after, delta > 0 ? appsAfter : [], appsAfter.length * 8);
  const check = new Checks();
  check.expect(r.code === 0, `the deploy exited ${r.code}`);
  check.expect(appsAfter.length === target, `${appsAfter.length} app hosts after, expected ${target}`);
  for (const [h, servers] of Object.entries(upstreamAfter)) {
    check.expect(same(upstreamAddresses(servers), privateAddresses(after.hosts)), `${h}: upstream lists ${upstreamAddresses(servers).join(", ")}, expected ${privateAddresses(after.hosts).join(", ")}`);
  }
  const proof: Record<string, unknown> = { appHostsBefore: appsBefore.length, appHostsAfter: appsAfter.length, upstreamBefore, upstreamAfter };
  if (delta > 0) {
    check.expect(added.length === 1, `hosts added: ${JSON.stringify(added)}, expected one`);
    for (const h of added) check.expect(!!served.hits[h], `${h} (added) did not answer through nginx`);
    proof.added = added[0];
    proof.addedAnswered = added.every((h) => !!served.hits[h]);
  } else {
    check.expect(removed.length === 1, `hosts removed: ${JSON.stringify(removed)}, expected one`);
    const gone = before.hosts.filter((h) => removed.includes(h.name));
    // Gone from the lab: no SSH (its namespace is removed), no answer through nginx.
    const reachable = await Promise.all(gone.map((h) => answersSsh(before, h)));
    gone.forEach((h, i) => check.expect(!reachable[i], `${h.name} (removed) still answers over SSH`));
    for (const h of removed) check.expect(!served.hits[h], `${h} (removed) still answered through nginx ${served.hits[h]} times`);
    proof.removed = removed[0];
    proof.removedAnswersSsh = reachable.some(Boolean);
    proof.removedAnswered = removed.some((h) => !!served.hits[h]);
  }
  const names = delta > 0 ? `+${added.join(", ")}` : `-${removed.join(", ")}`;
  return {
    summary: check.summary(`app hosts ${appsBefore.length} → ${appsAfter.length} (${names}); upstream on ${Object.keys(upstreamAfter).join(", ")} lists ${Object.values(upstreamAfter)[0]?.length ?? 0} servers`),
    proof: { ...proof, servedAfter: served.hits, statusesAfter: served.statuses, problems: check.problems },
    deployExitCode: r.code,
    ...(r.code === 0 ? {} : { deployError: errorText(r) }),
  };
}
