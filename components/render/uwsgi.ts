import { REMOTE } from "./paths";
import { serializeIni, type IniValue } from "./ini";
import type { Host, Tuning } from "./tuning";

const HEADER = "Rendered by webtier. Local edits are replaced on the next deployment.";

/** Where the virtualenv for a set of pip requirements lives (one per distinct set). */
export function venvPath(requirementsId: string): string {
  return `${REMOTE.venvs}/${requirementsId}`;
}

export function renderUwsgiIni(t: Tuning, host: Host, requirementsId?: string): string {
  const u = t.uwsgi;
  const entries: [string, IniValue][] = [
    // Debian builds the Python support as a plugin; --strict fails if it cannot be loaded.
    ["plugins", "python3"],
    ["strict", true],
    ["master", true],
    // uwsgi protocol on the private address only: it can load code, so it is never public.
    ["socket", `${host.privateAddress}:${u.socketPort}`],
    // Binds even when the address is not up yet (early boot); systemd would otherwise loop.
    ["freebind", true],
    // Accept queue; uWSGI refuses to start when it exceeds net.core.somaxconn.
    ["listen", u.listen],
    ["workers", u.workers],
    ["threads", u.threads],
    ...(u.cheaper === undefined ? [] : ([["cheaper", u.cheaper]] as [string, IniValue][])),
    ["enable-threads", u.enableThreads],
    ["thunder-lock", u.thunderLock],
    ["single-interpreter", u.singleInterpreter],
    // Each worker imports the app itself, so a chain reload brings workers up on new code one by one.
    ["lazy-apps", u.lazyApps],
    ["touch-chain-reload", REMOTE.chainReloadTrigger],
    ["chdir", REMOTE.currentRelease],
    // The master keeps its old working directory across chain reloads; the symlinked path in
    // sys.path makes every new worker import the release `current` points to now.
    ["pythonpath", REMOTE.currentRelease],
    ...(requirementsId ? ([["virtualenv", venvPath(requirementsId)]] as [string, IniValue][]) : []),
    ["module", t.app.module],
    ["need-app", true],
    // Before 2.1 SIGTERM means "reload"; systemd stops services with SIGTERM.
    ["die-on-term", true],
    ["vacuum", true],
    // Kill a stuck request before nginx's uwsgi_read_timeout gives up on it.
    ["harakiri", u.harakiri],
    ["post-buffering", u.postBuffering],
    ["buffer-size", u.bufferSize],
    ["max-requests", u.maxRequests],
    // A threaded worker recycled by max-requests (or reload-on-rss) tears the interpreter down on
    // exit and can deadlock there: its main thread gone, another waiting for the GIL, a zombie the
    // master never reaps (uWSGI 2.0.21, measured on the lab: 2 to 5 of 6 workers per host after 15 s
    // at c=200; none with this option). The OS frees the memory anyway; the app's atexit hooks still run.
    ["skip-atexit-teardown", true],
    ...(u.reloadOnRss === undefined ? [] : ([["reload-on-rss", u.reloadOnRss]] as [string, IniValue][])),
    ["disable-logging", u.disableLogging],
    ["log-4xx", true],
    ["log-5xx", true],
    ["stats", `127.0.0.1:${u.statsPort}`],
    // No uid/gid: the unit starts uWSGI as the app's user (User=/Group=), with no capability to
    // switch users (uWSGI only checks numeric ids against its own when not root).
  ];
  return serializeIni([{ name: "uwsgi", entries }], { header: HEADER });
}
