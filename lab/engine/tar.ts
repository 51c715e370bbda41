// A minimal ustar writer for directory copies. Every entry carries mode 0666 (files) or 0777
// (directories) so that `tar --no-same-permissions` on the host lands them as SFTP's Create and
// Mkdir do: 0666/0777 minus the session's umask (0644/0755 under the default 022), whatever the
// local modes were. Owner 0: the host's tar extracts as the SSH user with --no-same-owner.
import * as fs from "node:fs";
import * as path from "node:path";

const BLOCK = 512;

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, "0")}\0`;
}

function splitName(name: string): { prefix: string; name: string } {
  if (Buffer.byteLength(name) <= 100) return { prefix: "", name };
  for (let at = name.indexOf("/"); at >= 0; at = name.indexOf("/", at + 1)) {
    const prefix = name.slice(0, at);
    const rest = name.slice(at + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100) return { prefix, name: rest };
  }
  throw new Error(`path too long for a tar header: ${name}`);
}

export function tarHeader(entryName: string, kind: "file" | "dir", size: number, mtimeSec: number): Buffer {
  const header = Buffer.alloc(BLOCK);
  const { prefix, name } = splitName(kind === "dir" ? `${entryName}/` : entryName);
  header.write(name, 0, 100, "utf8");
  header.write(octal(kind === "dir" ? 0o777 : 0o666, 8), 100, "ascii");
  header.write(octal(0, 8), 108, "ascii");
  header.write(octal(0, 8), 116, "ascii");
  header.write(octal(kind === "dir" ? 0 : size, 12), 124, "ascii");
  header.write(octal(Math.floor(mtimeSec), 12), 136, "ascii");
  header.write("        ", 148, "ascii"); // checksum field counts as spaces while summing
  header.write(kind === "dir" ? "5" : "0", 156, "ascii");
  header.write("ustar\u000000", 257, "ascii");
  header.write(prefix, 345, 155, "utf8");
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "ascii");
  return header;
}

/** The directory's tree (not the directory itself) as a tar archive, entries sorted. */
export function tarDirectory(dir: string): Buffer {
  const parts: Buffer[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      const full = path.join(dir, child);
      const stat = fs.statSync(full);
      if (stat.isDirectory()) {
        parts.push(tarHeader(child, "dir", 0, stat.mtimeMs / 1000));
        walk(child);
      } else if (stat.isFile()) {
        const data = fs.readFileSync(full);
        parts.push(tarHeader(child, "file", data.length, stat.mtimeMs / 1000), data, Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK));
      }
    }
  };
  walk("");
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}
