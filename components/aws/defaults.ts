import { NGINX_DEFAULTS, UWSGI_DEFAULTS } from "../render/defaults";
import { defaultFrontDoor, type FrontDoor } from "../render/tls";

// The front-door rule is the configuration's (render/tls.ts): one definition for both layers.
export { defaultFrontDoor, type FrontDoor };

// Every default of the AWS provisioning layer, in one place.

export type Egress = "nat" | "proxy";
export const EGRESS_MODES: readonly Egress[] = ["nat", "proxy"];

export type TierRole = "nginx" | "app";

export const FRONT_DOOR_MODES: readonly FrontDoor[] = ["nlb", "eip"];

/** TLS terminated at the NLB with an ACM certificate, forwarded as plain HTTP to `targetPort` on nginx. */
export interface TlsOffload {
  certificateArn: string;
  /** nginx's plain-HTTP port for offloaded TLS (so it can tell it from plain client HTTP). */
  targetPort: number;
}

export const AWS_DEFAULTS = {
  nginxInstanceType: "t3.small",
  appInstanceType: "t3.small",
  vpcCidr: "10.0.0.0/16",
  // Two AZs is the minimum for surviving the loss of one.
  azCount: 2,
  // Works without extra setup; "proxy" saves the NAT gateway's cost (see network.ts).
  egress: "nat" as Egress,
  httpCidrs: ["0.0.0.0/0"] as readonly string[],
  // Same ports the render layer configures nginx and uWSGI with.
  nginxPort: NGINX_DEFAULTS.port as number,
  // The NLB's TLS listener port with tlsOffload when tlsPort is not given. Without TLS no HTTPS
  // port is opened at all.
  tlsPort: 443,
  // nginx answers its health location on the HTTP port (render/nginx/conf.ts).
  healthPath: NGINX_DEFAULTS.healthPath as string,
  uwsgiPort: UWSGI_DEFAULTS.socketPort as number,
  sshPort: 22,
  // GiB; Debian's image is 8 GiB, the rest is room for logs, packages and the app.
  rootVolumeSize: 16,
  // Debian cloud images log in as "admin" (https://wiki.debian.org/Cloud/AmazonEC2Image).
  sshUser: "admin",
} as const;

// The subnet layout (cidr.ts) has 8 public and 8 private /prefix+4 slots; 2 AZs survive losing one.
export const MAX_AZ_COUNT = 8; // = PRIVATE_SLOT_OFFSET in cidr.ts
export const MIN_AZ_COUNT = 2;

/** Host names handed to the configuration layer: `lb-1`, `app-1`, … (DNS labels, stack-unique). */
export const HOST_PREFIX: Record<TierRole, string> = { nginx: "lb", app: "app" };

/**
 * The NLB's health check of every target group: HTTP GET of nginx's health path on its HTTP port.
 * AWS ranges: interval 5–300 s, timeout 2–120 s, thresholds 2–10
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-health-checks.html).
 */
export const NLB_HEALTH_CHECK = {
  intervalSeconds: 10,
  timeoutSeconds: 5,
  healthyThreshold: 2,
  unhealthyThreshold: 2,
  matcher: "200",
} as const;

/**
 * Seconds until the NLB stops sending new connections to a host whose health path answers 503:
 * `unhealthyThreshold` failed checks `intervalSeconds` apart, the last one waiting up to
 * `timeoutSeconds`. nginx keeps serving that long before it stops (its drain time).
 */
export function drainSecondsFor(health: { intervalSeconds: number; timeoutSeconds: number; unhealthyThreshold: number }): number {
  return health.unhealthyThreshold * health.intervalSeconds + health.timeoutSeconds;
}

/** TLS 1.3 with TLS 1.2 fallback, AWS's recommended NLB policy of that generation
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/describe-ssl-policies.html). */
export const NLB_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
