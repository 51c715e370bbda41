// What the AWS program's data sources and resources answer under mocks (no test framework here:
// benchmarks use it too).

type Outputs = (type: string, name: string, inputs: any) => Record<string, unknown>;

/** The data sources the AWS program reads. */
export const AWS_FUNCTIONS = {
  "aws:index/getAvailabilityZones:getAvailabilityZones": () => ({ names: ["eu-west-1a", "eu-west-1b"], zoneIds: ["euw1-az1", "euw1-az2"] }),
  "aws:ec2/getAmi:getAmi": () => ({ id: "ami-0debian12" }),
};

/**
 * What the AWS program's resources answer: instances get private addresses in creation order (and
 * nginx hosts a public one), the Elastic IP and the keys theirs. A resource that `known` rejects
 * would be created: it answers with none, as in `pulumi preview`.
 */
export function awsOutputs(known: (type: string, name: string) => boolean = () => true): Outputs {
  let nextHost = 0;
  return (type, name, inputs) => {
    if (type === "aws:ec2/instance:Instance") {
      nextHost++;
      if (!known(type, name)) return {};
      // Past .255 the next subnet (benchmarks create hundreds).
      const n = 100 + nextHost;
      return { privateIp: `10.0.${(name.includes("-lb-") ? 0 : 8) + Math.floor(n / 256)}.${n % 256}`, publicIp: inputs.associatePublicIpAddress ? `198.51.100.${nextHost}` : "" };
    }
    // A single nginx host's front door: its Elastic IP, recorded once allocated.
    if (type === "aws:ec2/eip:Eip") {
      if (!known(type, name)) return {};
      return { publicIp: "203.0.113.10", publicDns: "ec2-203-0-113-10.eu-west-1.compute.amazonaws.com" };
    }
    if (type === "tls:index/privateKey:PrivateKey") {
      if (!known(type, name)) return {};
      return { publicKeyOpenssh: `ssh-ed25519 AAAA${name}\n`, privateKeyOpenssh: `-----BEGIN OPENSSH PRIVATE KEY-----\n${name}\n` };
    }
    return {};
  };
}
