import { describe, expect, it } from "vitest";
import {
  aptProxyProblem,
  dnsNameProblem,
  hostAddressProblem,
  hostKeyProblem,
  rawDirectiveProblem,
  STAND_IN_HOST_KEY,
} from "../../components/render/valueRules";

// Each single-value rule at the edges of what it accepts: the first and last address of every
// refused range, the longest value accepted, and the separators and ports a rule must read right.

describe("hostAddressProblem", () => {
  const UNSPECIFIED = "must be a host's unicast address, not in 0.0.0.0/8 (unspecified: bound, it means every interface)";
  const LOOPBACK = "must be a host's unicast address, not in 127.0.0.0/8 (loopback)";
  const MULTICAST = "must be a host's unicast address, not in 224.0.0.0/4 (multicast)";
  const BROADCAST = "must be a host's unicast address, not 255.255.255.255 (broadcast)";
  it.each([
    ["0.0.0.0", UNSPECIFIED], ["0.255.255.255", UNSPECIFIED],
    ["127.0.0.0", LOOPBACK], ["127.0.0.1", LOOPBACK], ["127.255.255.255", LOOPBACK],
    ["224.0.0.0", MULTICAST], ["239.255.255.255", MULTICAST],
    ["255.255.255.255", BROADCAST],
  ])("refuses %s", (address, rule) => {
    expect(hostAddressProblem(address)).toBe(rule);
  });
  it.each(["1.0.0.0", "10.0.1.11", "126.255.255.255", "128.0.0.0", "203.0.113.10", "223.255.255.255", "240.0.0.0", "255.255.255.254"])(
    "accepts %s",
    (address) => {
      expect(hostAddressProblem(address)).toBeUndefined();
    },
  );
});

describe("hostKeyProblem", () => {
  const key = STAND_IN_HOST_KEY.split(" ")[1]!;
  const dataRule = 'must carry the base64 key data of a ssh-ed25519 key after its type ("ssh-ed25519 AAAA… [comment]")';
  it("accepts a tab or several spaces between type, key data and comment", () => {
    expect(hostKeyProblem(`ssh-ed25519\t${key}\troot@lb-1`)).toBeUndefined();
    expect(hostKeyProblem(`ssh-ed25519   ${key}  root@lb-1`)).toBeUndefined();
  });
  it("accepts a key line of exactly 8192 characters", () => {
    const line = `ssh-ed25519 ${key} `;
    expect(hostKeyProblem(line + "c".repeat(8192 - line.length))).toBeUndefined();
    expect(hostKeyProblem(line + "c".repeat(8193 - line.length))).toBe("must not exceed 8192 characters (one OpenSSH public key line)");
  });
  const blob = (length: number, name: string) => Buffer.concat([Buffer.from([0, 0, 0, length]), Buffer.from(name)]).toString("base64");
  it.each([
    ["no key data", "ssh-ed25519"],
    ["empty key data", "ssh-ed25519 "],
    ["key data whose length is not a multiple of 4", `ssh-ed25519 ${key.slice(0, -1)}`],
    ["key data that is not base64", `ssh-ed25519 ${"*".repeat(key.length)}`],
    ["a blob shorter than its length field", "ssh-ed25519 AAA="],
    ["a type name longer than the blob", `ssh-ed25519 ${blob(99, "ssh-ed25519")}`],
    ["the type name cut short", `ssh-ed25519 ${blob(7, "ssh-ed25519")}`],
  ])("refuses %s", (_name, line) => {
    expect(hostKeyProblem(line)).toBe(dataRule);
  });
  it("accepts a blob that holds exactly its type name", () => {
    expect(hostKeyProblem(`ssh-ed25519 ${blob(11, "ssh-ed25519")}`)).toBeUndefined();
  });
  it("refuses a line with a control character", () => {
    expect(hostKeyProblem(`ssh-ed25519 ${key}\u0001`)).toBe("must be one line of printable characters (one OpenSSH public key)");
  });
});

describe("aptProxyProblem", () => {
  it("accepts a URL of exactly 2048 characters and refuses one more", () => {
    expect(aptProxyProblem(`http://${"p".repeat(2041)}`)).toBeUndefined();
    expect(aptProxyProblem(`http://${"p".repeat(2042)}`)).toBe("must not exceed 2048 characters");
  });
  it.each(["http://proxy:1", "http://proxy:65535", "http://proxy:3128/", "http://user:99999@proxy", "http://user:0@proxy:8080"])("accepts the port of %s", (url) => {
    expect(aptProxyProblem(url)).toBeUndefined();
  });
  it.each(["http://proxy:0", "http://proxy:65536", "http://proxy:99999/", "http://user:1@proxy:0"])("refuses the port of %s", (url) => {
    expect(aptProxyProblem(url)).toBe("must have a port from 1 to 65535");
  });
});

describe("rawDirectiveProblem", () => {
  const RULE = "must be one nginx directive without ';', '{' or '}'";
  it("accepts a directive of exactly 4096 characters and refuses one more", () => {
    expect(rawDirectiveProblem(`add_header X ${"v".repeat(4083)}`)).toBeUndefined();
    expect(rawDirectiveProblem(`add_header X ${"v".repeat(4084)}`)).toBe("must not exceed 4096 characters");
  });
  it.each(["gzip", "gzip\ton", "add_header\tX-A\tB", "gzip on\t", "ssl_protocols TLSv1.2 TLSv1.3"])("accepts %j", (line) => {
    expect(rawDirectiveProblem(line)).toBeUndefined();
  });
  it.each(["gzip;", "gzip-on", "gzip \t ", "gzip on}", "gzip o{n", "gzip on\u0001", "gzip on\u007f", "1gzip on"])("refuses %j", (line) => {
    expect(rawDirectiveProblem(line)).toBe(RULE);
  });
});

describe("dnsNameProblem", () => {
  const RULE = "must be a DNS name such as www.example.com (a leading *. wildcard allowed)";
  const label = "a".repeat(63);
  const longest = [label, label, label, "a".repeat(61)].join(".");
  it("accepts a name of exactly 253 characters and refuses one more", () => {
    expect(longest.length).toBe(253);
    expect(dnsNameProblem(longest)).toBeUndefined();
    expect(dnsNameProblem(`${longest}a`)).toBe("must not exceed 253 characters (a DNS name)");
  });
  it.each(["www.example.com", "*.example.com", "x", "123.example", "www.com1", "www.1com", "ex-ample.com", label])("accepts %s", (name) => {
    expect(dnsNameProblem(name)).toBeUndefined();
  });
  it.each(["*", "a.*.com", "*.*.com", "example.123", "1.2.3.4", "-ex.com", "ex-.com", "a..com", `${label}a.com`, "exa mple.com"])("refuses %s", (name) => {
    expect(dnsNameProblem(name)).toBe(RULE);
  });
});
