// Where the lab keeps things. Everything lives outside the repository so a checkout stays clean
// and the image cache survives `git clean`.
import * as path from "node:path";
import { labDirFor, labIdentity } from "./identity";

export const LAB = labIdentity();
export const LAB_DIR = process.env.WEBTIER_LAB_DIR ?? labDirFor(LAB);
export const IMAGE_CACHE_DIR = process.env.WEBTIER_LAB_IMAGE_CACHE ?? "/var/cache/webtier-lab/images";

export const STATE_FILE = path.join(LAB_DIR, "state.json");
export const LOCK_FILE = path.join(LAB_DIR, "lock");
export const DEPLOY_KEY = path.join(LAB_DIR, "id_ed25519");
export const KNOWN_HOSTS = path.join(LAB_DIR, "known_hosts");
export const HOSTS_DIR = path.join(LAB_DIR, "hosts");
export const PROXY_DIR = path.join(LAB_DIR, "proxy");
/** The certificate the lab's nginx hosts serve, for `curl --cacert` (a self-signed one is its own CA). */
export const TLS_CERTIFICATE_FILE = path.join(LAB_DIR, "tls-certificate.pem");

/** Every link, namespace and bridge the lab creates starts with this and a dash, so a sweep finds leftovers. */
export const NAME_PREFIX = LAB.name;

export function hostDir(name: string): string {
  return path.join(HOSTS_DIR, name);
}
