// A change webtier's own validation accepts but `nginx -t` on the host rejects: the deploy must
// fail naming the host and nginx's message, and the live nginx must keep serving the old config.
import type { DrillContext, Scenario, ScenarioOutcome } from "../types";
import { Checks, currentState, deploy, deployBaseline, errorText, hostsOf, leadMs, onHosts, overlay, same, servedBy, sleep } from "./support";

// A well-formed directive (the schema checks the form, not the name) that nginx does not know.
export const BOGUS_DIRECTIVE = "bogus_directive on";
export const NGINX_MESSAGE = 'unknown directive "bogus_directive"';
const LIVE_FILES = ["/etc/nginx/nginx.conf", "/etc/nginx/webtier/site.conf", "/etc/nginx/webtier/upstream.conf"];

/** The baseline with one more `nginx.extraServer` line that only `nginx -t` refuses. */
export function badNginxSettings(base: Record<string, unknown>): Record<string, unknown> {
  const nginx = (base.nginx ?? {}) as Record<string, unknown>;
  const extra = Array.isArray(nginx.extraServer) ? (nginx.extraServer as string[]) : [];
  return overlay(base, { nginx: { extraServer: [...extra, BOGUS_DIRECTIVE] } });
}

/** "<path> <sha256>" per live nginx file, one line each. */
const LIVE_DIGESTS = `for f in ${LIVE_FILES.join(" ")}; do printf '%s %s\\n' "$f" "$(sha256sum < "$f" | cut -d' ' -f1)"; done`;
const MASTER_PID = "cat /run/nginx.pid";

function digests(out: Record<string, string>): Record<string, Record<string, string>> {
  return Object.fromEntries(Object.entries(out).map(([host, text]) => [host, Object.fromEntries(text.split("\n").map((l) => l.split(" ") as [string, string]))]));
}

export const badNginxConfig: Scenario = {
  name: "bad-nginx-config",
  description:
    `Deploys nginx.extraServer: ["${BOGUS_DIRECTIVE}"], which webtier's validation accepts and nginx -t rejects. ` +
    "The deploy must fail naming the nginx host and nginx's message; the live files stay byte for byte, nginx keeps serving. " +
    "Phases: before, change, after. Ends on the baseline config (the refused change applied nothing).",

  prepare: deployBaseline(),

  async run(ctx: DrillContext): Promise<ScenarioOutcome> {
    const state = await currentState(ctx);
    const nginx = hostsOf(state, "nginx");
    const apps = hostsOf(state, "app");
    const [liveBefore, masterPidBefore] = await Promise.all([LIVE_DIGESTS, MASTER_PID].map((s) => onHosts(state, nginx, s)));

    await sleep(leadMs(ctx));
    ctx.mark("change");
    const r = await deploy(ctx, "bad nginx config", badNginxSettings(ctx.settings), apps.length);
    ctx.mark("after");

    const [liveAfter, masterPidAfter] = await Promise.all([LIVE_DIGESTS, MASTER_PID].map((s) => onHosts(state, nginx, s)));
    const served = await servedBy(state, apps, apps.length * 10);
    const error = errorText(r);
    // Hosts the error names as failing nginx -t (every nginx host validates the same staged tree).
    const refusedOn = nginx.filter((h) => error.includes(`${h}: nginx: nginx -t rejected the staged configuration`));
    const check = new Checks();
    check.expect(r.code !== 0, "the deploy succeeded: nginx -t accepted the bogus directive");
    check.expect(refusedOn.length > 0, `the deploy error names no nginx host refusing the config: ${error.split("\n")[0]}`);
    check.expect(error.includes(NGINX_MESSAGE), `the deploy error lacks nginx's message '${NGINX_MESSAGE}'`);
    for (const h of nginx) {
      check.expect(liveAfter[h] === liveBefore[h], `${h}: live nginx files changed: ${liveBefore[h]} → ${liveAfter[h]}`);
      check.expect(masterPidAfter[h] === masterPidBefore[h], `${h}: nginx master ${masterPidBefore[h]} → ${masterPidAfter[h]}`);
    }
    for (const h of apps) check.expect(!!served.hits[h], `${h} did not answer through nginx after the refused change`);
    return {
      summary: check.summary(`nginx -t refused "${BOGUS_DIRECTIVE}" on ${refusedOn.join(", ") || "no host"}; deploy exited ${r.code}, live config unchanged on ${nginx.join(", ")}`),
      proof: {
        nginxHosts: nginx,
        refusedOn,
        nginxMessage: error.includes(NGINX_MESSAGE) ? NGINX_MESSAGE : undefined,
        liveBefore: digests(liveBefore),
        liveAfter: digests(liveAfter),
        liveUnchanged: same(liveBefore, liveAfter),
        masterPidBefore,
        masterPidAfter,
        servedAfter: served.hits,
        statusesAfter: served.statuses,
        problems: check.problems,
      },
      deployExitCode: r.code,
      deployError: error,
    };
  },
};
