import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { describe, expect, it, vi } from "vitest";
import { encodeBundle } from "../../components/render";

// vi.mock is hoisted above the imports: encodeBundle's module sees this zlib.
// A deployer's zlib that differs from ours in every way a platform's can: another OS byte in the
// header (macOS writes 19) and another compression level. encodeBundle must not notice.
vi.mock("node:zlib", async (importOriginal) => {
  const zlib = await importOriginal<typeof import("node:zlib")>();
  const gzipSync = (data: Buffer) => {
    const out = Buffer.from(zlib.gzipSync(data, { level: 1 }));
    out[9] = 19;
    return out;
  };
  return { ...zlib, default: { ...zlib, gzipSync }, gzipSync };
});

const SCRIPT = ["#!/bin/bash", "set -euo pipefail", ...Array.from({ length: 200 }, (_, i) => `echo "step ${i % 17}: ${"x".repeat(i % 23)}"`), ""].join("\n");

describe("encodeBundle: the same bytes for every deployer", () => {
  it("does not use the platform's zlib: a zlib with another OS byte and level changes nothing", async () => {
    const zlib = await import("node:zlib");
    // The mock is in place: the platform's compressor does differ.
    expect(zlib.gzipSync(Buffer.from(SCRIPT))[9]).toBe(19);
    const bytes = Buffer.from(encodeBundle(SCRIPT), "base64");
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(EXPECTED_SHA256);
    expect(bytes.length).toBe(EXPECTED_LENGTH);
  });

  it("writes a fixed gzip header: no timestamp, no file name, OS 3, maximum compression", () => {
    const bytes = Buffer.from(encodeBundle(SCRIPT), "base64");
    // ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=2 (slowest) OS=3.
    expect([...bytes.subarray(0, 10)]).toEqual([31, 139, 8, 0, 0, 0, 0, 0, 2, 3]);
    expect(gunzipSync(bytes).toString("utf8")).toBe(SCRIPT);
  });

  it("is a function of the script alone: twice the same input, the same text; one byte more, another", () => {
    expect(encodeBundle(SCRIPT)).toBe(encodeBundle(`${SCRIPT}`));
    expect(encodeBundle(`${SCRIPT} `)).not.toBe(encodeBundle(SCRIPT));
  });
});

// Pinned: what every deployer sends for SCRIPT. A change here re-runs every step on every host of
// every stack, so it belongs in the release notes.
const EXPECTED_SHA256 = "a4012348b2bf84821f3f64dd492f499d733f2c7ed6417454ef34efd201d995a6";
const EXPECTED_LENGTH = 523;
