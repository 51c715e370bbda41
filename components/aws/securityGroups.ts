import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AWS_DEFAULTS } from "./defaults";
import { resourceTags, type Tags } from "./tags";
import { assertValid, checkAdminCidr, checkHttpCidrs, checkPort, checkTags } from "./validate";

export interface AwsSecurityGroupsArgs {
  vpcId: pulumi.Input<string>;
  /** The only network allowed to SSH to the nginx hosts (which are the app hosts' bastion). */
  adminCidr: string;
  /** Who may reach nginx over HTTP(S). */
  httpCidrs?: string[];
  nginxPort?: number;
  httpsPort?: number;
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
  const ports = (["nginxPort", "httpsPort", "uwsgiPort", "proxyPort", "aptProxyPort"] as const).flatMap((key) =>
    args[key] === undefined ? [] : checkPort(`aws.${key}`, args[key]),
  );
  return [
    ...checkAdminCidr(args.adminCidr),
    ...(args.httpCidrs === undefined ? [] : checkHttpCidrs(args.httpCidrs)),
    ...ports,
    ...checkTags(args.tags),
  ];
}

// "203.0.113.0/24" → "203-0-113-0-24": rule names keyed by CIDR, not by list position, so
// removing one CIDR does not replace the others' rules.
const slug = (cidr: string) => cidr.replace(/[./]/g, "-");

/**
 * Least privilege between the tiers: the internet reaches only nginx's HTTP(S) ports, the admin
 * network only SSH on nginx hosts, and app hosts accept uWSGI and SSH from nginx hosts alone.
 * Outbound is as narrow: nginx hosts reach the app hosts' uWSGI and SSH ports and package mirrors
 * (HTTP/HTTPS); app hosts reach package mirrors through the NAT, or only the apt proxy. The VPC's
 * DNS resolver, time service and instance metadata are not filtered by security groups.
 * One resource per rule (aws.vpc.*Rule), never inline rules, so rules change one at a time.
 */
export class AwsSecurityGroups extends pulumi.ComponentResource {
  readonly nginxSecurityGroupId: pulumi.Output<string>;
  readonly appSecurityGroupId: pulumi.Output<string>;

  constructor(name: string, args: AwsSecurityGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
    assertValid(checkSecurityGroups(args));
    super("webtier:index:AwsSecurityGroups", name, {}, opts);
    const nginxPort = args.nginxPort ?? AWS_DEFAULTS.nginxPort;
    const httpsPort = args.httpsPort ?? AWS_DEFAULTS.httpsPort;
    const uwsgiPort = args.uwsgiPort ?? AWS_DEFAULTS.uwsgiPort;
    const sshPort = AWS_DEFAULTS.sshPort;
    const httpCidrs = args.httpCidrs ?? [...AWS_DEFAULTS.httpCidrs];
    const child = { parent: this };

    // Descriptions are immutable on AWS (changing one replaces the group): keep them constant.
    const nginx = new aws.ec2.SecurityGroup(`${name}-lb`, { vpcId: args.vpcId, description: "webtier nginx hosts", tags: resourceTags(`${name}-lb`, args.tags) }, child);
    const app = new aws.ec2.SecurityGroup(`${name}-app`, { vpcId: args.vpcId, description: "webtier uWSGI app hosts", tags: resourceTags(`${name}-app`, args.tags) }, child);

    type Rule = Omit<aws.vpc.SecurityGroupIngressRuleArgs, "securityGroupId" | "tags">;
    const tcp = (port: number, from: { cidrIpv4: string } | { referencedSecurityGroupId: pulumi.Input<string> }, description: string): Rule => ({
      ipProtocol: "tcp", fromPort: port, toPort: port, ...from, description,
    });
    const rulesOf = new Map<aws.ec2.SecurityGroup, pulumi.Output<string>[]>([[nginx, []], [app, []]]);
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

    for (const cidr of httpCidrs) {
      ingress(`${name}-lb-http-${slug(cidr)}`, nginx, tcp(nginxPort, { cidrIpv4: cidr }, "HTTP to nginx"));
      if (httpsPort !== nginxPort) ingress(`${name}-lb-https-${slug(cidr)}`, nginx, tcp(httpsPort, { cidrIpv4: cidr }, "HTTPS to nginx"));
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
    this.registerOutputs({ nginxSecurityGroupId: this.nginxSecurityGroupId, appSecurityGroupId: this.appSecurityGroupId });
  }
}
