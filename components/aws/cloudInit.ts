import { stringify } from "yaml";

// First-boot user data: cloud-init installs the host key we generated, so the key the
// configuration layer pins is known before the machine exists. Pure: no @pulumi imports.
// https://cloudinit.readthedocs.io/en/latest/reference/modules.html#ssh

export interface HostKeyPair {
  /** OpenSSH-format private key (sshd cannot load ED25519 keys from PKCS#8 PEM). */
  privateKeyOpenssh: string;
  publicKeyOpenssh: string;
}

export function renderHostKeyCloudConfig(key: HostKeyPair): string {
  const config = {
    // Drop any key baked into the image or generated before our module runs.
    ssh_deletekeys: true,
    // Generate no other type (cloud-init 22.4 on Debian 12 already skips generation when ssh_keys
    // is set; this says so for any version): with only the pinned ED25519 key on offer, a client
    // that prefers ECDSA or RSA cannot negotiate a key we did not pin.
    ssh_genkeytypes: [] as string[],
    ssh_keys: {
      ed25519_private: key.privateKeyOpenssh.endsWith("\n") ? key.privateKeyOpenssh : `${key.privateKeyOpenssh}\n`,
      ed25519_public: key.publicKeyOpenssh.trim(),
    },
  };
  return `#cloud-config\n${stringify(config, { blockQuote: "literal", lineWidth: 0 })}`;
}
