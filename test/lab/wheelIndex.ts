// A private Python package index for lab hosts, which cannot reach PyPI: pure-Python wheels built
// here (a wheel is a zip archive with its metadata, PEP 427) and served as a PEP 503 simple index
// by a small HTTP server on an address the hosts reach.
import { createHash } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface Wheel {
  fileName: string;
  /** PEP 503 normalized project name: the index page's path. */
  project: string;
  bytes: Buffer;
  sha256: string;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A zip archive of stored (uncompressed) entries: what pip needs, nothing more. */
function zip(entries: [string, Buffer][]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const fileName = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0
    local.writeUInt16LE(0x21, 12); // 1980-01-01: a fixed date keeps the wheel's bytes stable
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x0314, 4); // made by: Unix, 2.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // a regular file, rw-r--r--
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, data);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const recordHash = (data: Buffer) => createHash("sha256").update(data).digest("base64url");

/** A pure-Python wheel of one module, `<module>/__init__.py` holding `source`. */
export function buildWheel(module: string, version: string, source: string): Wheel {
  const distInfo = `${module}-${version}.dist-info`;
  const files: [string, Buffer][] = [
    [`${module}/__init__.py`, Buffer.from(source)],
    [`${distInfo}/METADATA`, Buffer.from(`Metadata-Version: 2.1\nName: ${module}\nVersion: ${version}\n`)],
    [`${distInfo}/WHEEL`, Buffer.from("Wheel-Version: 1.0\nGenerator: webtier-lab\nRoot-Is-Purelib: true\nTag: py3-none-any\n")],
  ];
  const record = [...files.map(([name, data]) => `${name},sha256=${recordHash(data)},${data.length}`), `${distInfo}/RECORD,,`, ""].join("\n");
  const bytes = zip([...files, [`${distInfo}/RECORD`, Buffer.from(record)]]);
  return {
    fileName: `${module}-${version}-py3-none-any.whl`,
    project: module.toLowerCase().replace(/[-_.]+/g, "-"),
    bytes,
    sha256: createHash("sha256").update(bytes).digest("hex"),
  };
}

export interface WheelIndex {
  /** The index URL pip is given: http://<address>:<port>/simple/ */
  url: string;
  /** Every request's method and path, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** Serves `wheels` as a PEP 503 simple index on `address` (an ephemeral port) until closed. */
export async function serveWheelIndex(address: string, wheels: Wheel[]): Promise<WheelIndex> {
  const requests: string[] = [];
  const html = (links: string[]) => `<!DOCTYPE html>\n<html><body>\n${links.join("\n")}\n</body></html>\n`;
  const projects = [...new Set(wheels.map((w) => w.project))];
  const server = http.createServer((req, res) => {
    const path = req.url ?? "";
    requests.push(`${req.method} ${path}`);
    const send = (status: number, type: string, body: string | Buffer) => {
      res.writeHead(status, { "Content-Type": type, "Content-Length": Buffer.byteLength(body) });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    if (path === "/simple/") return send(200, "text/html", html(projects.map((p) => `<a href="${p}/">${p}</a>`)));
    const page = /^\/simple\/([a-z0-9-]+)\/$/.exec(path);
    if (page && projects.includes(page[1]!)) {
      const links = wheels.filter((w) => w.project === page[1]).map((w) => `<a href="/packages/${w.fileName}#sha256=${w.sha256}">${w.fileName}</a>`);
      return send(200, "text/html", html(links));
    }
    const wheel = wheels.find((w) => path === `/packages/${w.fileName}`);
    if (wheel) return send(200, "application/octet-stream", wheel.bytes);
    return send(404, "text/plain", "not found\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, address, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}/simple/`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
