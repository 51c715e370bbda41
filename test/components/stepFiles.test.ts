import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readAppSource } from "../../components/appSource";
import type { PlannedStep } from "../../components/render";
import { writeStepFiles } from "../../components/stepFiles";

// What `webtier render` writes for one step, in process (the CLI's output is in test/cli).

const work = fs.mkdtempSync(path.join(os.tmpdir(), "webtier-stepfiles-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const step = (extra: Partial<PlannedStep> = {}): PlannedStep => ({
  name: "uwsgi",
  phase: "activate",
  scriptName: "40-uwsgi.sh",
  script: "#!/bin/bash\necho uwsgi\n",
  files: [
    { path: "/etc/webtier/uwsgi.ini", content: "[uwsgi]\n", mode: "0644" },
    { path: "/etc/webtier/app.env", content: "A=1\n", mode: "0600" },
  ],
  ...extra,
});

const modeOf = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);

describe("writeStepFiles", () => {
  it("writes each file at its absolute path under the root with its mode, and the script under .steps/", () => {
    const root = path.join(work, "plain");
    expect(writeStepFiles(root, step())).toBe(2);
    expect(fs.readFileSync(path.join(root, "etc/webtier/uwsgi.ini"), "utf8")).toBe("[uwsgi]\n");
    expect([modeOf(path.join(root, "etc/webtier/uwsgi.ini")), modeOf(path.join(root, "etc/webtier/app.env"))]).toEqual(["644", "600"]);
    expect(fs.readFileSync(path.join(root, ".steps/40-uwsgi.sh"), "utf8")).toBe("#!/bin/bash\necho uwsgi\n");
    expect(modeOf(path.join(root, ".steps/40-uwsgi.sh"))).toBe("755");
  });

  it("copies exactly the release's files to the step's archive path", () => {
    const src = path.join(work, "app");
    fs.mkdirSync(path.join(src, "pkg"), { recursive: true });
    fs.writeFileSync(path.join(src, "wsgi.py"), "application = None\n");
    fs.writeFileSync(path.join(src, "pkg", "views.py"), "x = 1\n");
    fs.writeFileSync(path.join(src, ".env"), "SECRET=1\n");
    const root = path.join(work, "release");
    writeStepFiles(root, step({ files: [], archivePath: "/srv/webtier/releases/abc" }), readAppSource(src));
    const release = path.join(root, "srv/webtier/releases/abc");
    expect(fs.readdirSync(release, { recursive: true }).sort()).toEqual(["pkg", "pkg/views.py", "wsgi.py"]);
    expect(fs.readFileSync(path.join(release, "pkg/views.py"), "utf8")).toBe("x = 1\n");
  });

  it("writes no release without an archive path, or without the app", () => {
    const src = path.join(work, "app");
    const noPath = path.join(work, "no-path");
    writeStepFiles(noPath, step(), readAppSource(src));
    expect(fs.readdirSync(noPath).sort()).toEqual([".steps", "etc"]);
    const noApp = path.join(work, "no-app");
    writeStepFiles(noApp, step({ files: [], archivePath: "/srv/webtier/releases/abc" }));
    expect(fs.readdirSync(noApp)).toEqual([".steps"]);
  });
});
