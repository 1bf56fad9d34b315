/**
 * Whether a configured listen address is loopback. Exact on purpose: this decides whether the
 * server may start without a token, so a DNS name such as `127.0.0.1.example.com` (which can
 * resolve anywhere) must not count. IPv4 127.0.0.0/8 as a real dotted quad (no leading zeros,
 * which some resolvers read as octal), `::1` with or without brackets, and `localhost`.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === "localhost" || h === "::1" || h === "[::1]") return true;
  const quad = /^127\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/.exec(h);
  return quad?.slice(1).every((part) => Number(part) <= 255) ?? false;
}
