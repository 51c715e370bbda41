import { REMOTE } from "../paths";
import type { Host } from "../tuning";
import { renderScript } from "./shell";

/**
 * Persists the kernel settings (so they survive a reboot, before uWSGI starts) and applies them,
 * then reads every value back: `sysctl -p` can print an error and still exit 0.
 */
export function renderSysctlStep(host: Host, values: [string, string][]): string {
  return renderScript({
    step: "sysctl",
    host: host.name,
    vars: [
      ["SYSCTL_FILE", REMOTE.sysctl],
      ["KEYS", values.map(([key]) => key)],
      ["VALUES", values.map(([, value]) => value)],
    ],
    body: `
backup="$(mktemp)"
trap 'rm -f "$backup"' EXIT
had_file=false
if [ -f "$SYSCTL_FILE" ]; then cp -p "$SYSCTL_FILE" "$backup"; had_file=true; fi

install_file "$SYSCTL_FILE" 0644
sysctl -q -p "$SYSCTL_FILE" >/dev/null 2>&1 || true

wrong=()
for i in "\${!KEYS[@]}"; do
  got="$(sysctl -n "\${KEYS[$i]}" 2>/dev/null | tr -s '[:space:]' ' ' | sed 's/ $//')" || got="unreadable"
  want="$(printf '%s' "\${VALUES[$i]}" | tr -s '[:space:]' ' ')"
  [ "$got" = "$want" ] || wrong+=("\${KEYS[$i]} is '$got', expected '$want'")
done
if [ "\${#wrong[@]}" -gt 0 ]; then
  if [ "$had_file" = true ]; then
    cp -p "$backup" "$SYSCTL_FILE"
    sysctl -q -p "$SYSCTL_FILE" >/dev/null 2>&1 || true
  else
    rm -f "$SYSCTL_FILE"
  fi
  fail "kernel settings did not apply: \${wrong[*]}"
fi
for i in "\${!KEYS[@]}"; do echo "\${KEYS[$i]} = \${VALUES[$i]}"; done
`,
  });
}
