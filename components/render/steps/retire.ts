import { REMOTE } from "../paths";
import type { Role } from "../tuning";

/**
 * What runs when a host leaves the stack but keeps running (existing hosts, scale-in): stop
 * serving webtier's app and remove what webtier installed, leaving a plain Debian host. A single
 * bash -c string, stored with the resource at creation and run on its deletion.
 */
export function renderRetireScript(role: Role): string {
  const common = `rm -f ${REMOTE.sysctl} ${REMOTE.aptProxy}; rm -rf ${REMOTE.stageRoot}`;
  if (role === "app") {
    return [
      "set -u",
      `systemctl disable --now ${REMOTE.uwsgiService} ${REMOTE.firewallService} 2>/dev/null || true`,
      `rm -f ${REMOTE.uwsgiUnit} ${REMOTE.uwsgiIni} ${REMOTE.appEnv} ${REMOTE.firewallUnit} ${REMOTE.appFirewall}`,
      "systemctl daemon-reload",
      common,
    ].join("; ");
  }
  return [
    "set -u",
    `if [ -f ${REMOTE.nginxDistConf} ]; then cp -p ${REMOTE.nginxDistConf} ${REMOTE.nginxConf}; fi`,
    `rm -rf ${REMOTE.nginxUpstream.replace(/\/[^/]+$/, "")} ${REMOTE.nginxLimits}`,
    "systemctl daemon-reload",
    "if nginx -t -q; then systemctl reload nginx; else systemctl stop nginx; fi",
    common,
  ].join("; ");
}
