// Where webtier puts things on a host. Step scripts and renderers share these.

export const REMOTE = {
  /** Root-only: each remote command unpacks its files into a fresh directory here. */
  stageRoot: "/var/lib/webtier/stage",
  /** Owned by the SSH user: where CopyToRemote (SFTP, no sudo) uploads the app release. */
  uploadRoot: "/var/lib/webtier/upload",
  /** Which stack host this machine currently is: retiring a former name must not touch it. */
  hostMarker: "/var/lib/webtier/host",
  appRoot: "/srv/webtier",
  releases: "/srv/webtier/releases",
  currentRelease: "/srv/webtier/current",
  venvs: "/srv/webtier/venvs",
  uwsgiIni: "/etc/webtier/uwsgi.ini",
  appEnv: "/etc/webtier/app.env",
  /** The environment the running uWSGI was started with: a changed app.env means a restart. */
  appliedEnv: "/var/lib/webtier/app.env.applied",
  uwsgiUnit: "/etc/systemd/system/webtier-uwsgi.service",
  uwsgiService: "webtier-uwsgi.service",
  chainReloadTrigger: "/var/lib/webtier/uwsgi.chain-reload",
  uwsgiProbe: "/usr/local/lib/webtier/uwsgi-probe.py",
  // Sorts after Debian's 99-sysctl.conf (/etc/sysctl.conf): webtier's values win at boot.
  sysctl: "/etc/sysctl.d/99-webtier.conf",
  appFirewall: "/etc/webtier/firewall.nft",
  firewallUnit: "/etc/systemd/system/webtier-firewall.service",
  firewallService: "webtier-firewall.service",
  firewallTable: "webtier",
  aptProxy: "/etc/apt/apt.conf.d/80webtier-proxy",
  // sshd keeps the first value it reads, Includes first: a file of the operator's that sorts
  // before this one still wins (the step says so).
  bastionSshd: "/etc/ssh/sshd_config.d/40-webtier-bastion.conf",
  nginxConf: "/etc/nginx/nginx.conf",
  nginxUpstream: "/etc/nginx/webtier/upstream.conf",
  nginxSite: "/etc/nginx/webtier/site.conf",
  nginxDistConf: "/var/lib/webtier/nginx.conf.dist",
  nginxLimits: "/etc/systemd/system/nginx.service.d/webtier-limits.conf",
  // nginx's master reads the TLS files as root before it drops privileges: the key stays 0600.
  tlsCertificate: "/etc/nginx/webtier/tls/certificate.pem",
  tlsKey: "/etc/nginx/webtier/tls/key.pem",
  tlsDhparam: "/etc/nginx/webtier/tls/ffdhe2048.pem",
  /** While it exists, nginx's health location answers 503: a front door takes the host out. */
  nginxDrainMarker: "/run/webtier-nginx.draining",
} as const;
