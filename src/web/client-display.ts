import type { ClientRecord } from '../store/store.js';

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** How the pages name a client (interop note 15: show who is asking, for what, and where the code goes). */
export interface ClientDisplay {
  name: string;
  clientId: string;
  /** For a Client ID Metadata Document: the host of its URL, the only thing this server can vouch for. */
  documentHost?: string;
  /** Every redirect URI is on localhost: the code goes to a program on this computer, whatever its name says. */
  localhostOnly: boolean;
}

function isLoopback(uri: string): boolean {
  try {
    const u = new URL(uri);
    return (u.protocol === 'http:' || u.protocol === 'https:') && LOOPBACK.has(u.hostname);
  } catch {
    return false;
  }
}

export function describeClient(client: ClientRecord): ClientDisplay {
  let documentHost: string | undefined;
  // AS-5: a client_id that is an https URL is a Client ID Metadata Document; its name is self-asserted.
  if (client.clientId.startsWith('https://')) {
    try {
      documentHost = new URL(client.clientId).host;
    } catch {
      documentHost = undefined;
    }
  }
  const name = client.clientName?.trim() || documentHost || 'An unnamed application';
  return {
    name,
    clientId: client.clientId,
    ...(documentHost !== undefined && { documentHost }),
    localhostOnly: client.redirectUris.length > 0 && client.redirectUris.every(isLoopback),
  };
}

/** Where the authorization code will be sent, in words: a host, or an app scheme on this device. */
export function describeRedirect(redirectUri: string): string {
  try {
    const u = new URL(redirectUri);
    if (u.protocol === 'http:' || u.protocol === 'https:') return u.host;
    return `the ${u.protocol}// app on this device`;
  } catch {
    return redirectUri;
  }
}
