import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

/** The SDK v2 client with a fixed bearer token (a token obtained elsewhere), for tests about who calls. */
export async function bearerClient(endpoint: URL, token: string): Promise<Client> {
  const client = new Client({ name: 'gateway-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(endpoint, { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  return client;
}
