// One app host fewer, under load: nginx drops the last app host first, webtier retires it while it
// still runs, then the lab removes it.
import type { DrillContext, Scenario, ScenarioOutcome } from "../types";
import { scaleScenarioRun } from "./scaling";
import { deployBaseline } from "./support";

export const scaleIn: Scenario = {
  name: "scale-in",
  description:
    "Removes the last app host (webtier lab up --app-hosts n-1): nginx drops it from the upstream, webtier retires it, " +
    "the lab removes it. Needs 2 app hosts: prepare scales out to 2 when there is 1. Phases: before, change, after. " +
    "Ends with n-1 app hosts on the baseline config.",

  prepare: deployBaseline(2),

  run(ctx: DrillContext): Promise<ScenarioOutcome> {
    return scaleScenarioRun(ctx, -1);
  },
};
