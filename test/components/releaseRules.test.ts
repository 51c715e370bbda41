import { describe, expect, it } from "vitest";
import { DEFAULT_EXCLUDES, isExcluded, parseReleaseRule, releaseRules } from "../../components/releaseRules";

const excludedFile = (rel: string, extra: string[] = []) => isExcluded(rel, false, releaseRules(extra));
const excludedDir = (rel: string, extra: string[] = []) => isExcluded(rel, true, releaseRules(extra));

describe("the default release rules", () => {
  it.each([
    [".env"], [".git"], ["pkg/.secrets"], ["pkg/__pycache__"], ["node_modules"], ["wsgi.pyc"],
    ["tls/server.pem"], ["tls/server.key"], ["store.p12"], ["store.pfx"], ["java/app.jks"], ["app.keystore"],
    ["vault.kdbx"], ["id_rsa"], ["keys/id_dsa.pub"], ["id_ecdsa"], ["deploy/id_ed25519"], ["terraform.tfstate"],
    ["infra/terraform.tfstate.backup"],
  ])("leave %s out, wherever it is", (rel) => {
    expect(excludedFile(rel) || excludedDir(rel)).toBe(true);
  });

  it.each([["wsgi.py"], ["pkg/views.py"], ["static/app.css"], ["keys.py"], ["pem.txt"], ["env"], ["tfstate.md"]])(
    "keep %s",
    (rel) => {
      expect(excludedFile(rel)).toBe(false);
      expect(excludedDir(rel)).toBe(false);
    },
  );

  it("keep the rules file itself, although it is a dotfile, so a cached copy of the release reads alike", () => {
    expect(excludedFile(".webtierignore")).toBe(false);
    expect(excludedFile("pkg/.webtierignore")).toBe(true);
  });

  it("are seventeen patterns, each one rule", () => {
    expect(DEFAULT_EXCLUDES).toHaveLength(17);
    expect(releaseRules([])).toHaveLength(17);
  });
});

describe("a .webtierignore line", () => {
  it("is nothing when blank or a comment", () => {
    expect(parseReleaseRule("")).toBeUndefined();
    expect(parseReleaseRule("   ")).toBeUndefined();
    expect(parseReleaseRule("# docs/")).toBeUndefined();
    expect(parseReleaseRule("  # indented comment")).toBeUndefined();
    expect(releaseRules(["", "# x", "docs/"])).toHaveLength(18);
  });

  it("excludes by name anywhere when it has no slash, trimming the line", () => {
    expect(parseReleaseRule("  docs  ")).toEqual({ include: false, anchored: false, directoryOnly: false, pattern: /^docs$/ });
    expect(excludedFile("docs", ["  docs  "])).toBe(true);
    expect(excludedFile("a/b/docs", ["docs"])).toBe(true);
    expect(excludedFile("docs.md", ["docs"])).toBe(false);
  });

  it("matches the path from the app root when it has a slash, with or without a leading one", () => {
    expect(parseReleaseRule("/config/local.py")).toMatchObject({ anchored: true, pattern: /^config\/local\.py$/ });
    expect(parseReleaseRule("config/local.py")).toMatchObject({ anchored: true, pattern: /^config\/local\.py$/ });
    expect(excludedFile("config/local.py", ["/config/local.py"])).toBe(true);
    expect(excludedFile("app/config/local.py", ["config/local.py"])).toBe(false);
  });

  it("is anchored to the root by a leading slash alone", () => {
    expect(parseReleaseRule("/local.py")).toMatchObject({ anchored: true, pattern: /^local\.py$/ });
    expect(parseReleaseRule("!/local.py")).toMatchObject({ include: true, anchored: true, pattern: /^local\.py$/ });
    expect(parseReleaseRule("  /local.py")).toMatchObject({ anchored: true, pattern: /^local\.py$/ });
    expect(excludedFile("local.py", ["/local.py"])).toBe(true);
    expect(excludedFile("app/local.py", ["/local.py"])).toBe(false);
  });

  it("with a trailing slash matches directories only", () => {
    expect(parseReleaseRule("build/")).toEqual({ include: false, anchored: false, directoryOnly: true, pattern: /^build$/ });
    expect(excludedDir("build", ["build/"])).toBe(true);
    expect(excludedFile("build", ["build/"])).toBe(false);
  });

  it("includes again with a leading !, the last matching rule winning", () => {
    expect(parseReleaseRule("!.well-known")).toEqual({
      include: true, anchored: false, directoryOnly: false, pattern: /^\.well-known$/,
    });
    expect(excludedDir(".well-known", ["!.well-known"])).toBe(false);
    expect(excludedFile("a.log", ["*.log", "!a.log"])).toBe(false);
    expect(excludedFile("a.log", ["!a.log", "*.log"])).toBe(true);
    expect(excludedFile("b.log", ["*.log", "!a.log"])).toBe(true);
  });
});

describe("glob patterns", () => {
  it.each([
    ["*.log", "app.log", true], ["*.log", "app.logs", false], ["*.log", "logs/app.log", true],
    ["logs/*.log", "logs/app.log", true], ["logs/*.log", "logs/old/app.log", false],
    ["file?.txt", "file1.txt", true], ["file?.txt", "file12.txt", false], ["a?b", "a/b", false],
    ["**/cache", "cache", true], ["**/cache", "x/y/cache", true], ["**/cache", "x/cachex", false],
    ["data/**", "data/a/b.csv", true], ["data/**", "database/a", false], ["a**b", "a.x.b", true], ["a**b", "ac", false],
    ["a/**/b", "a/b", true], ["a/**/b", "a/x/y/b", true], ["a/**/b", "a/x/c", false],
    ["a.b", "axb", false], ["a+b", "a+b", true], ["a+b", "aab", false], ["(x)", "(x)", true], ["(x)", "x", false],
    ["[ab]", "[ab]", true], ["[ab]", "a", false], ["$x^", "$x^", true], ["a|b", "a", false], ["a{1}", "a{1}", true],
    ["a\\b", "a\\b", true], ["a\\b", "ab", false],
  ])("%s matches %s: %s", (glob, rel, matches) => {
    expect(excludedFile(rel, [glob])).toBe(matches);
  });

  it("translate to exact regular expressions", () => {
    expect(parseReleaseRule("**/x/**")?.pattern).toEqual(/^(?:[^/]*\/)*x\/.*$/);
    expect(parseReleaseRule("a*?")?.pattern).toEqual(/^a[^/]*[^/]$/);
  });
});
