// One more app host, under load: the lab boots it, webtier installs it from scratch and re-renders
// the upstream on every nginx host, which reloads.
import type { DrillContext, Scenario, ScenarioOutcome } from "../types";
import { scaleScenarioRun } from "./scaling";
import { deployBaseline } from "./support";

export const scaleOut: Scenario = {
  name: "scale-out",
  description:
    "Adds one app host (webtier lab up --app-hosts n+1): booted, installed from scratch, then added to the upstream " +
    "of every nginx host. Phases: before, change, after. Ends with n+1 app hosts on the baseline config.",

  prepare: deployBaseline(),

  run(ctx: DrillContext): Promise<ScenarioOutcome> {
    return scaleScenarioRun(ctx, +1);
  },
};
