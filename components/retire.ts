import * as pulumi from "@pulumi/pulumi";
import { remote } from "@pulumi/command";
import { bundleCommandArgs, type SshAccess } from "./connection";
import type { RemoteHost } from "./host";
import { machineIdentity } from "./hostConfiguration";
import { encodeBundle, renderRetireBundle } from "./render";

const RETIRE_SECONDS = 5 * 60;

/**
 * Returns a host listed in `hosts.retire` to plain Debian, after the tiers stopped sending it
 * traffic. A create, never a delete: removing a host from the stack dials nothing, so a host that
 * is already dead leaves cleanly, and a delete cannot fail and stay pending on every later `up`.
 */
export function retireHost(
  name: string,
  host: RemoteHost,
  access: SshAccess,
  after: pulumi.Input<pulumi.Resource>[],
  parent: pulumi.Resource,
): remote.Command {
  const stdin = encodeBundle(renderRetireBundle(host.name));
  return new remote.Command(
    name,
    bundleCommandArgs(host, access, { stdin, seconds: RETIRE_SECONDS, triggers: [machineIdentity(host)] }),
    { parent, dependsOn: after },
  );
}
