// The provider streams a Command's output to the engine's log line by line as it arrives
// (pulumi-command@v1.2.1 provider/pkg/provider/remote/commandOutputs.go `run`: stdout and stderr
// written into ONE pipe when `logging` asks for them; provider/pkg/provider/util/util.go
// `LogOutput`: bufio.Scanner lines, each an InfoStatus message). `logging` unset logs both.
import type { OutputListener } from "./transport";

export type Logging = "stdout" | "stderr" | "stdoutAndStderr" | "none";

const logsStdout = (l?: Logging) => l === undefined || l === "stdout" || l === "stdoutAndStderr";
const logsStderr = (l?: Logging) => l === undefined || l === "stderr" || l === "stdoutAndStderr";

/** A listener that emits each complete line of the logged streams, and `end` for the last partial one. */
export function outputLines(logging: Logging | undefined, emit: (line: string) => void): { onOutput: OutputListener; end: () => void } {
  let pending = "";
  // bufio.ScanLines: split at \n, drop one trailing \r.
  const emitLine = (line: string) => emit(line.endsWith("\r") ? line.slice(0, -1) : line);
  return {
    onOutput: (stream, text) => {
      if (stream === "stdout" ? !logsStdout(logging) : !logsStderr(logging)) return;
      const parts = (pending + text).split("\n");
      pending = parts.pop()!;
      parts.forEach(emitLine);
    },
    end: () => {
      if (pending !== "") emitLine(pending);
      pending = "";
    },
  };
}
