import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { OAuthError } from '../oauth/errors.js';

/**
 * The network half of Client ID Metadata Documents (AS-5): an SSRF-guarded GET. The host is resolved once,
 * every address is checked, and the connection goes to the checked address (so a second, rebound DNS answer
 * is never used); no redirects, a time limit, a size limit, JSON only.
 * @see https://datatracker.ietf.org/doc/draft-ietf-oauth-client-id-metadata-document/ (Security Considerations, SSRF)
 */

export const CIMD_MAX_BYTES = 10 * 1024;
export const CIMD_TIMEOUT_MS = 5000;

type Family = 'ipv4' | 'ipv6';
/** Special-purpose ranges (RFC 6890 and the IANA registries) a metadata fetch must never reach. */
const SPECIAL_RANGES: [reason: string, family: Family, network: string, prefix: number][] = [
  ['unspecified', 'ipv4', '0.0.0.0', 8],
  ['private', 'ipv4', '10.0.0.0', 8],
  ['shared (carrier-grade NAT)', 'ipv4', '100.64.0.0', 10],
  ['loopback', 'ipv4', '127.0.0.0', 8],
  ['link-local', 'ipv4', '169.254.0.0', 16],
  ['private', 'ipv4', '172.16.0.0', 12],
  ['reserved', 'ipv4', '192.0.0.0', 24],
  ['documentation', 'ipv4', '192.0.2.0', 24],
  ['private', 'ipv4', '192.168.0.0', 16],
  ['benchmarking', 'ipv4', '198.18.0.0', 15],
  ['documentation', 'ipv4', '198.51.100.0', 24],
  ['documentation', 'ipv4', '203.0.113.0', 24],
  ['multicast', 'ipv4', '224.0.0.0', 4],
  ['reserved', 'ipv4', '240.0.0.0', 4],
  ['unspecified', 'ipv6', '::', 128],
  ['loopback', 'ipv6', '::1', 128],
  // Deprecated IPv4-compatible (RFC 4291 §2.5.5.1) and IPv4-translated (RFC 2765 §2.1) forms carry an IPv4 address
  // that BlockList does not unwrap (it does only ::ffff:a.b.c.d): refused as a whole.
  ['IPv4-compatible (may embed a private IPv4 address)', 'ipv6', '::', 96],
  ['IPv4-translated (may embed a private IPv4 address)', 'ipv6', '::ffff:0:0:0', 96],
  // Translation prefixes can embed any IPv4 address, private ones included; refused as a whole.
  ['NAT64 (may embed a private IPv4 address)', 'ipv6', '64:ff9b::', 96],
  ['NAT64 (may embed a private IPv4 address)', 'ipv6', '64:ff9b:1::', 48],
  ['discard-only', 'ipv6', '100::', 64],
  ['Teredo (may embed a private IPv4 address)', 'ipv6', '2001::', 32],
  ['documentation', 'ipv6', '2001:db8::', 32],
  ['6to4 (may embed a private IPv4 address)', 'ipv6', '2002::', 16],
  ['unique-local', 'ipv6', 'fc00::', 7],
  ['link-local', 'ipv6', 'fe80::', 10],
  ['site-local', 'ipv6', 'fec0::', 10],
  ['multicast', 'ipv6', 'ff00::', 8],
];
const RANGE_LISTS = SPECIAL_RANGES.map(([reason, family, network, prefix]) => {
  const list = new BlockList();
  list.addSubnet(network, prefix, family);
  return { reason, list };
});

/**
 * Why an address must not be fetched from (loopback, private, link-local, unique-local, multicast, ...), or
 * null for a public unicast address. IPv4-mapped IPv6 addresses (::ffff:10.0.0.1) are judged as the IPv4
 * address they carry (node's BlockList does this).
 */
export function forbiddenAddressReason(address: string): string | null {
  const ip = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const version = isIP(ip);
  if (version === 0) return 'not an IP address';
  const family: Family = version === 4 ? 'ipv4' : 'ipv6';
  for (const { reason, list } of RANGE_LISTS) if (list.check(ip, family)) return reason;
  return null;
}

export interface FetchedDocument {
  document: unknown;
  /** The Cache-Control header as received, for the cache lifetime. */
  cacheControl: string | undefined;
}

export interface FetchOptions {
  /** Test setting (CIMD_ALLOW_PRIVATE_ADDRESSES): allows private and loopback addresses, and http on loopback. */
  allowPrivateAddresses: boolean;
  timeoutMs?: number;
  maxBytes?: number;
  /** DNS resolution; replaced in tests. */
  resolve?: (hostname: string) => Promise<{ address: string; family: number }[]>;
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', '[::1]', 'localhost']);
const fail = (why: string, cause?: unknown) => new OAuthError('invalid_client', `client metadata document ${why}`, { cause });

/** Resolves the host and refuses it if any of its addresses is special-purpose. Returns the address to connect to. */
export async function resolvePublicAddress(url: URL, opts: FetchOptions): Promise<{ address: string; family: number }> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: { address: string; family: number }[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await (opts.resolve ?? ((h) => lookup(h, { all: true, verbatim: true })))(host);
    } catch (err) {
      throw fail(`host ${host} could not be resolved`, err);
    }
  }
  if (addresses.length === 0) throw fail(`host ${host} has no addresses`);
  if (!opts.allowPrivateAddresses) {
    // Every address is checked, not only the first: a host may mix a public and a private answer.
    for (const a of addresses) {
      const reason = forbiddenAddressReason(a.address);
      if (reason) throw fail(`host ${host} resolves to ${a.address}, a ${reason} address, which is never fetched`);
    }
  }
  return addresses[0]!;
}

function isJson(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

/** GET the document with the guards above. Throws OAuthError invalid_client naming what was wrong. */
export async function fetchMetadataDocument(rawUrl: string, opts: FetchOptions): Promise<FetchedDocument> {
  const url = new URL(rawUrl);
  const plainHttpAllowed = opts.allowPrivateAddresses && LOOPBACK_NAMES.has(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && plainHttpAllowed)) throw fail('URL must use https');
  const target = await resolvePublicAddress(url, opts);
  const maxBytes = opts.maxBytes ?? CIMD_MAX_BYTES;
  const timeoutMs = opts.timeoutMs ?? CIMD_TIMEOUT_MS;
  // Connect to the address just checked (DNS rebinding); TLS still verifies the certificate for the host name.
  const pinned: LookupFunction = (_host, options, callback) => {
    if (options.all) callback(null, [target]);
    else callback(null, target.address, target.family);
  };

  const signal = AbortSignal.timeout(timeoutMs);
  const body = await new Promise<{ text: string; cacheControl: string | undefined }>((resolve, reject) => {
    // Only the first outcome counts: destroying a response also emits events of its own.
    let settled = false;
    const settle = (err: OAuthError | null, value?: { text: string; cacheControl: string | undefined }) => {
      if (settled) return;
      settled = true;
      if (err) reject(err);
      else resolve(value!);
    };
    const broken = (err?: Error) =>
      settle(
        signal.aborted
          ? fail(`took longer than ${timeoutMs} ms`, err)
          : fail(`could not be fetched (${(err as NodeJS.ErrnoException | undefined)?.code ?? err?.message ?? 'connection closed'})`, err),
      );
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(
      url,
      {
        method: 'GET',
        headers: { accept: 'application/json', 'user-agent': 'oauth-mcp (client metadata fetch)' },
        lookup: pinned,
        agent: false,
        signal,
      },
      (res) => {
        const refuse = (why: string) => {
          settle(fail(why));
          res.destroy();
        };
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) return refuse(`answered a redirect (HTTP ${status}); redirects are not followed`);
        if (status !== 200) return refuse(`answered HTTP ${status}`);
        if (!isJson(res.headers['content-type'])) return refuse(`has content type ${JSON.stringify(res.headers['content-type'] ?? '')}; application/json is required`);
        if (Number(res.headers['content-length'] ?? 0) > maxBytes) return refuse(`is larger than ${maxBytes} bytes`);
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) refuse(`is larger than ${maxBytes} bytes`);
          else chunks.push(chunk);
        });
        res.on('end', () => settle(null, { text: Buffer.concat(chunks).toString('utf8'), cacheControl: res.headers['cache-control'] }));
        res.on('error', broken);
        res.on('aborted', () => broken());
      },
    );
    req.on('error', broken);
    req.end();
  });

  try {
    return { document: JSON.parse(body.text), cacheControl: body.cacheControl };
  } catch (err) {
    throw fail('is not valid JSON', err);
  }
}
