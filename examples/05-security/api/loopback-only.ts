import { BlockList, isIPv6 } from 'node:net';
import type { RequestHandler } from 'express';
import { AppError } from '../errors/errors.js';

// Node's BlockList knows subnets and IPv4-mapped IPv6 (::ffff:127.0.0.1): no hand-written parsing.
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

export function isLoopback(address: string | undefined): boolean {
  // Stryker disable next-line StringLiteral: Node 24's BlockList reads any family but 'ipv4' as IPv6, so '' is 'ipv6' here
  return address !== undefined && LOOPBACK.check(address, isIPv6(address) ? 'ipv6' : 'ipv4');
}

// #region loopback-only
/**
 * For routes that must never leave this machine (a debug page, the demo's injectable route).
 * It reads the socket's address, never `req.ip`: X-Forwarded-For is whatever the client wrote.
 * Anyone else gets the API's ordinary 404, not a hint that something is there.
 */
export function loopbackOnly(): RequestHandler {
  return (req, _res, next) => {
    // A bare 404, byte for byte the app's answer to a path it does not have: a field would tell.
    next(isLoopback(req.socket.remoteAddress) ? undefined : new AppError(404, 'not found'));
  };
}
// #endregion loopback-only
