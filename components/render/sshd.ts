import { BASTION_SSHD } from "./defaults";

/** The bastion's sshd drop-in: room for the handshakes one `pulumi up` makes at once. */
export function renderBastionSshdConf(): string {
  return [
    "# webtier: this nginx host is the SSH bastion of the app tier. Each remote resource on an app",
    "# host dials through it, up to `pulumi up --parallel` at once: no random drops of",
    "# unauthenticated connections below the first number (sshd's default is 10:30:100).",
    `MaxStartups ${BASTION_SSHD.maxStartups}`,
    "",
  ].join("\n");
}
