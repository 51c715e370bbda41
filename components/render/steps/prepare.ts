import { REMOTE } from "../paths";
import type { Host } from "../tuning";
import { renderScript } from "./shell";

/**
 * First step on a host: waits for first boot to finish and creates the private upload directory
 * the SSH user copies the app release into (CopyToRemote runs as that user, without sudo).
 */
export function renderPrepareStep(host: Host): string {
  return renderScript({
    step: "prepare",
    host: host.name,
    vars: [
      ["OWNER", host.user],
      ["MARKER", REMOTE.hostMarker],
      ["STAGE_ROOT", REMOTE.stageRoot],
      ["UPLOAD_ROOT", REMOTE.uploadRoot],
    ],
    body: `
if command -v cloud-init >/dev/null 2>&1; then
  # Exit status 2 means "done, with recoverable errors": the host is usable.
  rc=0
  timeout 900 cloud-init status --wait >/dev/null || rc=$?
  [ "$rc" -eq 0 ] || [ "$rc" -eq 2 ] || fail "cloud-init did not finish (exit $rc)"
fi
install -d -m 0755 "$(dirname "$UPLOAD_ROOT")"
install -d -m 0700 -o "$OWNER" -g "$(id -gn "$OWNER")" "$UPLOAD_ROOT"
printf '%s\n' "$HOST_NAME" > "$MARKER"
# Every command removes its own stage directory; one killed by its time bound cannot.
find "$STAGE_ROOT" -mindepth 1 -maxdepth 1 -type d -mmin +1440 -exec rm -rf {} +
echo "ready: $(uname -n)"
`,
  });
}
