import type { ScopeDefinitions } from '../index.js';

/** The demo's two scopes, with the words the consent page shows; write includes read (RS-6). */
export const DEMO_SCOPES: ScopeDefinitions = {
  read: { description: 'Read your profile and your data items' },
  write: { description: 'Create, change and delete your data items', implies: ['read'] },
};
