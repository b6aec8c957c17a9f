import type { AuthEvent, EventSink } from '../events/events.js';
import { RULES } from '../oauth/rules.js';
import type { AuditInput, AuditLog } from './audit.js';

/** The audit row (and so the flow step, log line and metric) an event stands for. */
export function auditInputOf(event: AuthEvent): AuditInput {
  switch (event.type) {
    case 'client.registered':
      // A registration starts the client's flow (interop note 14).
      return { type: 'client_registered', clientId: event.clientId, detail: `${event.clientName ?? '(no name)'}; ${event.authMethod}; redirect ${event.redirectUris.join(' ')}` };
    case 'client.registration_refused':
      // A refused registration has no client yet, so no flow: the row still says which rule broke.
      return { type: 'client_registered', outcome: 'failure', rule: event.error.rule ?? RULES.registrationRefused, error: event.error.code, detail: event.error.description };
    case 'token.revoked':
      return {
        type: 'token_revoked',
        clientId: event.clientId,
        subject: event.subject,
        detail:
          event.token.kind === 'refresh token'
            ? `refresh token revoked by the client; grant ${event.token.grantId} revoked`
            : `access token ${event.token.jti} revoked by the client`,
      };
    case 'token.revocation_refused':
      return { type: 'token_revoked', outcome: 'failure', clientId: event.clientId, rule: RULES.revokeForeignToken, error: 'unauthorized_client', detail: `${event.kind} of another client; nothing revoked` };
    case 'grants.revoked_by_user':
      return { type: 'token_revoked', clientId: event.clientId, subject: event.subject, detail: `revoked by the user at /account: ${event.grants} grant(s), consent forgotten` };
  }
}

/** The audit trail as a subscriber: every event becomes its audit row, in the flow the trail's policy picks. */
export function auditEventSink(audit: AuditLog): EventSink {
  return {
    async emit(event) {
      await audit.record(auditInputOf(event));
    },
  };
}
