import { REMOTE } from "../paths";
import type { Host } from "../tuning";
import { renderScript } from "./shell";

/** Installs missing Debian packages; a no-op (no apt run at all) when every one is present. */
export function renderPackagesStep(host: Host, packages: string[], aptProxy: boolean): string {
  return renderScript({
    step: "packages",
    host: host.name,
    vars: [
      ["PACKAGES", packages],
      ["APT_PROXY_FILE", REMOTE.aptProxy],
      ["APT_PROXY", String(aptProxy)],
    ],
    body: `
if [ "$APT_PROXY" = true ]; then
  install_file "$APT_PROXY_FILE" 0600
else
  rm -f "$APT_PROXY_FILE"
fi
missing=()
for package in "\${PACKAGES[@]}"; do
  dpkg-query -W -f='\${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ "\${#missing[@]}" -eq 0 ]; then
  echo "packages present: \${PACKAGES[*]}"
else
  export DEBIAN_FRONTEND=noninteractive
  apt_opts=(-q -o DPkg::Lock::Timeout=120 -o Acquire::http::Timeout=30 -o Acquire::Retries=3)
  timeout 600 apt-get "\${apt_opts[@]}" update || fail "apt-get update failed"
  timeout 1200 apt-get "\${apt_opts[@]}" install -y --no-install-recommends "\${missing[@]}" \\
    || fail "apt-get install \${missing[*]} failed"
  echo "installed: \${missing[*]}"
fi
`,
  });
}
