import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { requireBinary, run } from "../support/binaries";

// Certificates made for the test with the real openssl, never checked in: a CA, an intermediate
// and server certificates it issues, plus a plain self-signed one. Valid for 30 days from now.

export interface Issued {
  certificate: string;
  key: string;
  /** `openssl x509 -startdate`/`-enddate`, as ISO 8601. */
  validFrom: string;
  validTo: string;
}

export interface TestPki {
  root: Issued;
  intermediate: Issued;
  /** CN=www.example.test, OCSP responder http://ocsp.example.test (a name that never resolves). */
  leaf: Issued;
  /** The same key, OCSP responder http://127.0.0.1:9/ (nginx resolves the responder at startup). */
  leafLocalOcsp: Issued;
  /** Issued by the intermediate without an authority key id: only the signature ties it to its issuer. */
  leafNoKeyId: Issued;
  /** Self-signed, with the intermediate's name but its own key: it issued nothing. */
  forgedIntermediate: Issued;
  /** CN=self.example.test, no OCSP responder, its own issuer. */
  selfSigned: Issued;
  /** Removes the working directory. */
  cleanup(): void;
}

function openssl(dir: string, args: string[]): string {
  const result = run("openssl", args, { cwd: dir });
  if (result.status !== 0) throw new Error(`openssl ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdout;
}

function dateOf(dir: string, file: string, which: "startdate" | "enddate"): string {
  const line = openssl(dir, ["x509", "-in", file, "-noout", `-${which}`]).trim();
  return new Date(line.replace(/^not(Before|After)=/, "")).toISOString();
}

function read(dir: string, name: string): Issued {
  return {
    certificate: fs.readFileSync(path.join(dir, `${name}.pem`), "utf8"),
    key: fs.readFileSync(path.join(dir, `${name}.key`), "utf8"),
    validFrom: dateOf(dir, `${name}.pem`, "startdate"),
    validTo: dateOf(dir, `${name}.pem`, "enddate"),
  };
}

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];

function issue(dir: string, name: string, subject: string, issuer: string, serial: number, extensions: string[], key = name): void {
  fs.writeFileSync(path.join(dir, `${name}.ext`), `${extensions.join("\n")}\n`);
  const keyArgs = fs.existsSync(path.join(dir, `${key}.key`)) ? ["-key", `${key}.key`] : [...EC, "-keyout", `${key}.key`];
  openssl(dir, ["req", "-new", ...keyArgs, "-subj", subject, "-out", `${name}.csr`]);
  openssl(dir, ["x509", "-req", "-in", `${name}.csr`, "-CA", `${issuer}.pem`, "-CAkey", `${issuer}.key`, "-set_serial", String(serial), "-days", "30", "-extfile", `${name}.ext`, "-out", `${name}.pem`]);
  if (key !== name) fs.copyFileSync(path.join(dir, `${key}.key`), path.join(dir, `${name}.key`));
}

export function makeTestPki(): TestPki {
  requireBinary("openssl");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "webtier-pki-"));
  const ca = ["basicConstraints=critical,CA:TRUE", "keyUsage=critical,keyCertSign,cRLSign"];
  openssl(dir, ["req", "-x509", ...EC, "-keyout", "root.key", "-out", "root.pem", "-days", "30", "-subj", "/CN=Webtier Test Root CA", ...ca.flatMap((e) => ["-addext", e])]);
  issue(dir, "intermediate", "/CN=Webtier Test Intermediate CA", "root", 2, ["basicConstraints=critical,CA:TRUE,pathlen:0", "keyUsage=critical,keyCertSign,cRLSign"]);
  const server = ["basicConstraints=CA:FALSE", "subjectAltName=DNS:www.example.test", "extendedKeyUsage=serverAuth"];
  issue(dir, "leaf", "/CN=www.example.test", "intermediate", 3, [...server, "authorityInfoAccess=OCSP;URI:http://ocsp.example.test"]);
  issue(dir, "leafLocalOcsp", "/CN=www.example.test", "intermediate", 4, [...server, "authorityInfoAccess=OCSP;URI:http://127.0.0.1:9/"], "leaf");
  issue(dir, "leafNoKeyId", "/CN=www.example.test", "intermediate", 5, [...server, "authorityKeyIdentifier=none"], "leaf");
  openssl(dir, ["req", "-x509", ...EC, "-keyout", "forged.key", "-out", "forged.pem", "-days", "30", "-subj", "/CN=Webtier Test Intermediate CA", ...ca.flatMap((e) => ["-addext", e])]);
  openssl(dir, ["req", "-x509", ...EC, "-keyout", "self.key", "-out", "self.pem", "-days", "30", "-subj", "/CN=self.example.test", "-addext", "subjectAltName=DNS:self.example.test"]);
  return {
    root: read(dir, "root"),
    intermediate: read(dir, "intermediate"),
    leaf: read(dir, "leaf"),
    leafLocalOcsp: read(dir, "leafLocalOcsp"),
    leafNoKeyId: read(dir, "leafNoKeyId"),
    forgedIntermediate: read(dir, "forged"),
    selfSigned: read(dir, "self"),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
