import type { FastifyInstance } from 'fastify';
import { actorOf } from '../plugins/app/auth.js';
import { problemResponses, ref } from '../plugins/app/schemas.js';
import { viewAssistanceChain, viewPerson } from '../register/register-views.js';

/** Accepts what people paste (lowercase x, spaces, full-width digits); the identity module decides. */
const idNumber = { type: 'string', minLength: 1, maxLength: 60, description: '公民身份号码 (15 or 18 characters)' } as const;
const idNumberParams = { type: 'object', required: ['idNumber'], properties: { idNumber } } as const;
const idNumberBody = { type: 'object', additionalProperties: false, required: ['idNumber'], properties: { idNumber } } as const;

/**
 * A URL is written to access logs, proxy logs and browser histories; an ID number in it travels with it. The lookups
 * take the number in the body instead; the older GET routes stay for existing clients, and the server log masks the
 * number in their URLs.
 */
const lookupNote = 'The ID number travels in the body, so no access log or proxy records it; prefer this to the GET form.';

export default async function personRoutes(fastify: FastifyInstance): Promise<void> {
  const { knex } = fastify.store;

  fastify.get<{ Params: { idNumber: string } }>('/v1/persons/:idNumber', {
    config: { audit: 'person.read', access: 'readPersonalData' },
    schema: {
      operationId: 'getPerson',
      summary: 'A person by citizen ID number, with enrolments and benefit account (masked unless the role needs them)',
      description: 'Finds a person of the register by 公民身份号码 in the URL; kept for existing clients, since the number ends up in access and proxy logs: '
        + 'prefer POST /v1/lookups/person. The read is written to the audit log.',
      tags: ['register'],
      params: idNumberParams,
      response: { 200: ref('person'), ...problemResponses },
    },
    handler: async (request) => {
      const viewed = await viewPerson(knex, actorOf(request), request.params.idNumber);
      await request.auditRead(viewed, { type: 'person', id: String(viewed.subjectPersonIds[0]) });
      return viewed.view;
    },
  });

  fastify.get<{ Params: { idNumber: string } }>('/v1/persons/:idNumber/assistance-chain', {
    config: { audit: 'person.assistance-chain.read', access: 'readPersonalData' },
    schema: {
      operationId: 'getAssistanceChain',
      summary: 'The person’s assistance chain (一人一条救助链): enrolments and every department’s reported assistance',
      description: 'Gathers the person’s enrolments and the assistance every department reported for them, with totals, by 公民身份号码 in the URL; kept for '
        + 'existing clients: prefer POST /v1/lookups/assistance-chain. The read is written to the audit log.',
      tags: ['register'],
      params: idNumberParams,
      response: { 200: ref('assistance-chain'), ...problemResponses },
    },
    handler: async (request) => {
      const viewed = await viewAssistanceChain(knex, actorOf(request), request.params.idNumber);
      await request.auditRead(viewed, { type: 'person', id: String(viewed.subjectPersonIds[0]) });
      return viewed.view;
    },
  });

  fastify.post<{ Body: { idNumber: string } }>('/v1/lookups/person', {
    config: { audit: 'person.read', access: 'readPersonalData' },
    schema: {
      operationId: 'lookUpPerson',
      summary: 'A person by citizen ID number given in the body, with enrolments and benefit account (masked unless the role needs them)',
      description: lookupNote,
      tags: ['register'],
      body: idNumberBody,
      response: { 200: ref('person'), ...problemResponses },
    },
    handler: async (request) => {
      const viewed = await viewPerson(knex, actorOf(request), request.body.idNumber, 'body');
      await request.auditRead(viewed, { type: 'person', id: String(viewed.subjectPersonIds[0]) });
      return viewed.view;
    },
  });

  fastify.post<{ Body: { idNumber: string } }>('/v1/lookups/assistance-chain', {
    config: { audit: 'person.assistance-chain.read', access: 'readPersonalData' },
    schema: {
      operationId: 'lookUpAssistanceChain',
      summary: 'The assistance chain (一人一条救助链) of the person whose citizen ID number is given in the body',
      description: lookupNote,
      tags: ['register'],
      body: idNumberBody,
      response: { 200: ref('assistance-chain'), ...problemResponses },
    },
    handler: async (request) => {
      const viewed = await viewAssistanceChain(knex, actorOf(request), request.body.idNumber, 'body');
      await request.auditRead(viewed, { type: 'person', id: String(viewed.subjectPersonIds[0]) });
      return viewed.view;
    },
  });
}
