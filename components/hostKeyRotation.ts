import * as pulumi from "@pulumi/pulumi";
import { remote } from "@pulumi/command";
import { asRoot, connectionFor, type SshAccess } from "./connection";
import { bootstrapOf, createdInstanceOf, type RemoteHost } from "./host";
import { machineIdentity } from "./hostConfiguration";
import { bundleCommand, encodeBundle, renderHostKeyBundle } from "./render";

const ROTATE_SECONDS = 5 * 60;

/**
 * For a machine the stack created: installs its own host key over a connection pinned to the
 * bootstrap key from user data, once per machine. Every other resource pins the new key, so the
 * bootstrap key, which the EC2 API and the metadata service hand out, no longer authenticates it.
 * Returns undefined for a host without a bootstrap key (existing hosts).
 */
export function rotateHostKey(
  name: string,
  host: RemoteHost,
  access: SshAccess,
  after: pulumi.Input<pulumi.Resource>[],
  parent: pulumi.Resource,
): remote.Command | undefined {
  const bootstrap = bootstrapOf(host);
  if (!bootstrap) return undefined;
  const instance = createdInstanceOf(host);
  const stdin = pulumi.secret(pulumi.output(bootstrap.newHostPrivateKey).apply((key) => encodeBundle(renderHostKeyBundle(host.name, key))));
  return new remote.Command(
    name,
    {
      connection: connectionFor({ ...host, hostKey: bootstrap.hostKey }, access, { firstContact: true }),
      create: asRoot(host, bundleCommand(ROTATE_SECONDS)),
      stdin,
      triggers: [machineIdentity(host)],
      addPreviousOutputInEnv: false,
    },
    {
      parent,
      dependsOn: after,
      // Once it ran, the machine no longer offers the bootstrap key: a new address after a
      // stop/start must not run it again (it would be refused). A new machine replaces it.
      ignoreChanges: ["connection"],
      customTimeouts: { create: "10m", update: "10m", delete: "5m" },
      ...(instance ? { deletedWith: instance } : {}),
    },
  );
}
