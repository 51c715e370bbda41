import { gunzipSync } from "node:zlib";

/** The script a remote command's stdin carries (gzip + base64, see encodeBundle). */
export function decodeBundle(stdin: string): string {
  return gunzipSync(Buffer.from(stdin, "base64")).toString("utf8");
}

/** The files a bundle stages, by absolute path (text and base64 here-documents alike). */
export function bundleFiles(script: string): Record<string, string> {
  const files: Record<string, string> = {};
  const pattern = /^stage_file (\S+) (cat|base64 -d) <<'(WEBTIER_EOF|WEBTIER_BASE64)'\n([\s\S]*?)^\3$/gm;
  for (const [, file, decoder, , body] of script.matchAll(pattern)) {
    files[file!.replace(/^'|'$/g, "")] = decoder === "cat" ? body! : Buffer.from(body!, "base64").toString("utf8");
  }
  return files;
}
