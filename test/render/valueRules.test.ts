import { describe, expect, it } from "vitest";
import { aptProxyProblem, hostKeyProblem, rawDirectiveProblem, STAND_IN_HOST_KEY } from "../../components/render/valueRules";

const ed25519 = STAND_IN_HOST_KEY.split(" ")[1]!;

describe("aptProxyProblem", () => {
  it.each(["http://10.0.0.10:8888", "https://proxy.internal/", "http://user:p%40ss@proxy:3128", "http://proxy"])("accepts %s", (url) => {
    expect(aptProxyProblem(url)).toBeUndefined();
  });
  it.each(["http://proxy/path", "http://proxy:3128\\", "ftp://proxy", "http://us\"er@proxy", "http://proxy:0x50", "http://-proxy"])("refuses %s", (url) => {
    expect(aptProxyProblem(url)).toBe("must be http://[user:password@]host[:port] or https://… (no path, quotes, spaces, ';' or other schemes)");
  });
});

const PIN_THESE = "pin the host's ssh-ed25519 or ecdsa-sha2-nistp256 or ecdsa-sha2-nistp384 or ecdsa-sha2-nistp521 key instead (ssh-keyscan -t ed25519 <host>)";
const RSA_RULE = `is an RSA key, which @pulumi/command pins as SHA-1 "ssh-rsa" only, refused by OpenSSH 8.8 and later (Debian 12): ${PIN_THESE}`;
/** A key blob that starts with its type, as OpenSSH writes one. */
const blob = (type: string) => Buffer.concat([Buffer.from([0, 0, 0, type.length]), Buffer.from(type), Buffer.alloc(33, 1)]).toString("base64");

describe("hostKeyProblem", () => {
  it("accepts an OpenSSH public key line with or without a comment", () => {
    expect(hostKeyProblem(`ssh-ed25519 ${ed25519}`)).toBeUndefined();
    expect(hostKeyProblem(`ssh-ed25519 ${ed25519} root@lb-1`)).toBeUndefined();
  });
  it.each([
    ["garbage", "must be an OpenSSH public key line \"<type> <base64> [comment]\" with type ssh-ed25519, ecdsa-sha2-nistp256, ecdsa-sha2-nistp384, ecdsa-sha2-nistp521"],
    [`ecdsa-sha2-nistp256 ${ed25519}`, "must carry the base64 key data of a ecdsa-sha2-nistp256 key after its type (\"ecdsa-sha2-nistp256 AAAA… [comment]\")"],
    // Well-formed, but no connection could use them: said for what they are, whatever the data.
    [`ssh-rsa ${ed25519}`, RSA_RULE],
    [`ssh-rsa ${blob("ssh-rsa")} root@lb-1`, RSA_RULE],
    [`sk-ssh-ed25519@openssh.com ${blob("sk-ssh-ed25519@openssh.com")}`, `is a security-key type, which no sshd serves as a host key: ${PIN_THESE}`],
    [`sk-ecdsa-sha2-nistp256@openssh.com ${blob("sk-ecdsa-sha2-nistp256@openssh.com")}`, `is a security-key type, which no sshd serves as a host key: ${PIN_THESE}`],
    // Names of Object.prototype's members are no key types either.
    [`constructor ${ed25519}`, "must be an OpenSSH public key line \"<type> <base64> [comment]\" with type ssh-ed25519, ecdsa-sha2-nistp256, ecdsa-sha2-nistp384, ecdsa-sha2-nistp521"],
    ["ssh-ed25519 AAAAapp1", "must carry the base64 key data of a ssh-ed25519 key after its type (\"ssh-ed25519 AAAA… [comment]\")"],
    [`ssh-ed25519 ${ed25519}\nssh-ed25519 ${ed25519}`, "must be one line of printable characters (one OpenSSH public key)"],
    [`ssh-ed25519 ${"A".repeat(100_000)}`, "must not exceed 8192 characters (one OpenSSH public key line)"],
  ])("refuses %s", (line, rule) => {
    expect(hostKeyProblem(line)).toBe(rule);
  });
});

describe("rawDirectiveProblem", () => {
  it.each(["gzip on", "add_header X-Frame-Options DENY", "server_tokens\toff", "log_not_found off"])("accepts %s", (line) => {
    expect(rawDirectiveProblem(line)).toBeUndefined();
  });
  it.each(["gzip on;", "if ($x) {", "}", "gzip on\ruser root", "gzip   ", "Gzip on", "gzip\u0000on"])("refuses %j", (line) => {
    expect(rawDirectiveProblem(line)).toBe("must be one nginx directive without ';', '{' or '}'");
  });
});
