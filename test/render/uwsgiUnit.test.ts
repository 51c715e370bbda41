import { describe, expect, it } from "vitest";
import { planDeployment, renderUwsgiIni, renderUwsgiUnit } from "../../components/render";
import { exampleConfig, tuningOf, withHosts } from "../support/fixtures";

const UNIT = `# Rendered by webtier. Local edits are replaced on the next deployment.
[Unit]
Description=uWSGI application server (webtier)
After=network-online.target webtier-firewall.service
Wants=network-online.target
Requires=webtier-firewall.service

[Service]
Type=notify
NotifyAccess=main
User=webtier
Group=webtier
ExecStart=/usr/bin/uwsgi --ini /etc/webtier/uwsgi.ini
ExecReload=/bin/kill -HUP $MAINPID
EnvironmentFile=-/etc/webtier/app.env
Restart=on-failure
RestartSec=2
LimitNOFILE=65536
NoNewPrivileges=yes
CapabilityBoundingSet=
AmbientCapabilities=
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
PrivateMounts=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
ProtectProc=invisible
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
RemoveIPC=yes
SystemCallArchitectures=native
SystemCallFilter=@system-service
SystemCallFilter=~@privileged @resources
SystemCallErrorNumber=EPERM
UMask=0027

[Install]
WantedBy=multi-user.target
`;

describe("renderUwsgiUnit", () => {
  const t = tuningOf(exampleConfig());

  it("renders the sandboxed unit, started as the app's user", () => {
    expect(renderUwsgiUnit(t)).toBe(UNIT);
  });

  it("names a configured user and group in the unit: a change of user changes the unit (a restart)", () => {
    const other = tuningOf({ ...exampleConfig(), uwsgi: { uid: "shop", gid: "www-data" } });
    const changed = renderUwsgiUnit(other).split("\n").filter((line) => !UNIT.split("\n").includes(line));
    expect(changed).toEqual(["User=shop", "Group=www-data"]);
  });

  it("restarts uWSGI when its unit changes (a new user), reloads only for other ini changes", () => {
    const script = planDeployment(tuningOf(withHosts(1)), "0123456789abcdef").app[0]!.steps.find((s) => s.name === "uwsgi")!.script;
    expect(script).toContain(`\nbind_options() { grep -E '^(socket|listen|freebind|stats) ' "$1" 2>/dev/null || true; }\n`);
    expect(script).toContain(`\n  elif [ "$unit_changed" = true ] || [ "$bind_changed" = true ] || [ "$env_changed" = true ]; then\n`
      + "    # nginx retries the other app hosts meanwhile (uwsgi_next_upstream error).\n    timeout 120 systemctl restart \"$SERVICE\"\n");
  });

  it("leaves privilege dropping to systemd: the ini has no uid or gid", () => {
    // uWSGI without capabilities cannot setuid/setgroups; a numeric uid in the ini that differs
    // from the user systemd started it as would make it exit ("cannot setuid() as non-root user").
    expect(renderUwsgiIni(t, t.hosts.app[0]!)).not.toMatch(/^(uid|gid) =/m);
  });
});
