// Rules for single values that reach a host: each `…Problem(value)` returns the rule the value
// breaks, or undefined. All are linear in the value's length (a 100 KB value is refused at once).

// An address SSH dials and the tiers talk over must name one host. These ranges never do, and
// some are worse than unreachable: uWSGI bound to 0.0.0.0 listens on every interface, and a
// loopback address makes the deploying machine (or each host itself) the target.

const RANGES: { base: number; bits: number; rule: string }[] = [
  { base: 0x00000000, bits: 8, rule: "must be a host's unicast address, not in 0.0.0.0/8 (unspecified: bound, it means every interface)" },
  { base: 0x7f000000, bits: 8, rule: "must be a host's unicast address, not in 127.0.0.0/8 (loopback)" },
  { base: 0xe0000000, bits: 4, rule: "must be a host's unicast address, not in 224.0.0.0/4 (multicast)" },
  { base: 0xffffffff, bits: 32, rule: "must be a host's unicast address, not 255.255.255.255 (broadcast)" },
];

function toNumber(ipv4: string): number {
  return ipv4.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

/** The rule a syntactically valid IPv4 address breaks as a host address, if any. */
export function hostAddressProblem(ipv4: string): string | undefined {
  const value = toNumber(ipv4);
  for (const range of RANGES) {
    const size = 2 ** (32 - range.bits);
    if (value >= range.base && value < range.base + size) return range.rule;
  }
  return undefined;
}

// A pinned host key is compared with what the host presents on every connection: it must be
// exactly one OpenSSH public key line, or it pins nothing (and a newline could smuggle a second
// line into a known_hosts file).

/**
 * Host key types a pin can use. @pulumi/command (v1.2.1, provider/pkg/provider/remote/connection.go,
 * `ssh.FixedHostKey` with `HostKeyAlgorithms` set to the pinned key's type) offers only that type:
 * for `ssh-rsa` that is SHA-1 RSA, which OpenSSH 8.8 and later (Debian 12's sshd) refuses, so an
 * RSA pin never connects. Security-key types are no host key an sshd serves.
 */
export const HOST_KEY_TYPES = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521"] as const;

/** Key types that parse as OpenSSH keys but that no connection can pin, and why. */
const UNPINNABLE_HOST_KEY_TYPES = new Map([
  ["ssh-rsa", "is an RSA key, which @pulumi/command pins as SHA-1 \"ssh-rsa\" only, refused by OpenSSH 8.8 and later (Debian 12)"],
  ["sk-ssh-ed25519@openssh.com", "is a security-key type, which no sshd serves as a host key"],
  ["sk-ecdsa-sha2-nistp256@openssh.com", "is a security-key type, which no sshd serves as a host key"],
]);

const PINNABLE = `pin the host's ${HOST_KEY_TYPES.join(" or ")} key instead (ssh-keyscan -t ed25519 <host>)`;

/** Longest accepted line: generous (an ecdsa-sha2-nistp521 key line is about 200 characters). */
export const HOST_KEY_MAX_LENGTH = 8192;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

// The key blob starts with its own type as an SSH string: a 4-byte big-endian length, then the name.
function blobType(base64: string): string | undefined {
  if (base64.length % 4 !== 0 || !BASE64.test(base64)) return undefined;
  const blob = Buffer.from(base64, "base64");
  if (blob.length < 4) return undefined;
  const length = blob.readUInt32BE(0);
  if (length > blob.length - 4) return undefined;
  return blob.subarray(4, 4 + length).toString("latin1");
}

/** The rule `line` breaks as a pinned OpenSSH host key, if any. Linear in the line's length. */
export function hostKeyProblem(line: string): string | undefined {
  if (line.length > HOST_KEY_MAX_LENGTH) return `must not exceed ${HOST_KEY_MAX_LENGTH} characters (one OpenSSH public key line)`;
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(line)) return "must be one line of printable characters (one OpenSSH public key)";
  const [type, data] = line.split(/[ \t]+/);
  const unpinnable = UNPINNABLE_HOST_KEY_TYPES.get(type!);
  if (unpinnable !== undefined) return `${unpinnable}: ${PINNABLE}`;
  if (!(HOST_KEY_TYPES as readonly string[]).includes(type!)) {
    return `must be an OpenSSH public key line "<type> <base64> [comment]" with type ${HOST_KEY_TYPES.join(", ")}`;
  }
  if (data === undefined || data === "" || blobType(data) !== type) {
    return `must carry the base64 key data of a ${type} key after its type ("${type} AAAA… [comment]")`;
  }
  return undefined;
}

// `aptProxy` ends up inside `Acquire::http::Proxy "…";` (apt.conf, read by apt as root) and in
// pip's proxy setting. apt.conf has no escaping inside a quoted value, so anything beyond a plain
// http(s)://[user:password@]host[:port] URL is refused rather than escaped: one quote or `;` is
// enough to add `APT::Update::Pre-Invoke` commands.

export const APT_PROXY_MAX_LENGTH = 2048;

// userinfo: RFC 3986 unreserved characters and %-escapes only (put anything else %-encoded).
const USERINFO = "[A-Za-z0-9._~%-]+(?::[A-Za-z0-9._~%-]*)?@";
const HOST = "[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*";
const PROXY_URL = new RegExp(`^https?://(?:${USERINFO})?${HOST}(?::[0-9]{1,5})?/?$`);

export const APT_PROXY_RULE = "must be http://[user:password@]host[:port] or https://… (no path, quotes, spaces, ';' or other schemes)";

/** The rule an `aptProxy` value breaks, if any. Linear: the pattern has no ambiguous repetition. */
export function aptProxyProblem(url: string): string | undefined {
  if (url.length > APT_PROXY_MAX_LENGTH) return `must not exceed ${APT_PROXY_MAX_LENGTH} characters`;
  if (!PROXY_URL.test(url)) return APT_PROXY_RULE;
  const port = /:([0-9]{1,5})\/?$/.exec(url.slice(url.indexOf("@") + 1));
  if (port && !(Number(port[1]) >= 1 && Number(port[1]) <= 65535)) return "must have a port from 1 to 65535";
  return undefined;
}

// `app.indexUrl` becomes a `--index-url` line of the requirements file pip reads as root, which is
// also part of the deployment plan (stack outputs, state): one URL without whitespace (a newline
// would add pip options), without credentials (they would be stored in plain text) and without a
// query or fragment, which a PEP 503 index never needs.

export const INDEX_URL_MAX_LENGTH = 2048;
const INDEX_URL = new RegExp(`^https?://${HOST}(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~%+-]*)*$`);
export const INDEX_URL_RULE = "must be http(s)://host[:port][/path] of a package index (no credentials, query, quotes, spaces or other schemes)";

/** The rule an `app.indexUrl` value breaks, if any. Linear: each path segment starts with its own "/". */
export function indexUrlProblem(url: string): string | undefined {
  if (url.length > INDEX_URL_MAX_LENGTH) return `must not exceed ${INDEX_URL_MAX_LENGTH} characters`;
  if (!INDEX_URL.test(url)) return INDEX_URL_RULE;
  const port = /^https?:\/\/[^/:]+:([0-9]{1,5})/.exec(url);
  if (port && !(Number(port[1]) >= 1 && Number(port[1]) <= 65535)) return "must have a port from 1 to 65535";
  return undefined;
}

// The escape hatch `nginx.extraHttp` / `extraServer`: one simple directive per entry. The
// serializer splits it on whitespace, quotes each argument and adds the ";", so what remains to
// refuse is whatever would end the directive or open a block before that. Checked with one pass
// over the characters: a regex with two overlapping repetitions took ~53 s on a 100 KB value.

/** nginx reads a configuration token into a 4 KB buffer (NGX_CONF_BUFFER); no directive needs more. */
export const RAW_DIRECTIVE_MAX_LENGTH = 4096;

export const RAW_DIRECTIVE_RULE = "must be one nginx directive without ';', '{' or '}'";

const NAME_START = /[a-z_]/;
const NAME_PART = /[a-z0-9_]/;

function isControl(code: number): boolean {
  return (code < 0x20 && code !== 0x09) || code === 0x7f;
}

/** The rule a raw directive line breaks, if any. */
export function rawDirectiveProblem(line: string): string | undefined {
  if (line.length > RAW_DIRECTIVE_MAX_LENGTH) return `must not exceed ${RAW_DIRECTIVE_MAX_LENGTH} characters`;
  if (!NAME_START.test(line.charAt(0))) return RAW_DIRECTIVE_RULE;
  let i = 1;
  while (i < line.length && NAME_PART.test(line.charAt(i))) i += 1;
  if (i === line.length) return undefined;
  // After the name: whitespace, then arguments (at least one visible character).
  if (line[i] !== " " && line[i] !== "\t") return RAW_DIRECTIVE_RULE;
  let visible = false;
  for (; i < line.length; i += 1) {
    const c = line[i]!;
    if (c === ";" || c === "{" || c === "}" || isControl(c.charCodeAt(0))) return RAW_DIRECTIVE_RULE;
    if (c !== " " && c !== "\t") visible = true;
  }
  return visible ? undefined : RAW_DIRECTIVE_RULE;
}

// `tls.serverNames` become the names of a generated certificate (DNS SANs) and nginx's
// `server_name`: DNS names as RFC 1123 allows them (labels of letters, digits and inner hyphens,
// at most 63 characters each, 253 in all). A leading "*." label is a wildcard, as in certificates.
// A last label of digits only is an IPv4 address, which belongs in an IP SAN, not a DNS one.

export const DNS_NAME_RULE = "must be a DNS name such as www.example.com (a leading *. wildcard allowed)";
const DNS_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** The rule a DNS name breaks, if any. */
export function dnsNameProblem(name: string): string | undefined {
  if (name.length > 253) return "must not exceed 253 characters (a DNS name)";
  const labels = name.split(".");
  if (labels[0] === "*" && labels.length > 1) labels.shift();
  if (!labels.every((label) => DNS_LABEL.test(label))) return DNS_NAME_RULE;
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) return DNS_NAME_RULE;
  return undefined;
}

/**
 * A well-formed ed25519 host key line (an all-zero key no host has), for stand-ins that must pass
 * hostKeyProblem where only whether a key is pinned matters.
 */
export const STAND_IN_HOST_KEY = `ssh-ed25519 ${Buffer.concat([
  Buffer.from([0, 0, 0, 11]), Buffer.from("ssh-ed25519"), Buffer.from([0, 0, 0, 32]), Buffer.alloc(32),
]).toString("base64")}`;
