// The stack configurations the bench deploys, each through `webtier lab up` like a user would,
// and what every one of them shares: an nginx include for the bench's own servers (an empty
// directory outside the bench's runs) and every app host changed in one batch (no load runs
// during a deploy, so there is nothing to roll carefully around).
import * as path from "node:path";
import { UWSGI_DEFAULTS } from "../../components";
import { ARTICLE } from "../drill/scenarios/backlog";
import { overlay } from "../drill/scenarios/support";

/** Where the bench puts its servers on an nginx host; webtier's nginx.conf includes it while benched. */
export const BENCH_NGINX_DIR = "/etc/nginx/webtier-bench";
export const BENCH_INCLUDE = `include ${BENCH_NGINX_DIR}/*.conf`;

/** The I/O-bound app (lab/bench/io-bound-app/wsgi.py) waits this long per request. */
export const IO_DELAY_MS = 10;
export const IO_BOUND_APP_DIR = path.join(__dirname, "io-bound-app");

/**
 * The reference article's settings where webtier accepts them: its uWSGI ini (listen 1000,
 * 6 workers and no `threads`, so uWSGI's 1; thunder-lock; harakiri 30; post-buffering 2768), its
 * `sysctl -w net.core.somaxconn=2000`, nginx's stock backlog (its `listen 8080;` names none), and
 * the kernel's defaults for what it does not mention (ephemeral ports, TIME_WAIT reuse, FIN
 * timeout). Left out: `ip_hash`, which from the lab's single client /24 would send every request
 * to one app host — a property of the lab, not of the article's settings.
 */
export const ARTICLE_SETTINGS: Record<string, unknown> = overlay(ARTICLE as unknown as Record<string, unknown>, {
  uwsgi: { threads: 1 },
  sysctl: { ipLocalPortRange: "32768 60999", tcpTwReuse: 2, tcpFinTimeout: 60 },
});

export interface BenchConfig {
  id: string;
  /** Stack settings over webtier's defaults. */
  settings: Record<string, unknown>;
  /** The app it serves, when not webtier's sample app. */
  appSource?: string;
}

const uwsgi = (u: Record<string, unknown>) => ({ uwsgi: u });

/**
 * In deploy order within a round (the next round runs them backwards): configurations that
 * differ only in what a uWSGI reload picks up come together; those that change `listen` or the
 * kernel (a uWSGI restart and nginx's fail_timeout wait) close the round.
 */
export const CONFIGS: readonly BenchConfig[] = [
  { id: "defaults", settings: {} },
  { id: "workers-2x1", settings: uwsgi({ workers: 2, threads: 1 }) },
  { id: "workers-6x1", settings: uwsgi({ workers: 6, threads: 1 }) },
  { id: "workers-12x1", settings: uwsgi({ workers: 12, threads: 1 }) },
  { id: "workers-6x4", settings: uwsgi({ workers: 6, threads: 4 }) },
  { id: "thunder-lock-off", settings: uwsgi({ thunderLock: false }) },
  { id: "io-bound", settings: {}, appSource: IO_BOUND_APP_DIR },
  { id: "listen-1024", settings: uwsgi({ listen: 1024 }) },
  { id: "listen-100", settings: uwsgi({ listen: 100 }) },
  { id: "article", settings: ARTICLE_SETTINGS },
];

export function findConfig(id: string): BenchConfig {
  const c = CONFIGS.find((x) => x.id === id);
  if (!c) throw new Error(`no bench configuration ${JSON.stringify(id)}`);
  return c;
}

/** The settings one deploy of `config` uses on a lab with `appHosts` app hosts. */
export function deploySettings(config: BenchConfig, appHosts: number): Record<string, unknown> {
  const withApp = config.appSource ? overlay(config.settings, { app: { source: config.appSource } }) : config.settings;
  return overlay(withApp, { nginx: { extraHttp: [BENCH_INCLUDE] }, rollout: { batchSize: appHosts } });
}

/** Requests per second the I/O-bound app can serve at most: every uWSGI thread busy, each request IO_DELAY_MS. */
export function ioCapacityRps(appHosts: number, workers: number = UWSGI_DEFAULTS.workers, threads: number = UWSGI_DEFAULTS.threads): number {
  return (appHosts * workers * threads * 1000) / IO_DELAY_MS;
}
