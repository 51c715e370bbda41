import { REMOTE } from "../paths";
import type { Host } from "../tuning";
import { renderScript } from "./shell";

export interface AppRelease {
  /** Content hash of the application source: releases are immutable directories named by it. */
  id: string;
  /** Content hash of the pip requirements, when there are any: one virtualenv per distinct set. */
  requirementsId?: string;
  aptProxy?: string;
}

/**
 * Installs the application release and its virtualenv next to the running one. Activation (the
 * `current` link) belongs to the uwsgi step, which can roll it back together with the config.
 */
export function renderAppStep(host: Host, release: AppRelease, uid: string, gid: string): string {
  return renderScript({
    step: "app",
    host: host.name,
    vars: [
      ["RELEASE", release.id],
      ["RELEASES", REMOTE.releases],
      ["UPLOAD", `${REMOTE.uploadRoot}/release-${release.id}`],
      ["CURRENT", REMOTE.currentRelease],
      ["VENVS", REMOTE.venvs],
      ["REQUIREMENTS_ID", release.requirementsId ?? ""],
      ["PIP_PROXY", release.aptProxy ?? ""],
      ["APP_USER", uid],
      ["APP_GROUP", gid],
      ["KEEP_RELEASES", 5],
    ],
    body: `
getent group "$APP_GROUP" >/dev/null || groupadd --system "$APP_GROUP"
if ! id -u "$APP_USER" >/dev/null 2>&1; then
  useradd --system --gid "$APP_GROUP" --home-dir "$(dirname "$RELEASES")" --no-create-home \\
    --shell /usr/sbin/nologin "$APP_USER"
fi
install -d -m 0755 "$RELEASES" "$VENVS"

if [ ! -d "$RELEASES/$RELEASE" ]; then
  [ -d "$UPLOAD" ] || fail "release $RELEASE is neither installed nor uploaded to $UPLOAD; copy it again with pulumi up --replace on this host's release resource"
  incoming="$(mktemp -d "$RELEASES/.incoming.XXXXXX")"
  trap 'rm -rf "$incoming"' EXIT
  cp -R "$UPLOAD/." "$incoming/"
  # Code is owned by root and read-only for the app user.
  chown -R root:root "$incoming"
  chmod -R u=rwX,go=rX "$incoming"
  mv -T "$incoming" "$RELEASES/$RELEASE"
  trap - EXIT
  echo "release $RELEASE installed"
else
  echo "release $RELEASE present"
fi
# The upload belongs to the SSH user: once installed (root-owned), it is not needed.
rm -rf "$UPLOAD"

# A virtualenv records its own path, so it is built in place; a marker says it is complete.
venv="$VENVS/$REQUIREMENTS_ID"
if [ -n "$REQUIREMENTS_ID" ] && [ ! -f "$venv/.webtier-complete" ]; then
  requirements="$STAGE/etc/webtier/requirements.txt"
  [ -f "$requirements" ] || fail "staged $requirements is missing"
  rm -rf "$venv"
  python3 -m venv "$venv"
  # pip reads the proxy from its environment: never in argv, which every user can read in /proc.
  if [ -n "$PIP_PROXY" ]; then export PIP_PROXY; fi
  timeout 1200 "$venv/bin/pip" install --no-input --disable-pip-version-check \\
    -r "$requirements" || fail "pip install -r requirements.txt failed"
  touch "$venv/.webtier-complete"
  echo "virtualenv $REQUIREMENTS_ID built"
fi

# Keep the newest releases and whatever is live.
live="$(readlink "$CURRENT" 2>/dev/null || true)"
find "$RELEASES" -mindepth 1 -maxdepth 1 -type d ! -name '.*' -printf '%T@ %p\\n' | sort -rn \\
  | tail -n +"$((KEEP_RELEASES + 1))" | cut -d' ' -f2- | while read -r old; do
    [ "$old" = "$live" ] || [ "$old" = "$RELEASES/$RELEASE" ] || rm -rf "$old"
  done
`,
  });
}
