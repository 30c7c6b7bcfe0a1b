import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AuditEntry } from '../../../schemas/types/index.js';
import { createAuditGroupCommit } from '../../audit/audit-group-commit.js';
import type { Viewed } from '../../register/register-views.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The audit action of a route that reads personal data or changes anything, e.g. person.read. */
    audit?: string;
  }
  interface FastifyRequest {
    audited: boolean;
    /** Why a request failed, for the audit line the hook writes (e.g. an envelope refusal); never personal data. */
    auditNote: string | null;
    /** Logs a successful read of personal data with the persons it showed; call before returning the data. */
    auditRead(viewed: Viewed<unknown>, resource?: { type: string; id: string }): Promise<void>;
    /** Marks a route whose service already wrote its audit line inside its own transaction. */
    markAudited(): void;
  }
}

/**
 * Who, what, when for every read of personal data and every change. Successful reads are logged by the
 * handler before the data leaves (if logging fails, the caller gets a 500, not the data); changes are
 * logged inside their transaction; and any attempt by a known key that failed — forbidden, out of scope,
 * invalid — is logged here with its outcome, so denied access leaves a trace too. Attempts without a valid
 * key are summarised by the auth plugin. The entries of reads and refusals are appended together with those of
 * other requests in flight (audit-group-commit.ts), each request still waiting for its own.
 */
export default fp(
  async function audit(fastify: FastifyInstance) {
    const entries = createAuditGroupCommit(fastify.store.knex);
    // Requests in flight have waited for their entries by now; this covers any that did not.
    fastify.addHook('onClose', async () => entries.settled());
    fastify.decorateRequest('audited', false);
    fastify.decorateRequest('auditNote', null);
    fastify.decorateRequest('auditRead', async function auditRead(this: FastifyRequest, viewed: Viewed<unknown>, resource?: { type: string; id: string }) {
      const action = this.routeOptions.config?.audit;
      if (!action) throw new Error(`route ${this.routeOptions.url} reads personal data but declares no audit action`);
      await entries.append(this.actor, {
        action,
        outcome: 'ok',
        subjectPersonIds: viewed.subjectPersonIds,
        regionCode: viewed.regionCode,
        resourceType: resource?.type,
        resourceId: resource?.id,
      });
      this.audited = true;
    });
    fastify.decorateRequest('markAudited', function markAudited(this: FastifyRequest) {
      this.audited = true;
    });
    fastify.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply) => {
      const action = request.routeOptions.config?.audit;
      // Failed authentications (401) and the refusals they lead to (429) are summarised by the auth plugin, one
      // line per client address and minute, so a flood of bad keys cannot flood the log.
      if (!action || request.audited || reply.statusCode === 401 || reply.statusCode === 429) return;
      await entries.append(request.actor, {
        action,
        outcome: outcomeOf(reply.statusCode),
        detail: `${request.method} ${request.routeOptions.url} → ${reply.statusCode}${request.auditNote ? `: ${request.auditNote}` : ''}`,
      });
    });
  },
  { name: 'audit', dependencies: ['store'] },
);

function outcomeOf(status: number): AuditEntry['outcome'] {
  if (status === 401 || status === 403) return 'denied';
  if (status === 404) return 'not-found';
  if (status >= 500) return 'error';
  if (status >= 400) return 'invalid';
  return 'ok';
}
