import type { FastifyRequest } from 'fastify';

const loopbackAddresses = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** Whether an address is this machine's own (IPv4 127.0.0.0/8, IPv6 ::1, and IPv4 loopback mapped into IPv6). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  return loopbackAddresses.has(address) || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}

/**
 * Whether the client is on this machine. `request.ip` already follows the trusted proxies (JIUZHU_TRUST_PROXY); and
 * a request that names any client in X-Forwarded-For other than this machine was forwarded for someone elsewhere,
 * even when the proxy that forwarded it sits on this machine and is not configured as trusted — so it is not ours.
 */
export function isLoopbackClient(request: FastifyRequest): boolean {
  if (!isLoopbackAddress(request.ip)) return false;
  const forwarded = request.headers['x-forwarded-for'];
  const forwardedFor = [forwarded ?? []].flat().flatMap((value) => value.split(',')).map((value) => value.trim()).filter(Boolean);
  return forwardedFor.every(isLoopbackAddress) && request.headers.forwarded === undefined;
}
