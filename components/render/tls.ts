import { checkCertificateChain } from "./certificates";
import { TLS_DEFAULTS } from "./defaults";
import type { TlsEntry, WebtierConfig } from "./schema";
import type { Tuning } from "./tuning";

// `tls`: where HTTPS ends and with which certificate. Exactly one source per stack:
// - certificate: a PEM chain nginx serves (its key is the secret stack key `webtier:tlsKey`);
// - selfSigned: the component layer generates a certificate once per stack and hands it on the
//   same way as a configured one: `certificate` set and `selfSigned` dropped, so the renderer and
//   these rules see one source. Before it exists (validation with stand-in hosts) nginx's TLS
//   directives are rendered all the same and only the certificate file is left out;
// - certificateArn: an AWS network load balancer ends TLS with this ACM certificate and sends
//   the decrypted traffic to nginx's plain `offloadPort` ("offload").

export interface TlsTuning {
  certificate?: string;
  selfSigned: boolean;
  certificateArn?: string;
  /** The HTTPS port clients use (nginx's, or the load balancer's when offloaded). */
  port: number;
  offloadPort: number;
  redirectHttp: boolean;
  hsts?: { maxAge: number; includeSubDomains: boolean; preload: boolean };
  serverNames: string[];
}

/** Where TLS ends: in nginx, at a load balancer in front of it ("offload"), or nowhere. */
export type TlsMode = "nginx" | "offload" | undefined;

/** How clients reach an AWS stack: a network load balancer, or an Elastic IP per nginx host. */
export type FrontDoor = "nlb" | "eip";

export function resolveTls(entry: TlsEntry | undefined): TlsTuning | undefined {
  if (entry === undefined) return undefined;
  return {
    ...(entry.certificate === undefined ? {} : { certificate: entry.certificate }),
    selfSigned: entry.selfSigned ?? false,
    ...(entry.certificateArn === undefined ? {} : { certificateArn: entry.certificateArn }),
    port: entry.port ?? TLS_DEFAULTS.port,
    offloadPort: entry.offloadPort ?? TLS_DEFAULTS.offloadPort,
    redirectHttp: entry.redirectHttp ?? TLS_DEFAULTS.redirectHttp,
    ...(entry.hsts === undefined
      ? {}
      : {
          hsts: {
            maxAge: entry.hsts.maxAge,
            includeSubDomains: entry.hsts.includeSubDomains ?? TLS_DEFAULTS.includeSubDomains,
            preload: entry.hsts.preload ?? TLS_DEFAULTS.preload,
          },
        }),
    serverNames: [...(entry.serverNames ?? [])],
  };
}

export function tlsModeOf(tls: TlsTuning | undefined): TlsMode {
  if (tls === undefined) return undefined;
  if (tls.certificateArn !== undefined) return "offload";
  return "nginx";
}

/**
 * The effective front door of an AWS stack: `aws.frontDoor`, else a load balancer when there
 * is more than one nginx host (clients need one address) and an Elastic IP for a single host.
 * Undefined for existing hosts.
 */
export function frontDoorOf(config: Pick<WebtierConfig, "aws">): FrontDoor | undefined {
  if (config.aws === undefined) return undefined;
  return config.aws.frontDoor ?? defaultFrontDoor(config.aws.nginxCount ?? 1);
}

/** 2+ nginx hosts need one address in front of them (an NLB); one host is reached at its EIP. */
export function defaultFrontDoor(nginxCount: number): FrontDoor {
  return nginxCount > 1 ? "nlb" : "eip";
}

const SOURCES_RULE = "must set exactly one of certificate, selfSigned, certificateArn";

function checkSources(tls: TlsTuning, errors: string[]): void {
  const sources = [
    ...(tls.certificate !== undefined ? ["certificate"] : []),
    ...(tls.selfSigned ? ["selfSigned"] : []),
    ...(tls.certificateArn !== undefined ? ["certificateArn"] : []),
  ];
  if (sources.length === 0) errors.push(`tls (no certificate source) ${SOURCES_RULE}`);
  if (sources.length > 1) errors.push(`tls (${sources.join(" and ")}) ${SOURCES_RULE}`);
}

// Every port nginx listens on must be free on its host (sshd holds the SSH port), and no two
// roles may share one; tls.port is the load balancer's when offloaded, so it clashes only there.
function checkPorts(t: Tuning, errors: string[]): void {
  const mode = tlsModeOf(t.tls);
  const ports: { key: string; port: number; onHost: boolean }[] = [{ key: "nginx.port", port: t.nginx.port, onHost: true }];
  if (t.tls) ports.push({ key: "tls.port", port: t.tls.port, onHost: mode === "nginx" });
  if (t.tls && mode === "offload") ports.push({ key: "tls.offloadPort", port: t.tls.offloadPort, onHost: true });
  ports.forEach((p, j) => {
    const first = ports.slice(0, j).find((q) => q.port === p.port);
    if (first) errors.push(`${p.key} (${p.port}) must differ from ${first.key}`);
  });
  for (const p of ports.filter((q) => q.onHost)) {
    t.hosts.nginx.forEach((host, i) => {
      if (host.port === p.port) errors.push(`${p.key} (${p.port}) must differ from hosts.nginx[${i}].port, the SSH port of ${host.name}`);
    });
  }
}

/** Cross-key rules on `tls` and the ports nginx listens on; the chain is checked at `now`. */
export function validateTls(t: Tuning, now: Date): { errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  checkPorts(t, errors);
  if (t.tls === undefined) return { errors, warnings };
  checkSources(t.tls, errors);
  if (t.tls.certificate !== undefined) {
    const chain = checkCertificateChain(t.tls.certificate, now);
    errors.push(...chain.errors);
    warnings.push(...chain.warnings);
  }
  return { errors, warnings };
}
