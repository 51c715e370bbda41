// Ctrl-C or a TERM stops a long run cleanly: the run sees an aborted signal, stops its load and
// cleans up what it started, and the process exits as a shell expects (130 / 143).
export interface SignalScope {
  signal: AbortSignal;
  /** Stops listening: call once the run is over. */
  release(): void;
}

export function abortOnSignals(): SignalScope {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    process.exitCode = signal === "SIGINT" ? 130 : 143;
    controller.abort(signal);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    signal: controller.signal,
    release: () => {
      process.removeListener("SIGINT", onSignal);
      process.removeListener("SIGTERM", onSignal);
    },
  };
}
