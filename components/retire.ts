import * as pulumi from "@pulumi/pulumi";
import { remote } from "@pulumi/command";
import { asRoot, connectionFor, type SshAccess } from "./connection";
import type { RemoteHost } from "./host";
import { machineIdentity } from "./hostConfiguration";
import { bundleCommand, encodeBundle, renderRetireBundle } from "./render";

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
  return new remote.Command(
    name,
    {
      connection: connectionFor(host, access),
      create: asRoot(host, bundleCommand(RETIRE_SECONDS)),
      stdin: encodeBundle(renderRetireBundle(host.name)),
      triggers: [machineIdentity(host)],
      addPreviousOutputInEnv: false,
    },
    { parent, dependsOn: after },
  );
}
