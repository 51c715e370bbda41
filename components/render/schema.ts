import { z } from "zod";
import { aptProxyProblem, dnsNameProblem, hostAddressProblem, hostKeyProblem, indexUrlProblem, rawDirectiveProblem } from "./valueRules";

// The public configuration contract: the `webtier:*` keys of a Pulumi stack config, namespace
// stripped. Structure only (types, ranges, unknown keys); cross-key rules live in validate.ts.

const positiveInt = z
  .number({ error: "must be a positive integer" })
  .int({ error: "must be a positive integer" })
  .positive({ error: "must be a positive integer" });
const nonNegativeInt = z
  .number({ error: "must be a non-negative integer" })
  .int({ error: "must be a non-negative integer" })
  .nonnegative({ error: "must be a non-negative integer" });
const port = z
  .number({ error: "must be an integer from 1 to 65535" })
  .int({ error: "must be an integer from 1 to 65535" })
  .min(1, { error: "must be an integer from 1 to 65535" })
  .max(65535, { error: "must be an integer from 1 to 65535" });
const flag = z.boolean({ error: "must be true or false" });
// Free-form values (instance types, paths) never need more; a cap keeps every check cheap.
const text = z
  .string({ error: "must be a string" })
  .min(1, { error: "must not be empty" })
  .max(1024, { error: "must not exceed 1024 characters" });
const ipv4 = z.ipv4({ error: "must be an IPv4 address" });

/** A string checked by one of the rule functions (`…Problem(value)` returns the broken rule). */
function ruled<S extends z.ZodType<string>>(schema: S, problem: (value: string) => string | undefined) {
  return schema.superRefine((value, ctx) => {
    const rule = problem(value);
    if (rule !== undefined) ctx.addIssue({ code: "custom", message: rule });
  });
}
const hostAddress = ruled(ipv4, hostAddressProblem);
const cidr = z.cidrv4({ error: "must be an IPv4 CIDR such as 10.0.0.0/16" });
const posixName = z
  .string({ error: "must be a string" })
  .regex(/^[a-z_][a-z0-9_-]{0,31}$/, { error: "must be a POSIX user name" });
// One nginx directive without terminator or block: the serializer adds the ";".
const rawDirective = ruled(z.string({ error: "must be a string" }), rawDirectiveProblem);

export const BALANCING_METHODS = ["round_robin", "least_conn", "ip_hash", "hash", "random"] as const;

export const hostSchema = z.strictObject({
  name: z.string({ error: "must be a string" }).regex(/^[a-z0-9][a-z0-9-]{0,62}$/, {
    error: "must be lowercase letters, digits and '-' (a DNS label)",
  }),
  address: hostAddress,
  privateAddress: hostAddress.optional(),
  port: port.optional(),
  user: posixName.optional(),
  hostKey: ruled(z.string({ error: "must be a string" }), hostKeyProblem).optional(),
  weight: positiveInt.optional(),
  maxFails: nonNegativeInt.optional(),
  failTimeout: positiveInt.optional(),
  backup: flag.optional(),
  down: flag.optional(),
});

export const uwsgiSchema = z.strictObject({
  socketPort: port.optional(),
  workers: positiveInt.optional(),
  threads: positiveInt.optional(),
  cheaper: positiveInt.optional(),
  listen: positiveInt.optional(),
  harakiri: positiveInt.optional(),
  postBuffering: positiveInt.optional(),
  bufferSize: positiveInt.optional(),
  maxRequests: positiveInt.optional(),
  reloadOnRss: positiveInt.optional(),
  thunderLock: flag.optional(),
  enableThreads: flag.optional(),
  lazyApps: flag.optional(),
  singleInterpreter: flag.optional(),
  disableLogging: flag.optional(),
  statsPort: port.optional(),
  uid: posixName.optional(),
  gid: posixName.optional(),
});

export const nginxSchema = z.strictObject({
  port: port.optional(),
  backlog: positiveInt.optional(),
  workerProcesses: z.union([z.literal("auto"), positiveInt], { error: "must be \"auto\" or a positive integer" }).optional(),
  workerConnections: positiveInt.optional(),
  workerRlimitNofile: positiveInt.optional(),
  keepaliveTimeout: nonNegativeInt.optional(),
  keepaliveRequests: positiveInt.optional(),
  clientMaxBodySize: z.string().regex(/^[0-9]+[kmg]?$/, { error: "must be a size such as 10m" }).optional(),
  uwsgiConnectTimeout: positiveInt.max(75, { error: "must not exceed 75 (nginx caps connect timeouts)" }).optional(),
  uwsgiReadTimeout: positiveInt.optional(),
  uwsgiSendTimeout: positiveInt.optional(),
  uwsgiBuffering: flag.optional(),
  uwsgiRequestBuffering: flag.optional(),
  uwsgiNextUpstream: z
    .array(
      z.enum(["error", "timeout", "invalid_header", "http_500", "http_503", "http_403", "http_404", "http_429", "non_idempotent", "off"], {
        error: "must list uwsgi_next_upstream conditions (error, timeout, invalid_header, http_500, http_503, http_403, http_404, http_429, non_idempotent, off)",
      }),
    )
    .optional(),
  uwsgiNextUpstreamTries: nonNegativeInt.optional(),
  healthPath: z.string().regex(/^\/[A-Za-z0-9._/-]*$/, { error: "must be an absolute URL path" }).optional(),
  extraHttp: z.array(rawDirective).optional(),
  extraServer: z.array(rawDirective).optional(),
  // A front door's health checks need a few intervals to take a host out; ten minutes is plenty.
  drainSeconds: nonNegativeInt.max(600, { error: "must not exceed 600" }).optional(),
});

export const upstreamSchema = z.strictObject({
  hashKey: z.string().regex(/^[$A-Za-z0-9_]+$/, { error: "must be an nginx variable expression such as $remote_addr" }).optional(),
  consistent: flag.optional(),
  randomTwo: flag.optional(),
  maxFails: nonNegativeInt.optional(),
  failTimeout: positiveInt.optional(),
});

export const sysctlSchema = z.strictObject({
  somaxconn: positiveInt.optional(),
  tcpMaxSynBacklog: positiveInt.optional(),
  ipLocalPortRange: z.string().regex(/^[0-9]+ [0-9]+$/, { error: "must be \"LOW HIGH\"" }).optional(),
  tcpTwReuse: z.union([z.literal(0), z.literal(1), z.literal(2)], { error: "must be 0, 1 or 2" }).optional(),
  tcpFinTimeout: positiveInt.optional(),
});

export const appSchema = z.strictObject({
  module: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.]*(:[A-Za-z_][A-Za-z0-9_]*)?$/, {
    error: "must be a WSGI module such as project.wsgi:application",
  }).optional(),
  source: text.optional(),
  packages: z.array(z.string().regex(/^[a-z0-9][a-z0-9+.-]+$/, { error: "must be a Debian package name" })).optional(),
  requirements: z.array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._\-\[\],<>=!~ ]*$/, { error: "must be a pip requirement such as flask==3.0.3" })).optional(),
  /** The package index pip installs `requirements` from (PEP 503 simple API); default pip's own (PyPI). */
  indexUrl: ruled(z.string({ error: "must be a string" }), indexUrlProblem).optional(),
});

export const awsSchema = z.strictObject({
  nginxCount: positiveInt.optional(),
  appCount: positiveInt.optional(),
  nginxInstanceType: text.optional(),
  appInstanceType: text.optional(),
  ami: z.string().regex(/^ami-[0-9a-f]+$/, { error: "must be an AMI id such as ami-0123456789abcdef0" }).optional(),
  vpcId: z.string().regex(/^vpc-[0-9a-f]+$/, { error: "must be a VPC id such as vpc-0123abcd" }).optional(),
  publicSubnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]+$/, { error: "must be a subnet id" })).optional(),
  privateSubnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]+$/, { error: "must be a subnet id" })).optional(),
  vpcCidr: cidr.optional(),
  azCount: positiveInt.min(2, { error: "must be at least 2 (hosts spread over availability zones)" }).optional(),
  egress: z.enum(["nat", "proxy"], { error: "must be nat or proxy" }).optional(),
  adminCidr: cidr.optional(),
  /** Opens this port on the nginx hosts to the app hosts: an apt proxy on the nginx tier. */
  proxyPort: port.optional(),
  rootVolumeSize: positiveInt.optional(),
  /** What clients reach: a network load balancer, or an Elastic IP on each nginx host. */
  frontDoor: z.enum(["nlb", "eip"], { error: "must be nlb or eip" }).optional(),
  tags: z.record(z.string(), z.string({ error: "must be a string" })).optional(),
});

// A certificate chain is a few KB; the cap keeps every check on it cheap.
export const CERTIFICATE_MAX_LENGTH = 65536;

export const hstsSchema = z.strictObject({
  maxAge: positiveInt,
  includeSubDomains: flag.optional(),
  preload: flag.optional(),
});

// Cross-key rules (one certificate source, ports, the chain itself) live in tls.ts.
export const tlsSchema = z.strictObject({
  certificate: z
    .string({ error: "must be a string" })
    .max(CERTIFICATE_MAX_LENGTH, { error: `must not exceed ${CERTIFICATE_MAX_LENGTH} characters` })
    .optional(),
  selfSigned: flag.optional(),
  certificateArn: z
    .string({ error: "must be a string" })
    .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate\/[0-9a-f-]+$/, {
      error: "must be an ACM certificate ARN such as arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-…",
    })
    .optional(),
  port: port.optional(),
  offloadPort: port.optional(),
  redirectHttp: flag.optional(),
  hsts: hstsSchema.optional(),
  serverNames: z.array(ruled(z.string({ error: "must be a string" }), dnsNameProblem)).optional(),
});

export const configSchema = z.strictObject({
  hosts: z
    .strictObject({
      nginx: z.array(hostSchema),
      app: z.array(hostSchema),
      /** Hosts that left the stack and are to be returned to plain Debian on this `up`. */
      retire: z.array(hostSchema).optional(),
    })
    .optional(),
  balancing: z.enum(BALANCING_METHODS, { error: `must be one of ${BALANCING_METHODS.join(", ")}` }).optional(),
  upstream: upstreamSchema.optional(),
  uwsgi: uwsgiSchema.optional(),
  nginx: nginxSchema.optional(),
  sysctl: sysctlSchema.optional(),
  app: appSchema.optional(),
  clientCidrs: z.array(cidr).optional(),
  aptProxy: ruled(z.string({ error: "must be a string" }), aptProxyProblem).optional(),
  /** HTTPS: the certificate source, ports, redirect and HSTS. The private key is `webtier:tlsKey`. */
  tls: tlsSchema.optional(),
  /** Existing hosts: the nginx host app hosts are reached through over SSH. */
  bastion: z.string({ error: "must be a host name" }).optional(),
  rollout: z.strictObject({ batchSize: positiveInt.optional() }).optional(),
  /**
   * The program's stack outputs that copy every host's text into the state (each rendered file; each
   * command's output, which the command's own state and the `up` log already hold): off unless set.
   */
  outputs: z.strictObject({ renderedFiles: flag.optional(), stepOutputs: flag.optional() }).optional(),
  /** AWS mode: webtier creates the hosts (mutually exclusive with `hosts`). */
  aws: awsSchema.optional(),
});

export type WebtierConfig = z.infer<typeof configSchema>;
export type HostEntry = z.infer<typeof hostSchema>;
export type TlsEntry = z.infer<typeof tlsSchema>;
