import { pageHeaders } from '../web/page.js';
import { MessagePage } from '../web/views/layout.js';

/**
 * The page for an authorization request that cannot be answered at the client's redirect URI (RFC 6749
 * §4.1.2.1: never redirect to an unverified URI). The same layout, stylesheet and headers as every other page
 * (web/page.ts: strict CSP, no framing, no caching); everything interpolated is escaped by hono/jsx.
 */
export async function errorPage(status: number, error: string, description: string): Promise<Response> {
  const page = MessagePage({
    title: 'This authorization request cannot be completed',
    message: description,
    hint:
      `Error code: ${error}. You were not sent back to the application because its request could not be verified. ` +
      'Return to the application and try again; if this keeps happening, its developer needs the message above.',
  });
  return new Response(`<!DOCTYPE html>${await page.toString()}`, {
    status,
    headers: { 'Content-Type': 'text/html; charset=utf-8', ...pageHeaders() },
  });
}
