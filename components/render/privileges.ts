import type { Host, Tuning } from "./tuning";

// The app must never gain more than its own user: no root, no account that can become root, and
// no setting that would cut webtier off from its hosts.

/** Groups whose members can become root or read what only root should (Debian's conventions). */
export const PRIVILEGED_GROUPS = ["root", "sudo", "wheel", "adm", "disk", "shadow", "staff", "docker", "lxd", "systemd-journal"] as const;

function locate(tuning: Tuning, found: (host: Host) => boolean): string | undefined {
  for (const role of ["nginx", "app"] as const) {
    const i = tuning.hosts[role].findIndex(found);
    if (i >= 0) return `hosts.${role}[${i}] (${tuning.hosts[role][i]!.name})`;
  }
  return undefined;
}

export function checkPrivileges(tuning: Tuning, errors: string[]): void {
  const { uid, gid, socketPort } = tuning.uwsgi;
  if (uid === "root") {
    errors.push(`uwsgi.uid (${uid}) must not be root: the app never runs with root privileges`);
  } else {
    // The deploy user has passwordless sudo on every host: an app running as it is root in effect.
    const sshUser = locate(tuning, (h) => h.user === uid);
    if (sshUser) errors.push(`uwsgi.uid (${uid}) must differ from the SSH user of ${sshUser}: that user has passwordless sudo, so the app would be root in effect`);
  }
  if (gid === "root") {
    errors.push(`uwsgi.gid (${gid}) must not be root: the app never runs with root privileges`);
  } else if ((PRIVILEGED_GROUPS as readonly string[]).includes(gid)) {
    errors.push(`uwsgi.gid (${gid}) must not be a privileged group (${PRIVILEGED_GROUPS.join(", ")}): its members can become root or read root's secrets`);
  }
  // The app host firewall accepts the uWSGI port from the nginx tier only and drops it for everyone
  // else: on the SSH port that rule would lock webtier (and every admin) out of the host.
  const sshPort = tuning.hosts.app.findIndex((h) => h.port === socketPort);
  if (sshPort >= 0) {
    const host = tuning.hosts.app[sshPort]!;
    errors.push(`uwsgi.socketPort (${socketPort}) must differ from the SSH port of hosts.app[${sshPort}] (${host.name}): the firewall that keeps uWSGI to the nginx tier would drop SSH`);
  }
}
