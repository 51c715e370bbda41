import type { Tuning } from "./tuning";

/**
 * The requirements file pip installs a release's virtualenv from: pip options first (the package
 * index, when one is configured), then one requirement a line. Empty without requirements. Its
 * content names the virtualenv, so a changed index builds a new one too.
 */
export function renderRequirements(app: Tuning["app"]): string {
  if (app.requirements.length === 0) return "";
  const options = app.indexUrl === undefined ? [] : indexOptions(app.indexUrl);
  return `${[...options, ...app.requirements].join("\n")}\n`;
}

function indexOptions(indexUrl: string): string[] {
  const url = new URL(indexUrl);
  // pip ignores a plain-HTTP index unless its host is trusted: configuring an http:// index is
  // that choice. An https:// one keeps pip's certificate check.
  return url.protocol === "http:" ? [`--index-url ${indexUrl}`, `--trusted-host ${url.host}`] : [`--index-url ${indexUrl}`];
}
