import { REMOTE } from "../paths";
import type { Host } from "../tuning";
import { renderScript } from "./shell";

/**
 * First step on a host: waits for first boot to finish and creates the private stage directory the
 * SSH user copies files into (CopyToRemote runs as that user, without sudo).
 */
export function renderPrepareStep(host: Host): string {
  return renderScript({
    step: "prepare",
    host: host.name,
    vars: [
      ["OWNER", host.user],
      ["MARKER", REMOTE.hostMarker],
    ],
    body: `
if command -v cloud-init >/dev/null 2>&1; then
  # Exit status 2 means "done, with recoverable errors": the host is usable.
  rc=0
  timeout 900 cloud-init status --wait >/dev/null || rc=$?
  [ "$rc" -eq 0 ] || [ "$rc" -eq 2 ] || fail "cloud-init did not finish (exit $rc)"
fi
install -d -m 0755 "$(dirname "$STAGE_ROOT")"
install -d -m 0700 -o "$OWNER" -g "$(id -gn "$OWNER")" "$STAGE_ROOT"
printf '%s\n' "$HOST_NAME" > "$MARKER"
# Each step prunes its own older stage directories; this catches those of steps that are gone.
find "$STAGE_ROOT" -mindepth 1 -maxdepth 1 -type d -mtime +7 -exec rm -rf {} +
echo "ready: $(uname -n)"
`,
  });
}
