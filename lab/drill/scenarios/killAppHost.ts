// An app host powered off under load (`systemctl poweroff` inside it ends its nspawn), left off for
// a third of the run, then booted again by the lab: nginx must route around it and take it back.
import type { DrillContext, Scenario, ScenarioOutcome } from "../types";
import { answersSsh, Checks, currentState, deploy, deployBaseline, errorText, hostsOf, leadMs, seconds, servedBy, sleep, tryOnHost } from "./support";

// PID 1's start time in clock ticks since the kernel booted: a new value means the host booted
// again (boot_id and uptime belong to the machine's kernel, shared by every lab host).
const PID1_START = "cut -d' ' -f22 /proc/1/stat";

export const killAppHost: Scenario = {
  name: "kill-app-host",
  description:
    "Powers the last app host off (systemctl poweroff inside it), waits a third of the run, then runs " +
    "webtier lab up with the same host counts, which boots it again and deploys nothing. Needs 2 app hosts " +
    "(prepare scales out to 2 when there is 1). Phases: before, down (off), back (booting until it answers " +
    "through nginx), after. Ends with every app host serving, on the baseline config.",

  prepare: deployBaseline(2),

  async run(ctx: DrillContext): Promise<ScenarioOutcome> {
    const state = await currentState(ctx);
    const apps = hostsOf(state, "app");
    const victim = state.hosts.find((h) => h.name === apps[apps.length - 1])!;
    const pid1Before = (await tryOnHost(state, victim.name, PID1_START)).stdout.trim();

    await sleep(leadMs(ctx));
    ctx.mark("down");
    const downAt = Date.now();
    // The session ends with the host: the exit code says nothing.
    await tryOnHost(state, victim.name, "systemctl poweroff", 30_000);
    let sshGoneMs: number | undefined;
    while (Date.now() - downAt < 60_000) {
      if (!(await answersSsh(state, victim))) {
        sshGoneMs = Date.now() - downAt;
        break;
      }
      await sleep(500);
    }
    ctx.log(`${victim.name}: ssh gone ${sshGoneMs === undefined ? "never" : `after ${seconds(sshGoneMs)} s`}`);
    await sleep(Math.max(0, (ctx.durationSeconds * 1000) / 3 - (Date.now() - downAt)));
    // Off while "down" lasted: SSH went away after the poweroff and still fails at its end.
    const unreachableWhileDown = sshGoneMs !== undefined && !(await answersSsh(state, victim));
    // nginx routes around it meanwhile: the other app hosts answer.
    const servedDown = await servedBy(state, [], apps.length * 4, 10_000);

    ctx.mark("back");
    const backAt = Date.now();
    const r = await deploy(ctx, "bring back", ctx.settings, apps.length);
    const after = await currentState(ctx);
    // nginx takes the host back after fail_timeout: ask until it answers (1 min at most).
    const served = await servedBy(after, apps, 400, 60_000);
    const answeredAfterMs = served.hits[victim.name] ? Date.now() - backAt : undefined;
    ctx.mark("after");

    const pid1After = (await tryOnHost(after, victim.name, PID1_START)).stdout.trim();
    const check = new Checks();
    check.expect(sshGoneMs !== undefined, `${victim.name} still answered over SSH 60 s after systemctl poweroff`);
    check.expect(unreachableWhileDown || sshGoneMs === undefined, `${victim.name} answered over SSH again at the end of "down"`);
    check.expect(!servedDown.hits[victim.name], `${victim.name} answered through nginx while it was off`);
    check.expect(r.code === 0, `webtier lab up (bring back) exited ${r.code}`);
    check.expect(pid1After !== "" && pid1After !== pid1Before, `${victim.name}: PID 1 start ${pid1Before} → ${pid1After || "(no answer)"}: not booted again`);
    for (const h of apps) check.expect(!!served.hits[h], `${h} did not answer through nginx after the lab brought ${victim.name} back`);
    return {
      summary: check.summary(`${victim.name} off for ${seconds(backAt - downAt)} s (ssh gone after ${sshGoneMs === undefined ? "—" : seconds(sshGoneMs)} s), ` +
        `back through nginx ${answeredAfterMs === undefined ? "never" : `${seconds(answeredAfterMs)} s after lab up started`}`),
      proof: {
        victim: victim.name,
        sshGoneAfterSeconds: sshGoneMs === undefined ? undefined : seconds(sshGoneMs),
        unreachableWhileDown,
        downSeconds: seconds(backAt - downAt),
        servedWhileDown: servedDown.hits,
        statusesWhileDown: servedDown.statuses,
        backDeploySeconds: seconds(r.durationMs),
        answeredAfterSeconds: answeredAfterMs === undefined ? undefined : seconds(answeredAfterMs),
        pid1StartBefore: pid1Before,
        pid1StartAfter: pid1After,
        servingAfter: !!served.hits[victim.name],
        servedAfter: served.hits,
        statusesAfter: served.statuses,
        problems: check.problems,
      },
      deployExitCode: r.code,
      ...(r.code === 0 ? {} : { deployError: errorText(r) }),
    };
  },
};
