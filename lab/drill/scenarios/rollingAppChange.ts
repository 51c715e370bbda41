// A new app release and a uWSGI setting that reloads (max-requests), rolled over the app hosts one
// at a time by webtier's own deploy, under load.
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { prepareStack, UWSGI_DEFAULTS } from "../../../components";
import { labStackConfig } from "../../deployConfig";
import type { DrillContext, Scenario, ScenarioOutcome } from "../types";
import { Checks, currentState, deploy, deployBaseline, errorText, hostsOf, leadMs, onHosts, overlay, same, servedBy, setting, sleep, stepLines } from "./support";

// The sample app the stack deploys without `app.source`.
const SAMPLE_APP = path.resolve(__dirname, "..", "..", "..", "sample-app");

/**
 * A copy of the sample app whose release id no drill used before: a marker line in wsgi.py. The
 * path is absolute, so it holds wherever the engine writes the stack file.
 */
export function releaseCopy(workDir: string, marker = randomBytes(6).toString("hex")): string {
  const dir = path.join(workDir, `app-${marker}`);
  fs.cpSync(SAMPLE_APP, dir, { recursive: true });
  fs.appendFileSync(path.join(dir, "wsgi.py"), `# drill release ${marker}\n`);
  return dir;
}

/** The settings this scenario deploys: the baseline plus max-requests + 1000 and the new release. */
export function rollingSettings(base: Record<string, unknown>, appDir: string): Record<string, unknown> {
  const maxRequests = setting(base, "uwsgi", "maxRequests", UWSGI_DEFAULTS.maxRequests) + 1000;
  return overlay(base, { uwsgi: { maxRequests }, app: { source: appDir } });
}

// `readlink` gives /srv/webtier/releases/<id>; the id is the last part.
const RELEASE = "basename \"$(readlink /srv/webtier/current)\"";
const MAX_REQUESTS = "sed -n 's/^max-requests *= *//p' /etc/webtier/uwsgi.ini";
const MASTER_PID = "systemctl show -p MainPID --value webtier-uwsgi";

export const rollingAppChange: Scenario = {
  name: "rolling-app-change",
  description:
    "Deploys a new app release (a copy of sample-app/ with a marker line) together with uwsgi.maxRequests + 1000 " +
    "(an ini change: a graceful reload, never a restart); the app hosts activate one after another. Phases: " +
    "before, change, after. Ends on the changed config: the new release and max-requests on every app host.",

  prepare: deployBaseline(),

  async run(ctx: DrillContext): Promise<ScenarioOutcome> {
    const state = await currentState(ctx);
    const apps = hostsOf(state, "app");
    const appDir = releaseCopy(ctx.workDir);
    const settings = rollingSettings(ctx.settings, appDir);
    const expectedRelease = prepareStack(labStackConfig(state, settings).values, ctx.workDir).app.releaseId;
    const maxRequestsExpected = String((settings.uwsgi as Record<string, number>).maxRequests);
    const [releaseBefore, maxRequestsBefore, masterPidBefore] = await Promise.all([RELEASE, MAX_REQUESTS, MASTER_PID].map((s) => onHosts(state, apps, s)));

    await sleep(leadMs(ctx));
    ctx.mark("change");
    const r = await deploy(ctx, "rolling change", settings, apps.length);
    ctx.mark("after");

    const [releaseAfter, maxRequestsAfter, masterPidAfter] = await Promise.all([RELEASE, MAX_REQUESTS, MASTER_PID].map((s) => onHosts(state, apps, s)));
    const served = await servedBy(state, apps, apps.length * 10);
    const check = new Checks();
    check.expect(r.code === 0, `the deploy exited ${r.code}`);
    for (const h of apps) {
      check.expect(releaseBefore[h] !== expectedRelease, `${h} already ran release ${expectedRelease} before the change`);
      check.expect(releaseAfter[h] === expectedRelease, `${h} runs release ${releaseAfter[h]}, expected ${expectedRelease}`);
      check.expect(maxRequestsAfter[h] === maxRequestsExpected, `${h}: max-requests is ${maxRequestsAfter[h]} in /etc/webtier/uwsgi.ini, expected ${maxRequestsExpected}`);
      // A reload (graceful or chain) keeps the master; a restart would replace it.
      check.expect(masterPidAfter[h] === masterPidBefore[h], `${h}: uWSGI master ${masterPidBefore[h]} → ${masterPidAfter[h]} (restarted, not reloaded)`);
      check.expect(!!served.hits[h], `${h} did not answer through nginx after the change`);
    }
    const activations = stepLines(r.stdout, "activate").filter((l) => l.startsWith("app-"));
    // The order they finished in (one batch at a time: rollout.batchSize, 1 by default).
    const activated = activations.map((l) => l.split(" ")[0]!);
    check.expect(same([...activated].sort(), [...apps].sort()), `app hosts activated: ${JSON.stringify(activations)}, expected each of ${apps.join(", ")} once`);
    const releases = [...new Set(Object.values(releaseBefore))].join(", ");
    return {
      summary: check.summary(`app release ${releases} → ${expectedRelease} and max-requests ${[...new Set(Object.values(maxRequestsBefore))].join(", ")} → ${maxRequestsExpected} on ${apps.join(", ")}`),
      proof: {
        appHosts: apps,
        expectedRelease,
        releaseBefore,
        releaseAfter,
        uwsgiSetting: { key: "max-requests", file: "/etc/webtier/uwsgi.ini", expected: maxRequestsExpected, before: maxRequestsBefore, after: maxRequestsAfter },
        masterPidBefore,
        masterPidAfter,
        activations,
        servedAfter: served.hits,
        statusesAfter: served.statuses,
        problems: check.problems,
      },
      deployExitCode: r.code,
      ...(r.code === 0 ? {} : { deployError: errorText(r) }),
    };
  },
};
