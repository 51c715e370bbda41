// What a failed dial by the OpenSSH client says, in the provider's (x/crypto's) words, so the lab's
// errors read like the provider's and dial.ts can tell a handshake failure from a connect failure:
// - the TCP connect (TCP_CONNECTOR): Go's "dial tcp H:P: connect: …" / "… i/o timeout", as is;
// - the tunnel through a proxy ("channel N: open failed: connect failed: X"): x/crypto's
//   OpenChannelError "ssh: rejected: connect failed (X)" (golang/crypto@v0.48.0 ssh/client.go `Dial`);
// - anything after the connect is the handshake: "ssh: handshake failed: " (ssh/client.go
//   `NewClientConn`) + the cause; a host key that is not the pinned one is ssh.FixedHostKey's
//   "ssh: host key mismatch" (ssh/keys.go `fixedHostKey.check`), no common host key algorithm is
//   "ssh: no common algorithm for host key; we offered: [..], peer offered: [..]" (ssh/common.go
//   `AlgorithmNegotiationError`); other causes keep OpenSSH's words.
import { HANDSHAKE_FAILED } from "./transport";

// Lines of ssh's stderr that repeat or hide the cause of a failed dial.
const NOISE = [
  /^remove with:$/, /^Offending .* key in /, /^ssh-keygen -f /, /^stdio forwarding failed$/, /^Connection closed by UNKNOWN port/,
  /^kex_exchange_identification: Connection closed by remote host$/, /^proxy dialer did not pass back a connection/,
  /^Warning: Permanently added /, /^mm_receive_fd: /,
];

function inProviderWords(lines: string[]): string | undefined {
  const dial = lines.find((l) => l.startsWith("dial tcp "));
  if (dial) return dial;
  const tunnel = lines.map((l) => /^channel \d+: open failed: ([^:]+): (.*)$/.exec(l)).find((m) => m);
  if (tunnel) return `ssh: rejected: ${tunnel[1]} (${tunnel[2]})`;
  if (lines.some((l) => l === "Host key verification failed.")) return `${HANDSHAKE_FAILED}ssh: host key mismatch`;
  return undefined;
}

/** What ssh said about a failed dial, in the provider's words, with the config alias replaced by the hop. */
export function dialCause(stderr: string, code: number | undefined, alias: string, hop: string, offeredHostKeyType?: string): string {
  const lines = stderr.split("\n").map((l) => l.trim()).filter(Boolean);
  const negotiation = lines.map((l) => /no matching host key type found\. Their offer: (\S+)/.exec(l)).find((m) => m);
  if (negotiation && offeredHostKeyType) {
    return `${HANDSHAKE_FAILED}ssh: no common algorithm for host key; we offered: [${offeredHostKeyType}], peer offered: [${negotiation[1]!.split(",").join(" ")}]`;
  }
  const known = inProviderWords(lines);
  if (known) return known;
  const telling = lines.filter((l) => !NOISE.some((re) => re.test(l)));
  const cause = (telling.length > 0 ? telling : lines).slice(-2).join("; ") || `ssh exited ${code}`;
  return `${HANDSHAKE_FAILED}${cause.split(alias).join(hop)}`;
}
