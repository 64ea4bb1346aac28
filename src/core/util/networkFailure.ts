/** What a failed request's low-level text means, in words a user can act on. */
export interface NetworkFailure {
  /** A few words that fit a narrow row, the likely cause first. */
  readonly summary: string;
  /** The cause and what to check. */
  readonly explanation: string;
}

/**
 * Node reports "getaddrinfo ENOTFOUND api.kraken.com" (userMessage words it "host not found (ENOTFOUND api.kraken.com)") for a machine without a network (or a DNS or proxy that blocks
 * the host), "connect ECONNREFUSED 127.0.0.1:8765" for a local endpoint that is not running. Undefined for any other
 * failure.
 */
export function networkFailure(text: string): NetworkFailure | undefined {
  const lookup = /\b(?:ENOTFOUND|EAI_AGAIN) ([^\s,)]+)/.exec(text);
  if (lookup) return { summary: `offline? ${lookup[1]} not found`, explanation: `${lookup[1]} cannot be looked up: this machine is offline, or its DNS or proxy does not resolve that host` };
  const refused = /ECONNREFUSED ([^\s,)]+)/.exec(text);
  if (refused) return { summary: `nothing answers at ${refused[1]}`, explanation: `nothing answers at ${refused[1]}: the server is not running there, or a firewall refuses the connection` };
  const timedOut = /(?:ETIMEDOUT|UND_ERR_CONNECT_TIMEOUT)(?: ([^\s,)]+))?/.exec(text);
  if (!timedOut) return undefined;
  const host = timedOut[1] ?? 'the server';
  return { summary: `${host} did not answer`, explanation: `${host} did not answer in time: the network or the server is slow or unreachable` };
}
