// `app.requirements` on a real app host (1 nginx + 1 app host): pip installs a pinned requirement
// from a private index (`app.indexUrl`) into the release's virtualenv, the app imports it, and a
// new pin builds a new virtualenv that uWSGI moves to. The lab cannot reach PyPI: the index is a
// small server in this process on the lab's private segment, serving wheels built here.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labStatus, type LabState } from "../../lab";
import { deployOnly, getFromClient, MIN, onHost, requirement, runnable, webtier, writeStackFile } from "./e2eSupport";
import { buildWheel, serveWheelIndex, type WheelIndex } from "./wheelIndex";

// Never skipped: without root or the lab's tools the suite fails, naming what is missing.

const SETTINGS = { uwsgi: { workers: 2, threads: 2 } };
const MODULE = "webtier_probe_dep";
const SINGLE_HOST_WARNING = "warning: [runtime] webtier: upstream.maxFails (3) has no effect with a single app host: nginx ignores it\n";

/** Answers with the version of the requirement it imported, and names its host like the sample app. */
const PROBE_APP = `import socket

import ${MODULE}

HOST = socket.gethostname()


def application(environ, start_response):
    body = f"${MODULE} {${MODULE}.__version__}\\n".encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body))), ("X-Served-By", HOST)])
    return [body]
`;

/** The virtualenv the live uWSGI configuration names. */
async function liveVirtualenv(state: LabState): Promise<string> {
  const out = await onHost(state, "app-1", "sed -n 's/^virtualenv = //p' /etc/webtier/uwsgi.ini");
  return out.trim();
}

describe("app.requirements on the lab: pip from a private index into the release's virtualenv", () => {
  let tmp = "";
  let state: LabState;
  let url = "";
  let index: WheelIndex | undefined;

  /** A stack file pinning the requirement at `version`, from the lab's index. */
  const pinned = (version: string) =>
    writeStackFile(path.join(tmp, `Pulumi.pin-${version}.yaml`), {
      ...SETTINGS,
      app: { source: "probe-app", requirements: [`${MODULE}==${version}`], indexUrl: index!.url },
    });

  beforeAll(async () => {
    if (!runnable) throw new Error(requirement);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "wtlab-e2e-requirements-"));
    fs.mkdirSync(path.join(tmp, "probe-app"));
    fs.writeFileSync(path.join(tmp, "probe-app", "wsgi.py"), PROBE_APP);
    expect((await webtier(["lab", "down"])).code).toBe(0);
    // The sample app first: the index listens on the lab's private bridge, which `lab up` creates.
    const up = await webtier(["lab", "up", "--app-hosts", "1", "--nginx-hosts", "1", "--config", writeStackFile(path.join(tmp, "Pulumi.lab.yaml"), SETTINGS)]);
    expect({ code: up.code, stderr: up.stderr }).toEqual({ code: 0, stderr: SINGLE_HOST_WARNING });
    url = /^url: (\S+)$/m.exec(up.stdout)![1]!;
    state = (await labStatus())!;
    // Both versions are on the index: the pin, not the index's newest, decides what is installed.
    const wheels = ["1.0.0", "2.0.0"].map((v) => buildWheel(MODULE, v, `__version__ = "${v}"\n`));
    index = await serveWheelIndex(new URL(state.proxy).hostname, wheels);
  }, 10 * MIN);

  afterAll(async () => {
    await index?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    if (runnable) await webtier(["lab", "down"]);
  }, 5 * MIN);

  it("installs the pinned requirement from the configured index into the virtualenv the app runs in", async () => {
    expect(await liveVirtualenv(state)).toBe("");
    const deployed = await deployOnly({ stackFile: pinned("1.0.0") });
    expect(deployed.error ?? "").toBe("");
    // pip asked the configured index, and only it, for the project page and the pinned wheel.
    expect(index!.requests).toEqual([`GET /simple/${MODULE.replace(/_/g, "-")}/`, `GET /packages/${MODULE}-1.0.0-py3-none-any.whl`]);
    const venv = await liveVirtualenv(state);
    expect(venv).toMatch(/^\/srv\/webtier\/venvs\/[0-9a-f]{16}$/);
    const out = await onHost(state, "app-1", [
      `"${venv}/bin/pip" freeze --disable-pip-version-check`,
      `"${venv}/bin/python" -c 'import ${MODULE} as m; print(m.__version__, m.__file__)'`,
      // The system's Python does not have it: whatever imports it runs in the virtualenv.
      `python3 -c 'import ${MODULE}' 2>&1 | tail -n 1`,
    ].join("\n"));
    expect(out).toBe([
      `${MODULE}==1.0.0`,
      `1.0.0 ${venv}/lib/python3.11/site-packages/${MODULE}/__init__.py`,
      `ModuleNotFoundError: No module named '${MODULE}'`,
      "",
    ].join("\n"));
    expect(await getFromClient(state, url)).toEqual({ status: 200, servedBy: "app-1", body: `${MODULE} 1.0.0\n` });
  }, 10 * MIN);

  it("builds a new virtualenv for a new pin, and uWSGI moves to it with a graceful reload", async () => {
    const before = await liveVirtualenv(state);
    const master = await onHost(state, "app-1", "systemctl show -p MainPID --value webtier-uwsgi");
    index!.requests.length = 0;
    const deployed = await deployOnly({ stackFile: pinned("2.0.0") });
    expect(deployed.error ?? "").toBe("");
    expect(index!.requests).toEqual([`GET /simple/${MODULE.replace(/_/g, "-")}/`, `GET /packages/${MODULE}-2.0.0-py3-none-any.whl`]);
    const venv = await liveVirtualenv(state);
    expect(venv).toMatch(/^\/srv\/webtier\/venvs\/[0-9a-f]{16}$/);
    expect(venv).not.toBe(before);
    expect(await onHost(state, "app-1", `"${venv}/bin/pip" freeze --disable-pip-version-check`)).toBe(`${MODULE}==2.0.0\n`);
    // The ini changed (its virtualenv): the master re-executed itself, it was not restarted.
    expect(await onHost(state, "app-1", "systemctl show -p MainPID --value webtier-uwsgi")).toBe(master);
    expect(await getFromClient(state, url)).toEqual({ status: 200, servedBy: "app-1", body: `${MODULE} 2.0.0\n` });
  }, 10 * MIN);
});
