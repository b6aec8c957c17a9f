import { expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { databaseVariants, describeEachDatabase } from '../helpers/databases.js';
import { startObservedServers } from '../helpers/observed-servers.js';

const DEMO_BASIC = `Basic ${Buffer.from('demo_client:demo_secret').toString('base64')}`;

/**
 * Audit rows are written behind the answer, in batches (observability/audit-queue.ts). A clean shutdown loses
 * none: closing the authorization server writes what is queued before the store closes. Checked by opening the
 * database again, on every database that survives a reopen.
 */
describeEachDatabase(
  'audit rows queued at shutdown',
  (variant) => {
    it('are all in the database after close(), without a flush from the caller', async () => {
      const { url, drop } = await variant.create();
      try {
        const s = await startObservedServers({ DATABASE_URL: url, LOG_LEVEL: 'silent' });
        const answers = await Promise.all(
          Array.from({ length: 25 }, () =>
            fetch(`${s.issuer}/oauth/token`, {
              method: 'POST',
              headers: { authorization: DEMO_BASIC, 'content-type': 'application/x-www-form-urlencoded' },
              body: 'grant_type=client_credentials&scope=read',
            }).then((r) => r.status),
          ),
        );
        expect(answers.every((status) => status === 200)).toBe(true);
        await s.close();

        const reopened = await openStore(url);
        try {
          const rows = await reopened.listAuditEvents({ clientId: 'demo_client', limit: 100 });
          expect(rows.filter((e) => e.type === 'token_issued' && e.outcome === 'success')).toHaveLength(25);
        } finally {
          await reopened.close();
        }
      } finally {
        await drop();
      }
    });
  },
  databaseVariants().filter((v) => v.persistent),
);
