import { REMOTE } from "../paths";
import { renderScript } from "./shell";

const dirOf = (file: string) => file.replace(/\/[^/]+$/, "");

/**
 * Returns a host that leaves the stack to a plain Debian host: stops what webtier runs there and
 * removes what it installed (uWSGI and its firewall, or nginx's webtier configuration with the
 * distribution's nginx.conf put back). Only acts on the machine it configured under this name.
 */
export function renderRetireStep(hostName: string): string {
  return renderScript({
    step: "retire",
    host: hostName,
    vars: [
      ["MARKER", REMOTE.hostMarker],
      ["UWSGI_SERVICE", REMOTE.uwsgiService],
      ["FIREWALL_SERVICE", REMOTE.firewallService],
      ["APP_FILES", [REMOTE.uwsgiUnit, REMOTE.uwsgiIni, REMOTE.appEnv, REMOTE.appliedEnv, REMOTE.firewallUnit, REMOTE.appFirewall]],
      ["NGINX_CONF", REMOTE.nginxConf],
      ["NGINX_DIST_CONF", REMOTE.nginxDistConf],
      ["NGINX_WEBTIER_DIR", dirOf(REMOTE.nginxUpstream)],
      ["NGINX_LIMITS", REMOTE.nginxLimits],
      ["HOST_FILES", [REMOTE.sysctl, REMOTE.aptProxy]],
      ["BASTION_SSHD", REMOTE.bastionSshd],
      // The whole of webtier's own directories; this script itself runs from a copy in /tmp.
      ["WEBTIER_DIRS", [dirOf(REMOTE.uwsgiIni), dirOf(REMOTE.hostMarker), REMOTE.appRoot, dirOf(REMOTE.uwsgiProbe)]],
    ],
    body: `
# A machine now configured under another name (or never configured) is not this host any more.
configured_as="$(cat "$MARKER" 2>/dev/null || true)"
if [ "$configured_as" != "$HOST_NAME" ]; then
  echo "nothing to retire: this machine is configured as '\${configured_as:-nothing}'"
  exit 0
fi

if [ -f "\${APP_FILES[0]}" ] || [ -f "\${APP_FILES[4]}" ]; then
  systemctl disable --now "$UWSGI_SERVICE" "$FIREWALL_SERVICE" 2>/dev/null || true
  rm -f "\${APP_FILES[@]}"
  echo "uWSGI and its firewall removed"
fi

if [ -d "$NGINX_WEBTIER_DIR" ]; then
  if [ -f "$NGINX_DIST_CONF" ]; then cp -p "$NGINX_DIST_CONF" "$NGINX_CONF"; fi
  rm -rf "$NGINX_WEBTIER_DIR" "$NGINX_LIMITS" "$NGINX_DIST_CONF"
  systemctl daemon-reload
  if timeout 30 nginx -t -q 2>/dev/null; then
    timeout 60 systemctl reload-or-restart nginx
    echo "nginx serves the distribution's configuration again"
  else
    systemctl stop nginx
    echo "nginx stopped: the configuration left without webtier's does not pass nginx -t"
  fi
fi

if [ -f "$BASTION_SSHD" ]; then
  rm -f "$BASTION_SSHD"
  if systemctl is-active --quiet ssh.service; then timeout 30 systemctl reload ssh.service || true; fi
  echo "sshd's bastion settings removed"
fi

systemctl daemon-reload
rm -f "\${HOST_FILES[@]}"
rm -rf "\${WEBTIER_DIRS[@]}"
echo "retired $HOST_NAME (kernel settings stay until the next boot)"
`,
  });
}
