// An nginx setting that takes a reload (uwsgi_read_timeout), applied by webtier's deploy under load:
// the master stays, its workers are replaced.
import { NGINX_DEFAULTS } from "../../../components";
import type { DrillContext, Scenario, ScenarioOutcome } from "../types";
import { Checks, currentState, deploy, deployBaseline, errorText, hostsOf, leadMs, onHosts, overlay, servedBy, setting, sleep } from "./support";

/** The baseline with nginx.uwsgiReadTimeout + 30 s (a reload; only workerRlimitNofile restarts nginx). */
export function nginxChangeSettings(base: Record<string, unknown>): Record<string, unknown> {
  return overlay(base, { nginx: { uwsgiReadTimeout: setting(base, "nginx", "uwsgiReadTimeout", NGINX_DEFAULTS.uwsgiReadTimeout) + 30 } });
}

const READ_TIMEOUT = "sed -n 's/^ *uwsgi_read_timeout \\(.*\\);$/\\1/p' /etc/nginx/webtier/site.conf | sort -u | xargs";
const MASTER_PID = "cat /run/nginx.pid";
const WORKER_PIDS = "pgrep -P \"$(cat /run/nginx.pid)\" -f 'nginx: worker process$' | sort -n | xargs";

export const nginxChange: Scenario = {
  name: "nginx-change",
  description:
    "Raises nginx.uwsgiReadTimeout by 30 s on every nginx host (a reload: same master, new workers). " +
    "Phases: before, change, after. Ends on the changed config (uwsgi_read_timeout = baseline + 30 s).",

  prepare: deployBaseline(),

  async run(ctx: DrillContext): Promise<ScenarioOutcome> {
    const state = await currentState(ctx);
    const nginx = hostsOf(state, "nginx");
    const apps = hostsOf(state, "app");
    const settings = nginxChangeSettings(ctx.settings);
    const expected = `${(settings.nginx as Record<string, number>).uwsgiReadTimeout}s`;
    const [readTimeoutBefore, masterPidBefore, workerPidsBefore] = await Promise.all([READ_TIMEOUT, MASTER_PID, WORKER_PIDS].map((s) => onHosts(state, nginx, s)));

    await sleep(leadMs(ctx));
    ctx.mark("change");
    const r = await deploy(ctx, "nginx change", settings, apps.length);
    ctx.mark("after");

    const [readTimeoutAfter, masterPidAfter, workerPidsAfter] = await Promise.all([READ_TIMEOUT, MASTER_PID, WORKER_PIDS].map((s) => onHosts(state, nginx, s)));
    const served = await servedBy(state, apps, apps.length * 10);
    const check = new Checks();
    check.expect(r.code === 0, `the deploy exited ${r.code}`);
    for (const h of nginx) {
      check.expect(readTimeoutBefore[h] !== expected, `${h}: uwsgi_read_timeout was already ${expected} before the change`);
      check.expect(readTimeoutAfter[h] === expected, `${h}: uwsgi_read_timeout is ${readTimeoutAfter[h] || "(absent)"} in /etc/nginx/webtier/site.conf, expected ${expected}`);
      check.expect(masterPidAfter[h] === masterPidBefore[h], `${h}: nginx master ${masterPidBefore[h]} → ${masterPidAfter[h]} (restarted, not reloaded)`);
      // A reload starts new workers: none of the old ones may be left once it is done.
      const old = new Set(workerPidsBefore[h]!.split(" "));
      check.expect(!workerPidsAfter[h]!.split(" ").some((p) => old.has(p)), `${h}: workers ${workerPidsBefore[h]} → ${workerPidsAfter[h]}: not reloaded`);
    }
    for (const h of apps) check.expect(!!served.hits[h], `${h} did not answer through nginx after the change`);
    return {
      summary: check.summary(`uwsgi_read_timeout ${[...new Set(Object.values(readTimeoutBefore))].join(", ")} → ${expected} on ${nginx.join(", ")} (reload)`),
      proof: {
        nginxHosts: nginx,
        setting: { directive: "uwsgi_read_timeout", file: "/etc/nginx/webtier/site.conf", expected, before: readTimeoutBefore, after: readTimeoutAfter },
        masterPidBefore,
        masterPidAfter,
        workerPidsBefore,
        workerPidsAfter,
        servedAfter: served.hits,
        statusesAfter: served.statuses,
        problems: check.problems,
      },
      deployExitCode: r.code,
      ...(r.code === 0 ? {} : { deployError: errorText(r) }),
    };
  },
};
