/**
 * Which hosts are this machine. Plain http and custom endpoints are allowed only there, so this
 * one definition guards both the token's endpoints and the HTTP transport.
 */
const LOOPBACK_NAMES = new Set(["localhost", "[::1]", "::1"]);

/** Whether a URL host name is this machine: 127.0.0.0/8, ::1 or localhost. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  return LOOPBACK_NAMES.has(host) || /^127(\.\d{1,3}){3}$/.test(host);
}
