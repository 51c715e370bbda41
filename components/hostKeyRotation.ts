import * as pulumi from "@pulumi/pulumi";
import { remote } from "@pulumi/command";
import { bundleCommandArgs, type SshAccess } from "./connection";
import { bootstrapOf, createdInstanceOf, type RemoteHost } from "./host";
import { machineIdentity } from "./hostConfiguration";
import { encodeBundle, renderHostKeyBundle } from "./render";

const ROTATE_SECONDS = 5 * 60;
/** Every input of the rotation but `triggers` (the machine's identity). */
const ROTATION_FIXED_INPUTS = ["connection", "create", "stdin", "addPreviousOutputInEnv"];

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
    // Pinned to the bootstrap key: the only one the machine offers until this has run.
    bundleCommandArgs({ ...host, hostKey: bootstrap.hostKey }, access, {
      stdin, seconds: ROTATE_SECONDS, triggers: [machineIdentity(host)], firstContact: true,
    }),
    {
      parent,
      dependsOn: after,
      // Once it ran, the machine no longer offers the bootstrap key, so an update could only fail
      // (after every dial the limit allows): nothing but a new machine may touch it. Not a new
      // address after a stop/start, not a new script or command text from a webtier upgrade. A new
      // machine changes `triggers`: a replace, which Pulumi checks without ignoreChanges
      // (pulumi v3.248 pkg/resource/deploy/step_generator.go), so it runs with the new inputs.
      ignoreChanges: ROTATION_FIXED_INPUTS,
      customTimeouts: { create: "10m", update: "10m", delete: "5m" },
      ...(instance ? { deletedWith: instance } : {}),
    },
  );
}
