import { describe, expect, it } from "vitest";
import { CONFIGS } from "../../lab/bench/configs";
import {
  DEPLOY_SECONDS, describePlan, estimateSeconds, formatDuration, planBench, RUN_OVERHEAD_SECONDS, secondsLeft, TARGET_SETUP_SECONDS, WARMUP_SECONDS,
} from "../../lab/bench/plan";
import { SCENARIOS, scenarioConnections, selectScenarios } from "../../lab/bench/scenarios";

const named = (name: string) => SCENARIOS.find((s) => s.name === name)!;
const runsOf = (plan: ReturnType<typeof planBench>, round: number, config: string) =>
  plan.blocks.find((b) => b.round === round && b.config === config)!.runs.map((r) => `${r.scenario.name}@${r.connections}`);

describe("scenarioConnections", () => {
  it("runs the four main scenarios at every asked concurrency, in ascending order", () => {
    expect(scenarioConnections(named("tuned"), [5000, 100, 1000])).toEqual([100, 1000, 5000]);
  });

  it("runs a sweep at its own concurrencies among those asked, else at the middle one asked", () => {
    expect(scenarioConnections(named("workers-2x1"), [100, 1000, 5000])).toEqual([1000]);
    expect(scenarioConnections(named("listen-100"), [100, 1000, 5000])).toEqual([1000, 5000]);
    expect(scenarioConnections(named("listen-100"), [5000, 200])).toEqual([5000]);
    expect(scenarioConnections(named("workers-2x1"), [100])).toEqual([100]);
    expect(scenarioConnections(named("workers-2x1"), [100, 200, 300])).toEqual([200]);
    expect(scenarioConnections(named("workers-2x1"), [100, 200, 300, 400])).toEqual([200]);
  });
});

describe("selectScenarios", () => {
  it("keeps the declared order and refuses unknown names, listing the known ones", () => {
    expect(selectScenarios(["article", "static"]).map((s) => s.name)).toEqual(["static", "article"]);
    expect(selectScenarios(undefined)).toHaveLength(13);
    expect(() => selectScenarios(["tuned", "fast", "faster"])).toThrow(
      `unknown scenario "fast", "faster": known scenarios are ${SCENARIOS.map((s) => s.name).join(", ")}`,
    );
  });
});

describe("planBench", () => {
  const full = planBench(SCENARIOS, [100, 1000, 5000], 3);

  it("the full run: 24 runs and 10 configurations a round, 29 deploys in all", () => {
    expect(full.runs).toBe(72);
    expect(full.blocks).toHaveLength(30);
    expect(full.deploys).toBe(29);
  });

  it("visits the configurations forwards, then backwards, deploying again only when the configuration changes", () => {
    const ids = CONFIGS.map((c) => c.id);
    expect(full.blocks.filter((b) => b.round === 1).map((b) => b.config)).toEqual(ids);
    expect(full.blocks.filter((b) => b.round === 2).map((b) => b.config)).toEqual([...ids].reverse());
    expect(full.blocks.filter((b) => b.round === 3).map((b) => b.config)).toEqual(ids);
    expect(full.blocks.filter((b) => !b.deploy).map((b) => `${b.round}:${b.config}`)).toEqual(["2:article", "3:defaults"]);
  });

  it("runs a block's scenarios concurrency by concurrency, and lists the targets it needs", () => {
    expect(runsOf(full, 1, "defaults")).toEqual([
      "static@100", "direct@100", "tuned@100",
      "static@1000", "direct@1000", "tuned@1000", "reuseport-on@1000",
      "static@5000", "direct@5000", "tuned@5000", "reuseport-on@5000",
    ]);
    expect(full.blocks[0]!.targets).toEqual(["static", "direct", "nginx", "reuseport"]);
    expect(runsOf(full, 2, "listen-100")).toEqual(["listen-100@1000", "listen-100@5000"]);
    expect(runsOf(full, 3, "article")).toEqual(["article@100", "article@1000", "article@5000"]);
  });

  it("plans only the configurations the chosen scenarios need", () => {
    const plan = planBench(selectScenarios(["tuned", "article"]), [100], 2);
    expect(plan.blocks.map((b) => [b.round, b.config, b.deploy])).toEqual([[1, "defaults", true], [1, "article", true], [2, "article", false], [2, "defaults", true]]);
    expect(plan.deploys).toBe(4);
  });
});

describe("the estimate", () => {
  it("adds runs, warm-ups, bench servers and deploys", () => {
    const plan = planBench(selectScenarios(["static", "tuned", "article"]), [100, 1000], 1);
    // 6 runs; warm-ups: static + nginx in defaults, nginx in article; one block with a bench server; 2 deploys + 1 back to defaults.
    const expected = 6 * (7 + RUN_OVERHEAD_SECONDS) + 3 * (WARMUP_SECONDS + RUN_OVERHEAD_SECONDS) + TARGET_SETUP_SECONDS + 3 * DEPLOY_SECONDS;
    expect(estimateSeconds(plan, 7)).toBe(expected);
  });

  it("plans the full run within 35 minutes (the estimate, before anything runs)", () => {
    const seconds = estimateSeconds(planBench(SCENARIOS, [100, 1000, 5000], 3), 10);
    expect(seconds).toBeLessThanOrEqual(35 * 60);
  });

  it("scales what the plan has left by how the time spent compares with what it planned for the part done", () => {
    // defaults: deploy 20 + servers 6 + 2 warm-ups × 4 = 34 before 2 runs of 8; article: 20 + 4 = 24 before 1 run; 20 to go back.
    const plan = planBench(selectScenarios(["static", "tuned", "article"]), [100], 1);
    expect(estimateSeconds(plan, 5)).toBe(34 + 16 + 24 + 8 + 20);
    expect(secondsLeft(plan, 5, 0, 1, 84)).toBe(((102 - 42) * 84) / 42);
    expect(secondsLeft(plan, 5, 1, 1, 164)).toBe(40);
  });

  it("prints the plan in one line", () => {
    const plan = planBench(SCENARIOS, [100, 1000, 5000], 3);
    expect(describePlan(plan, 13, 3, 10)).toBe(`bench: 72 runs of 10 s (13 scenarios, 3 rounds), 29 deploys: about ${formatDuration(estimateSeconds(plan, 10))}`);
    expect(describePlan(planBench(selectScenarios(["tuned"]), [100], 1), 1, 1, 5)).toBe("bench: 1 run of 5 s (1 scenario, 1 round), 2 deploys: about 52 s");
  });

  it("formats durations in seconds, minutes, or hours and minutes", () => {
    expect([formatDuration(44.6), formatDuration(90), formatDuration(27 * 60 + 20), formatDuration(3720)]).toEqual(["45 s", "2 min", "27 min", "1 h 02 min"]);
  });
});
