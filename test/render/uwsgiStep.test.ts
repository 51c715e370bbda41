import { describe, expect, it } from "vitest";
import { rejoinSeconds, renderUwsgiStep } from "../../components/render/steps/uwsgi";
import { tuningOf, withHosts } from "../support/fixtures";

describe("the uWSGI step's wait after a restart", () => {
  it("lasts the host's fail_timeout plus 2 s when other app hosts take over, and nothing for a lone host", () => {
    expect(rejoinSeconds(tuningOf(withHosts(1)), tuningOf(withHosts(1)).hosts.app[0]!)).toBe(0);
    const three = tuningOf(withHosts(3));
    expect(three.hosts.app.map((h) => rejoinSeconds(three, h))).toEqual([12, 12, 12]);
    const config = withHosts(3, { upstream: { failTimeout: 20 } });
    (config.hosts as { app: Record<string, unknown>[] }).app[1]!.failTimeout = 30;
    const own = tuningOf(config);
    expect(own.hosts.app.map((h) => rejoinSeconds(own, h))).toEqual([22, 32, 22]);
  });

  it("waits only after the restart branch ran, once the probe passed", () => {
    const t = tuningOf(withHosts(3));
    const script = renderUwsgiStep(t, t.hosts.app[0]!, "r1");
    expect(script).toContain("readonly REJOIN_SECONDS=12\n");
    const restartBranch = script.slice(script.indexOf('timeout 120 systemctl restart "$SERVICE"\n'), script.indexOf("elif [ \"$ini_changed\" = true ]"));
    expect(restartBranch).toContain("restarted=true");
    const tail = script.slice(script.indexOf('echo "uwsgi serving'));
    expect(tail).toContain('if [ "$restarted" = true ] && [ "$REJOIN_SECONDS" -gt 0 ]; then');
    expect(script.indexOf("restarted=false")).toBeLessThan(script.indexOf("if ! activate || ! healthy; then"));
  });
});
