import { spawnSync } from "node:child_process";
import { beforeEach, describe, expect, it } from "vitest";
import { renderRetireBundle, renderRetireStep } from "../../components/render";

// Retiring a host hands it back as a plain Debian host: the script names exactly what webtier
// installed there, and acts only on the machine that is still configured under the retired name.

// Rendered inside each test (not once for the file) so each test observes the code it runs.
let script = "";
beforeEach(() => {
  script = renderRetireStep("app-3");
});

describe("renderRetireStep", () => {
  it("names the host, the step, and every file and directory webtier installed", () => {
    expect(script.split("\n").filter((line) => line.startsWith("readonly "))).toEqual([
      "readonly HOST_NAME=app-3",
      "readonly STEP=retire",
      "readonly MARKER=/var/lib/webtier/host",
      "readonly UWSGI_SERVICE=webtier-uwsgi.service",
      "readonly FIREWALL_SERVICE=webtier-firewall.service",
      "readonly APP_FILES=(/etc/systemd/system/webtier-uwsgi.service /etc/webtier/uwsgi.ini /etc/webtier/app.env /var/lib/webtier/app.env.applied /etc/systemd/system/webtier-firewall.service /etc/webtier/firewall.nft)",
      "readonly NGINX_CONF=/etc/nginx/nginx.conf",
      "readonly NGINX_DIST_CONF=/var/lib/webtier/nginx.conf.dist",
      "readonly NGINX_WEBTIER_DIR=/etc/nginx/webtier",
      "readonly NGINX_LIMITS=/etc/systemd/system/nginx.service.d/webtier-limits.conf",
      "readonly HOST_FILES=(/etc/sysctl.d/99-webtier.conf /etc/apt/apt.conf.d/80webtier-proxy)",
      "readonly BASTION_SSHD=/etc/ssh/sshd_config.d/40-webtier-bastion.conf",
      "readonly WEBTIER_DIRS=(/etc/webtier /var/lib/webtier /srv/webtier /usr/local/lib/webtier)",
    ]);
  });

  it("leaves a machine configured under another name untouched before anything else runs", () => {
    const body = script.slice(script.indexOf("readonly WEBTIER_DIRS"));
    const guard = body.indexOf('if [ "$configured_as" != "$HOST_NAME" ]; then');
    expect(guard).toBeGreaterThan(0);
    for (const action of ["systemctl", "rm -", "cp -p"]) expect(body.indexOf(action), action).toBeGreaterThan(guard);
    expect(body).toContain("echo \"nothing to retire: this machine is configured as '${configured_as:-nothing}'\"\n  exit 0\n");
  });

  it("puts the distribution's nginx.conf back, and stops nginx if what is left fails nginx -t", () => {
    expect(script).toContain('if [ -f "$NGINX_DIST_CONF" ]; then cp -p "$NGINX_DIST_CONF" "$NGINX_CONF"; fi\n');
    expect(script).toContain("if timeout 30 nginx -t -q 2>/dev/null; then\n    timeout 60 systemctl reload-or-restart nginx\n");
    expect(script).toContain("  else\n    systemctl stop nginx\n");
  });

  it("quotes a host name that needs it and passes bash -n", () => {
    expect(renderRetireStep("old app's host")).toContain("readonly HOST_NAME='old app'\\''s host'\n");
    const check = spawnSync("bash", ["-n"], { input: script, encoding: "utf8" });
    expect(check.stderr).toBe("");
    expect(check.status).toBe(0);
  });
});

describe("renderRetireBundle", () => {
  it("stages the retire step alone, in a stage directory of its own phase, and runs it", () => {
    const bundle = renderRetireBundle("app-3");
    expect(bundle).toContain("# webtier retire for host app-3: stages the files below, then runs the steps in order.\n");
    expect(bundle).toContain('stage="$(mktemp -d /var/lib/webtier/stage/retire.XXXXXX)"\n');
    expect(bundle).toContain(`stage_file /.steps/90-retire.sh cat <<'WEBTIER_EOF'\n${script}WEBTIER_EOF\n`);
    expect(bundle.match(/^stage_file /gm)).toHaveLength(1);
    expect(bundle.endsWith('bash "$stage/.steps/90-retire.sh" "$stage" </dev/null\n')).toBe(true);
  });
});
