// Which files of the app directory go into the release (uploaded to every app host and readable
// by the app's user). Secrets next to the code must not: dotfiles and dot-directories (.env*,
// .git, .ssh, .aws, .netrc, …), private keys and certificates' keys, Terraform state.

/** The file in the app directory that adds rules; it ships with the release, so a cached copy reads alike. */
export const RELEASE_RULES_FILE = ".webtierignore";

/** Excluded unless a `!pattern` line in `.webtierignore` includes them again. */
export const DEFAULT_EXCLUDES = [
  ".*", "__pycache__", "node_modules", "*.pyc",
  "*.pem", "*.key", "*.p12", "*.pfx", "*.jks", "*.keystore", "*.kdbx",
  "id_rsa*", "id_dsa*", "id_ecdsa*", "id_ed25519*",
  "*.tfstate", "*.tfstate.*",
] as const;

export interface ReleaseRule {
  include: boolean;
  /** Matched against the path from the app root when the pattern has a "/", else the name. */
  anchored: boolean;
  directoryOnly: boolean;
  pattern: RegExp;
}

function globToRegExp(glob: string): RegExp {
  let source = "";
  for (let i = 0; i < glob.length; i += 1) {
    const c = glob[i]!;
    if (c === "*" && glob[i + 1] === "*") {
      // `**/` is zero or more directories, a trailing `**` everything below.
      source += glob[i + 2] === "/" ? "(?:[^/]*/)*" : ".*";
      i += glob[i + 2] === "/" ? 2 : 1;
    } else if (c === "*") {
      source += "[^/]*";
    } else if (c === "?") {
      source += "[^/]";
    } else {
      source += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    }
  }
  return new RegExp(`^${source}$`);
}

/** One line of `.webtierignore`: `pattern` excludes, `!pattern` includes; `#` starts a comment. */
export function parseReleaseRule(line: string): ReleaseRule | undefined {
  let text = line.trim();
  if (text === "" || text.startsWith("#")) return undefined;
  const include = text.startsWith("!");
  if (include) text = text.slice(1);
  const directoryOnly = text.endsWith("/");
  if (directoryOnly) text = text.slice(0, -1);
  if (text.startsWith("/")) text = text.slice(1);
  const anchored = text.includes("/") || line.trim().replace(/^!/, "").startsWith("/");
  return { include, anchored, directoryOnly, pattern: globToRegExp(text) };
}

export function releaseRules(extraLines: string[]): ReleaseRule[] {
  return [...DEFAULT_EXCLUDES, ...extraLines].flatMap((line) => parseReleaseRule(line) ?? []);
}

/** Whether `rel` (a path from the app root) is left out of the release: the last matching rule wins. */
export function isExcluded(rel: string, isDirectory: boolean, rules: ReleaseRule[]): boolean {
  if (rel === RELEASE_RULES_FILE) return false;
  const name = rel.slice(rel.lastIndexOf("/") + 1);
  let excluded = false;
  for (const rule of rules) {
    if (rule.directoryOnly && !isDirectory) continue;
    if (rule.pattern.test(rule.anchored ? rel : name)) excluded = !rule.include;
  }
  return excluded;
}
