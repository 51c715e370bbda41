import type { IniValue } from "./ini";

/**
 * systemd sandbox for uWSGI (systemd.exec(5)). uWSGI starts as the app's user, so it needs no
 * capability at all: its ports (socket, stats) are above 1024, `freebind` (IP_FREEBIND) is
 * unprivileged, reloads re-exec the same binary, and systemd itself reads EnvironmentFile= and
 * sets LimitNOFILE= before dropping to User=.
 *
 * Left out on purpose (`systemd-analyze security` counts each):
 * - PrivateNetwork / IPAddressDeny: uWSGI serves nginx on the private address and the app talks
 *   to its own databases and APIs; the host firewall (webtier-firewall.service) filters instead.
 * - ProcSubset=pid: uWSGI reads /proc/sys/net/core/somaxconn to refuse a `listen` the kernel would
 *   cap; hidden, that check silently stops (ProtectKernelTunables keeps it read-only, still readable).
 * - MemoryDenyWriteExecute: breaks apps that need writable+executable memory (JITs such as numba or
 *   PyPy, libffi closures under cffi/ctypes); webtier runs any WSGI callable.
 * - PrivateUsers: root-owned files would show up as nobody's inside the service, which confuses
 *   apps that check ownership; and it needs user namespaces, which some kernels refuse.
 * - RootDirectory/RootImage: the app runs from the host's Python and packages.
 */
export const UWSGI_SANDBOX: [string, IniValue][] = [
  ["NoNewPrivileges", true],
  // An empty set: no capability in the bounding set, none handed down.
  ["CapabilityBoundingSet", ""],
  ["AmbientCapabilities", ""],
  // The whole file system read-only (/dev, /proc, /sys included); the app writes to its PrivateTmp.
  ["ProtectSystem", "strict"],
  // /home, /root and /run/user look empty: the deploy user's keys and files are out of reach.
  ["ProtectHome", true],
  ["PrivateTmp", true],
  ["PrivateDevices", true],
  ["PrivateMounts", true],
  ["ProtectKernelTunables", true],
  ["ProtectKernelModules", true],
  ["ProtectKernelLogs", true],
  ["ProtectControlGroups", true],
  ["ProtectClock", true],
  ["ProtectHostname", true],
  // Other users' processes (root's included) are invisible in /proc.
  ["ProtectProc", "invisible"],
  // TCP for nginx and the stats server, AF_UNIX for sd_notify and the app's local clients.
  ["RestrictAddressFamilies", "AF_UNIX AF_INET AF_INET6"],
  ["RestrictNamespaces", true],
  ["RestrictRealtime", true],
  ["RestrictSUIDSGID", true],
  ["LockPersonality", true],
  // SysV IPC objects and POSIX message queues the app's user leaves behind go when uWSGI stops.
  ["RemoveIPC", true],
  ["SystemCallArchitectures", "native"],
  ["SystemCallFilter", "@system-service"],
  // @system-service still allows chown/setuid (@privileged) and setrlimit/setpriority
  // (@resources); a non-root uWSGI needs neither (systemd applies LimitNOFILE before exec).
  ["SystemCallFilter", "~@privileged @resources"],
  // A denied call fails with EPERM instead of killing the worker with SIGSYS mid-request.
  ["SystemCallErrorNumber", "EPERM"],
  // Files the app creates are not readable by other users.
  ["UMask", "0027"],
];
