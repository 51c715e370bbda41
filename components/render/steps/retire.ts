import { REMOTE } from "../paths";
import type { Role } from "../tuning";
import { shellQuote } from "./shell";

/**
 * What runs when a host leaves the stack but keeps running (existing hosts, scale-in): stop
 * serving webtier's app and remove what webtier installed, leaving a plain Debian host. A single
 * bash -c string, stored with the resource at creation and run on its deletion.
 */
export function renderRetireScript(role: Role, hostName: string): string {
  // A renamed host (same machine, new name) has already been configured under its new name.
  const guard = `[ "$(cat ${REMOTE.hostMarker} 2>/dev/null)" = ${shellQuote(hostName)} ] || exit 0`;
  const common = `rm -f ${REMOTE.sysctl} ${REMOTE.aptProxy} ${REMOTE.hostMarker}; rm -rf ${REMOTE.stageRoot}`;
  if (role === "app") {
    return [
      "set -u",
      guard,
      `systemctl disable --now ${REMOTE.uwsgiService} ${REMOTE.firewallService} 2>/dev/null || true`,
      `rm -f ${REMOTE.uwsgiUnit} ${REMOTE.uwsgiIni} ${REMOTE.appEnv} ${REMOTE.firewallUnit} ${REMOTE.appFirewall}`,
      "systemctl daemon-reload",
      common,
    ].join("; ");
  }
  return [
    "set -u",
    guard,
    `if [ -f ${REMOTE.nginxDistConf} ]; then cp -p ${REMOTE.nginxDistConf} ${REMOTE.nginxConf}; fi`,
    `rm -rf ${REMOTE.nginxUpstream.replace(/\/[^/]+$/, "")} ${REMOTE.nginxLimits}`,
    "systemctl daemon-reload",
    "if nginx -t -q; then systemctl reload nginx; else systemctl stop nginx; fi",
    common,
  ].join("; ");
}
