import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AWS_DEFAULTS, type FrontDoor, type TlsOffload } from "./defaults";
import { clientTlsPort, doorListeners } from "./frontDoor";
import { resourceTags, type Tags } from "./tags";
import { assertValid, checkAdminCidr, checkHttpCidrs, checkPort, checkTags, checkTls } from "./validate";

export interface AwsSecurityGroupsArgs {
  vpcId: pulumi.Input<string>;
  /** The only network allowed to SSH to the nginx hosts (which are the app hosts' bastion). */
  adminCidr: string;
  /** Who may reach nginx over HTTP(S): directly (eip) or through the load balancer (nlb). */
  httpCidrs?: string[];
  /** nlb: clients reach only the NLB's group, and nginx admits traffic only from that group. Default eip. */
  frontDoor?: FrontDoor;
  nginxPort?: number;
  /** The port clients use for TLS; opened only when given (or with tlsOffload, default 443). */
  tlsPort?: number;
  /** nlb only: TLS ends at the NLB, which forwards to `targetPort` on nginx. */
  tlsOffload?: TlsOffload;
  uwsgiPort?: number;
  /** Opens this port on nginx hosts to app hosts, for an apt proxy run on the nginx tier. */
  proxyPort?: number;
  /** How app hosts reach package mirrors: through the NAT (`nat`) or only through an apt proxy. */
  egress?: "nat" | "proxy";
  /** The apt proxy's port when it runs outside the nginx tier (egress `proxy`). */
  aptProxyPort?: number;
  tags?: Tags;
}

export function checkSecurityGroups(args: Partial<AwsSecurityGroupsArgs>): string[] {
  const ports = (["nginxPort", "tlsPort", "uwsgiPort", "proxyPort", "aptProxyPort"] as const).flatMap((key) =>
    args[key] === undefined ? [] : checkPort(`aws.${key}`, args[key]),
  );
  return [
    ...checkAdminCidr(args.adminCidr),
    ...(args.httpCidrs === undefined ? [] : checkHttpCidrs(args.httpCidrs)),
    ...ports,
    ...checkTls(args),
    ...checkTags(args.tags),
  ];
}

// "203.0.113.0/24" → "203-0-113-0-24": rule names keyed by CIDR, not by list position, so
// removing one CIDR does not replace the others' rules.
const slug = (cidr: string) => cidr.replace(/[./]/g, "-");

/**
 * Least privilege between the tiers: clients reach only nginx's HTTP(S) ports — directly (eip) or
 * only the NLB's listeners, nginx admitting those ports from the NLB's group alone (nlb) — the admin
 * network only SSH on nginx hosts, and app hosts accept uWSGI and SSH from nginx hosts alone.
 * Outbound is as narrow: nginx hosts reach the app hosts' uWSGI and SSH ports and package mirrors
 * (HTTP/HTTPS); app hosts reach package mirrors through the NAT, or only the apt proxy. The VPC's
 * DNS resolver, time service and instance metadata are not filtered by security groups.
 * One resource per rule (aws.vpc.*Rule), never inline rules, so rules change one at a time.
 */
export class AwsSecurityGroups extends pulumi.ComponentResource {
  readonly nginxSecurityGroupId: pulumi.Output<string>;
  readonly appSecurityGroupId: pulumi.Output<string>;
  /** nlb: the load balancer's group, for the NLB to be created with (it cannot be added later). */
  readonly loadBalancerSecurityGroupId?: pulumi.Output<string>;

  constructor(name: string, args: AwsSecurityGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
    assertValid(checkSecurityGroups(args));
    super("webtier:index:AwsSecurityGroups", name, {}, opts);
    const nginxPort = args.nginxPort ?? AWS_DEFAULTS.nginxPort;
    const tlsPort = clientTlsPort(args);
    const uwsgiPort = args.uwsgiPort ?? AWS_DEFAULTS.uwsgiPort;
    const sshPort = AWS_DEFAULTS.sshPort;
    const httpCidrs = args.httpCidrs ?? [...AWS_DEFAULTS.httpCidrs];
    const child = { parent: this };

    // Descriptions are immutable on AWS (changing one replaces the group): keep them constant.
    const nginx = new aws.ec2.SecurityGroup(`${name}-lb`, { vpcId: args.vpcId, description: "webtier nginx hosts", tags: resourceTags(`${name}-lb`, args.tags) }, child);
    const app = new aws.ec2.SecurityGroup(`${name}-app`, { vpcId: args.vpcId, description: "webtier uWSGI app hosts", tags: resourceTags(`${name}-app`, args.tags) }, child);
    const nlb = args.frontDoor === "nlb"
      ? new aws.ec2.SecurityGroup(`${name}-nlb`, { vpcId: args.vpcId, description: "webtier network load balancer", tags: resourceTags(`${name}-nlb`, args.tags) }, child)
      : undefined;

    type Rule = Omit<aws.vpc.SecurityGroupIngressRuleArgs, "securityGroupId" | "tags">;
    const tcp = (port: number, from: { cidrIpv4: string } | { referencedSecurityGroupId: pulumi.Input<string> }, description: string): Rule => ({
      ipProtocol: "tcp", fromPort: port, toPort: port, ...from, description,
    });
    const rulesOf = new Map<aws.ec2.SecurityGroup, pulumi.Output<string>[]>([nginx, app, ...(nlb ? [nlb] : [])].map((group) => [group, []]));
    const keep = (group: aws.ec2.SecurityGroup, rule: aws.vpc.SecurityGroupIngressRule | aws.vpc.SecurityGroupEgressRule) =>
      rulesOf.get(group)!.push(rule.id);
    const ingress = (ruleName: string, group: aws.ec2.SecurityGroup, rule: Rule) =>
      keep(group, new aws.vpc.SecurityGroupIngressRule(ruleName, { securityGroupId: group.id, ...rule, tags: resourceTags(ruleName, args.tags) }, child));
    const egress = (ruleName: string, group: aws.ec2.SecurityGroup, rule: Rule) =>
      keep(group, new aws.vpc.SecurityGroupEgressRule(ruleName, { securityGroupId: group.id, ...rule, tags: resourceTags(ruleName, args.tags) }, child));
    // Package mirrors (apt, pip) have no fixed addresses: HTTP and HTTPS to anywhere, nothing else.
    const mirrors = (prefix: string, group: aws.ec2.SecurityGroup) => {
      egress(`${prefix}-egress-http`, group, tcp(80, { cidrIpv4: "0.0.0.0/0" }, "package mirrors over HTTP"));
      egress(`${prefix}-egress-https`, group, tcp(443, { cidrIpv4: "0.0.0.0/0" }, "package mirrors over HTTPS"));
    };

    if (nlb) {
      // Targets admit the NLB by its security group, which holds even with client IP preservation
      // on; health checks are subject only to the NLB group's outbound rules and the targets'
      // inbound ones (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html).
      const described = { http: "HTTP", https: "HTTPS" } as const;
      const toNginx = { http: "HTTP and health checks", https: "TLS passthrough", offload: "HTTP from TLS offload" } as const;
      for (const listener of doorListeners(args)) {
        for (const cidr of httpCidrs) {
          ingress(`${name}-nlb-${listener.key}-${slug(cidr)}`, nlb, tcp(listener.port, { cidrIpv4: cidr }, `${described[listener.key]} to the load balancer`));
        }
        // The health check port is nginx's HTTP port: the "http" target's rules cover it.
        const target = listener.target;
        egress(`${name}-nlb-egress-${target.key}`, nlb, tcp(target.port, { referencedSecurityGroupId: nginx.id }, `${toNginx[target.key]} to nginx`));
        ingress(`${name}-lb-${target.key}-from-nlb`, nginx, tcp(target.port, { referencedSecurityGroupId: nlb.id }, `${toNginx[target.key]} from the load balancer`));
      }
      // AWS's recommended rule for path MTU discovery (ICMP type 3 "destination unreachable", code 4
      // "fragmentation needed"), same page; sent by any router on the path, hence from anywhere.
      ingress(`${name}-nlb-icmp-pmtu`, nlb, { ipProtocol: "icmp", fromPort: 3, toPort: 4, cidrIpv4: "0.0.0.0/0", description: "path MTU discovery" });
    } else {
      for (const cidr of httpCidrs) {
        ingress(`${name}-lb-http-${slug(cidr)}`, nginx, tcp(nginxPort, { cidrIpv4: cidr }, "HTTP to nginx"));
        if (tlsPort !== undefined) ingress(`${name}-lb-https-${slug(cidr)}`, nginx, tcp(tlsPort, { cidrIpv4: cidr }, "HTTPS to nginx"));
      }
    }
    ingress(`${name}-lb-ssh-admin`, nginx, tcp(sshPort, { cidrIpv4: args.adminCidr }, "SSH from the admin network"));
    if (args.proxyPort !== undefined) {
      ingress(`${name}-lb-proxy-from-app`, nginx, tcp(args.proxyPort, { referencedSecurityGroupId: app.id }, "apt proxy for app hosts"));
    }
    egress(`${name}-lb-egress-uwsgi`, nginx, tcp(uwsgiPort, { referencedSecurityGroupId: app.id }, "uWSGI on app hosts"));
    egress(`${name}-lb-egress-ssh`, nginx, tcp(sshPort, { referencedSecurityGroupId: app.id }, "SSH to app hosts (bastion)"));
    mirrors(`${name}-lb`, nginx);

    ingress(`${name}-app-uwsgi-from-lb`, app, tcp(uwsgiPort, { referencedSecurityGroupId: nginx.id }, "uWSGI from nginx hosts"));
    // App hosts have no public address: SSH reaches them through an nginx host as bastion.
    ingress(`${name}-app-ssh-from-lb`, app, tcp(sshPort, { referencedSecurityGroupId: nginx.id }, "SSH from nginx hosts (bastion)"));
    if ((args.egress ?? "nat") === "nat") {
      mirrors(`${name}-app`, app);
    } else {
      if (args.proxyPort !== undefined) {
        egress(`${name}-app-egress-proxy`, app, tcp(args.proxyPort, { referencedSecurityGroupId: nginx.id }, "apt proxy on the nginx tier"));
      }
      // Without a NAT the private subnets route only inside the VPC (and what is peered with it).
      if (args.aptProxyPort !== undefined && args.aptProxyPort !== args.proxyPort) {
        egress(`${name}-app-egress-apt-proxy`, app, tcp(args.aptProxyPort, { cidrIpv4: "0.0.0.0/0" }, "apt proxy"));
      }
    }

    // Ids that resolve once the group's rules exist: hosts using them are reachable when created.
    const withRules = (group: aws.ec2.SecurityGroup) => pulumi.all([group.id, ...rulesOf.get(group)!]).apply(([id]) => id);
    this.nginxSecurityGroupId = withRules(nginx);
    this.appSecurityGroupId = withRules(app);
    if (nlb) this.loadBalancerSecurityGroupId = withRules(nlb);
    this.registerOutputs({
      nginxSecurityGroupId: this.nginxSecurityGroupId,
      appSecurityGroupId: this.appSecurityGroupId,
      loadBalancerSecurityGroupId: this.loadBalancerSecurityGroupId,
    });
  }
}
