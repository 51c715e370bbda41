// Where webtier puts things on a host. Step scripts and renderers share these.

export const REMOTE = {
  stageRoot: "/var/lib/webtier/stage",
  appRoot: "/srv/webtier",
  releases: "/srv/webtier/releases",
  currentRelease: "/srv/webtier/current",
  venvs: "/srv/webtier/venvs",
  uwsgiIni: "/etc/webtier/uwsgi.ini",
  appEnv: "/etc/webtier/app.env",
  uwsgiUnit: "/etc/systemd/system/webtier-uwsgi.service",
  uwsgiService: "webtier-uwsgi.service",
  chainReloadTrigger: "/var/lib/webtier/uwsgi.chain-reload",
  uwsgiProbe: "/usr/local/lib/webtier/uwsgi-probe.py",
  sysctl: "/etc/sysctl.d/60-webtier.conf",
  aptProxy: "/etc/apt/apt.conf.d/80webtier-proxy",
  nginxConf: "/etc/nginx/nginx.conf",
  nginxUpstream: "/etc/nginx/webtier/upstream.conf",
  nginxSite: "/etc/nginx/webtier/site.conf",
  nginxDistConf: "/var/lib/webtier/nginx.conf.dist",
  nginxLimits: "/etc/systemd/system/nginx.service.d/webtier-limits.conf",
} as const;
