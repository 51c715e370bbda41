// Building blocks shared by every rendered step script.

/** Quotes one value for bash: safe for any content, including quotes and newlines. */
export function shellQuote(value: string | number): string {
  const text = String(value);
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export function shellArray(values: readonly string[]): string {
  return `(${values.map(shellQuote).join(" ")})`;
}

export interface ScriptSpec {
  step: string;
  host: string;
  /** Rendered as readonly shell variables above the body. */
  vars: [string, string | number | readonly string[]][];
  body: string;
}

// Every step: strict mode, the stage directory as $1, one way to fail naming host and step, and
// atomic installs (write a temp file beside the target, then rename over it).
const PRELUDE = `set -euo pipefail
umask 022
STAGE="\${1:?usage: $0 STAGE_DIR}"

fail() {
  echo "webtier: \${HOST_NAME}: \${STEP}: $*" >&2
  exit 1
}

# install_file PATH MODE: copies $STAGE/PATH over PATH atomically.
install_file() {
  local path="$1" mode="$2" tmp
  [ -f "$STAGE$path" ] || fail "staged file $STAGE$path is missing"
  install -d -m 0755 "$(dirname "$path")"
  tmp="$(mktemp "$path.webtier.XXXXXX")"
  install -m "$mode" "$STAGE$path" "$tmp"
  mv -f "$tmp" "$path"
}

# differs PATH: true when the staged PATH is not what is installed.
differs() {
  ! cmp -s "$STAGE$1" "$1"
}
`;

export function renderScript(spec: ScriptSpec): string {
  const vars = [
    ["HOST_NAME", spec.host] as const,
    ["STEP", spec.step] as const,
    ...spec.vars,
  ].map(([name, value]) =>
    Array.isArray(value) ? `readonly ${name}=${shellArray(value)}` : `readonly ${name}=${shellQuote(value as string | number)}`,
  );
  return `#!/bin/bash
# webtier step "${spec.step}" for host ${spec.host}. Rendered: edits are replaced on the next deployment.
# Usage: $0 STAGE_DIR (the directory holding the staged files at their absolute paths).
${PRELUDE}
${vars.join("\n")}

${spec.body.trim()}
`;
}
