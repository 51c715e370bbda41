// The lab's base image: a minimal Debian 12 that looks like a cloud image (user `admin` with
// passwordless sudo, key-only sshd, no host keys baked in). Nothing of webtier is in it: the
// product installs nginx / uWSGI itself. Cached by a hash of the recipe, built in a temp dir and
// renamed only when complete, so a half-built image is never used.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { runOk } from "./exec";
import { IMAGE_CACHE_DIR } from "./paths";

const SUITE = "bookworm";
const MIRROR = "http://deb.debian.org/debian";
const PACKAGES = [
  "systemd", "systemd-sysv", "dbus", "openssh-server", "iproute2", "procps", "sudo", "python3",
  "ca-certificates",
];

// Run inside the fresh tree with chroot. Host keys are removed so every host gets its own
// (injected per host, pinned by the lab); machine-id is emptied so each host gets a fresh one.
const CUSTOMIZE = `set -euo pipefail
useradd --create-home --shell /bin/bash --groups sudo admin
usermod --password '*' admin
install -d -m 0700 -o admin -g admin /home/admin/.ssh
printf 'admin ALL=(ALL) NOPASSWD:ALL\\n' > /etc/sudoers.d/90-cloud-admin
chmod 0440 /etc/sudoers.d/90-cloud-admin
cat > /etc/ssh/sshd_config.d/50-cloud-image.conf <<'CONF'
HostKey /etc/ssh/ssh_host_ed25519_key
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
CONF
rm -f /etc/ssh/ssh_host_*
: > /etc/machine-id
rm -f /etc/hostname
cat > /etc/apt/sources.list <<'LIST'
deb ${MIRROR} ${SUITE} main
deb ${MIRROR} ${SUITE}-updates main
deb http://deb.debian.org/debian-security ${SUITE}-security main
LIST
apt-get clean
rm -rf /var/lib/apt/lists/*
`;

export function imageRecipe(): string {
  return JSON.stringify({ SUITE, MIRROR, variant: "minbase", PACKAGES, CUSTOMIZE });
}

export function imageId(): string {
  return createHash("sha256").update(imageRecipe()).digest("hex").slice(0, 16);
}

export function imageDir(): string {
  return path.join(IMAGE_CACHE_DIR, imageId());
}

/** Returns the image directory, building it first when the cache has none for this recipe. */
export async function ensureImage(log: (msg: string) => void = () => undefined): Promise<string> {
  const dir = imageDir();
  if (fs.existsSync(path.join(dir, "etc", "os-release"))) return dir;
  fs.mkdirSync(IMAGE_CACHE_DIR, { recursive: true });
  // Leftovers of an interrupted build are ours (same cache dir, .tmp- prefix): drop them.
  for (const e of fs.readdirSync(IMAGE_CACHE_DIR)) {
    if (e.startsWith(`.tmp-${imageId()}-`)) fs.rmSync(path.join(IMAGE_CACHE_DIR, e), { recursive: true, force: true });
  }
  const tmp = path.join(IMAGE_CACHE_DIR, `.tmp-${imageId()}-${process.pid}`);
  const started = Date.now();
  log(`building image ${imageId()} (debootstrap ${SUITE}, ~2 min)`);
  try {
    await runOk("debootstrap", [
      "--variant=minbase", `--include=${PACKAGES.join(",")}`, SUITE, tmp, MIRROR,
    ], { timeoutMs: 15 * 60_000 });
    await runOk("chroot", [tmp, "/bin/bash", "-c", CUSTOMIZE], { timeoutMs: 5 * 60_000 });
    fs.writeFileSync(path.join(tmp, ".webtier-lab-recipe.json"), imageRecipe());
    fs.renameSync(tmp, dir);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  log(`image ${imageId()} built in ${Math.round((Date.now() - started) / 1000)} s`);
  return dir;
}
