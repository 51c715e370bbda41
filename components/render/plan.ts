import { createHash } from "node:crypto";
import { nginxGeneration, renderNginxConf, renderSiteConf, renderUpstreamConf } from "./nginx/conf";
import { nginxTlsFiles } from "./nginx/tls";
import { REMOTE } from "./paths";
import { renderAppFirewall, renderFirewallUnit } from "./firewall";
import { renderRequirements } from "./requirements";
import { renderAppStep } from "./steps/app";
import { renderBundle, type BundleFile } from "./steps/bundle";
import { renderFirewallStep } from "./steps/firewall";
import { renderNginxStep } from "./steps/nginx";
import { renderPackagesStep } from "./steps/packages";
import { renderPrepareStep } from "./steps/prepare";
import { renderHostKeyStep } from "./steps/hostKey";
import { renderRetireStep } from "./steps/retire";
import { renderSshdStep } from "./steps/sshd";
import { renderSysctlStep } from "./steps/sysctl";
import { renderBastionSshdConf } from "./sshd";
import { renderUwsgiStep } from "./steps/uwsgi";
import { renderAptProxyConf, renderNginxLimits, renderSysctlConf, renderUwsgiProbe, renderUwsgiUnit, sysctlValues } from "./system";
import type { Host, Tuning } from "./tuning";
import { renderUwsgiIni } from "./uwsgi";

export interface PlannedFile {
  path: string; // absolute path on the host
  content: string;
  mode: "0600" | "0644" | "0755";
}

/**
 * Each host gets two remote commands: `provision` (packages, kernel, firewall: on every host at
 * once) and `activate` (what changes what the host serves: in rolling order).
 */
export type Phase = "provision" | "activate";

export interface PlannedStep {
  name: string;
  phase: Phase;
  /** `NN-name.sh`: the order steps run in on a host. */
  scriptName: string;
  script: string;
  files: PlannedFile[];
  /** The application source directory is delivered as a whole to this absolute path. */
  archivePath?: string;
}

export interface HostPlan {
  host: Host;
  steps: PlannedStep[];
}

export interface DeploymentPlan {
  nginx: HostPlan[];
  app: HostPlan[];
  /** Identifies the rendered nginx tier; its health location answers `ok <generation>`. */
  nginxGeneration: string;
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

const STEP_NUMBERS = { prepare: 10, packages: 20, sysctl: 30, firewall: 35, sshd: 37, app: 40, uwsgi: 50, nginx: 50 } as const;
const ACTIVATING: readonly string[] = ["app", "uwsgi", "nginx"];

function step(name: keyof typeof STEP_NUMBERS, script: string, files: PlannedFile[] = [], archivePath?: string): PlannedStep {
  return {
    name,
    phase: ACTIVATING.includes(name) ? "activate" : "provision",
    scriptName: `${STEP_NUMBERS[name]}-${name}.sh`,
    script,
    files,
    ...(archivePath === undefined ? {} : { archivePath }),
  };
}

const file = (path: string, content: string, mode: PlannedFile["mode"] = "0644"): PlannedFile => ({ path, content, mode });

function commonSteps(t: Tuning, host: Host, packages: string[]): PlannedStep[] {
  // Root-only: the URL may carry the proxy's credentials (apt reads it as root, then drops privileges).
  const proxyFiles = t.aptProxy ? [file(REMOTE.aptProxy, renderAptProxyConf(t.aptProxy), "0600")] : [];
  return [
    step("prepare", renderPrepareStep(host)),
    step("packages", renderPackagesStep(host, packages, t.aptProxy !== undefined), proxyFiles),
    step("sysctl", renderSysctlStep(host, sysctlValues(t, host.role)), [file(REMOTE.sysctl, renderSysctlConf(t, host.role))]),
  ];
}

function planAppHost(t: Tuning, host: Host, releaseId: string): HostPlan {
  const requirements = renderRequirements(t.app);
  const requirementsId = requirements ? sha256(requirements).slice(0, 16) : undefined;
  const packages = ["uwsgi", "uwsgi-plugin-python3", "python3", "nftables", ...(requirements ? ["python3-venv"] : []), ...t.app.packages];
  const releasePath = `${REMOTE.releases}/${releaseId}`;
  return {
    host,
    steps: [
      ...commonSteps(t, host, packages),
      step("firewall", renderFirewallStep(host, t.uwsgi.socketPort), [
        file(REMOTE.appFirewall, renderAppFirewall(t)),
        file(REMOTE.firewallUnit, renderFirewallUnit()),
      ]),
      step(
        "app",
        renderAppStep(host, { id: releaseId, ...(requirementsId ? { requirementsId } : {}), ...(t.aptProxy ? { aptProxy: t.aptProxy } : {}) }, t.uwsgi.uid, t.uwsgi.gid),
        requirements ? [file("/etc/webtier/requirements.txt", requirements)] : [],
        releasePath,
      ),
      step("uwsgi", renderUwsgiStep(t, host, releaseId), [
        file(REMOTE.uwsgiIni, renderUwsgiIni(t, host, requirementsId)),
        file(REMOTE.uwsgiUnit, renderUwsgiUnit(t)),
        file(REMOTE.uwsgiProbe, renderUwsgiProbe(), "0755"),
      ]),
    ],
  };
}

function planNginxHost(t: Tuning, host: Host, generation: string): HostPlan {
  // The key is secret: never planned (plans become outputs); the component stages it through
  // renderHostBundle's secretFiles at REMOTE.tlsKey.
  const tlsFiles = nginxTlsFiles(t).flatMap((f) => (f.content === undefined ? [] : [file(f.path, f.content, f.mode)]));
  const bastion = t.bastion === host.name ? [step("sshd", renderSshdStep(host), [file(REMOTE.bastionSshd, renderBastionSshdConf())])] : [];
  return {
    host,
    steps: [
      ...commonSteps(t, host, ["nginx", "curl"]),
      ...bastion,
      step("nginx", renderNginxStep(t, host, generation), [
        file(REMOTE.nginxConf, renderNginxConf(t)),
        file(REMOTE.nginxUpstream, renderUpstreamConf(t)),
        file(REMOTE.nginxSite, renderSiteConf(t)),
        ...tlsFiles,
        file(REMOTE.nginxLimits, renderNginxLimits(t)),
      ]),
    ],
  };
}

/** Everything each host receives, in the order it runs. Pure: same input, identical output. */
export function planDeployment(t: Tuning, releaseId: string): DeploymentPlan {
  const generation = nginxGeneration(t);
  return {
    nginx: t.hosts.nginx.map((host) => planNginxHost(t, host, generation)),
    app: t.hosts.app.map((host) => planAppHost(t, host, releaseId)),
    nginxGeneration: generation,
  };
}

/** One phase of a host's plan as the script its remote command runs; `secretFiles` are staged too. */
export function renderHostBundle(plan: HostPlan, phase: Phase, secretFiles: BundleFile[] = []): string {
  const steps = plan.steps.filter((s) => s.phase === phase);
  return renderBundle({ host: plan.host.name, phase, files: [...steps.flatMap((s) => s.files), ...secretFiles], steps });
}

/** What replaces a new machine's bootstrap host key with `privateKey` (OpenSSH format). */
export function renderHostKeyBundle(hostName: string, privateKey: string): string {
  return renderBundle({
    host: hostName,
    phase: "hostkey",
    files: [{ path: "/etc/ssh/ssh_host_ed25519_key", content: privateKey.endsWith("\n") ? privateKey : `${privateKey}\n` }],
    steps: [{ scriptName: "05-hostkey.sh", script: renderHostKeyStep(hostName) }],
  });
}

/** What runs on a host listed in `hosts.retire`. */
export function renderRetireBundle(hostName: string): string {
  return renderBundle({ host: hostName, phase: "retire", files: [], steps: [{ scriptName: "90-retire.sh", script: renderRetireStep(hostName) }] });
}
