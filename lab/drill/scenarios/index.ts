// Every drill scenario by name, in the order the test suite runs them: each one ends in a state the
// next can start from (see each description for its end state).
import type { Scenario } from "../types";
import { backlog } from "./backlog";
import { badNginxConfig } from "./badNginxConfig";
import { killAppHost } from "./killAppHost";
import { nginxChange } from "./nginxChange";
import { rollingAppChange } from "./rollingAppChange";
import { scaleIn } from "./scaleIn";
import { scaleOut } from "./scaleOut";

export const SCENARIOS: Record<string, Scenario> = Object.fromEntries(
  [rollingAppChange, nginxChange, badNginxConfig, scaleOut, scaleIn, killAppHost, backlog].map((s) => [s.name, s]),
);
