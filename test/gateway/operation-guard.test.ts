import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { guardOperations } from '../../gateway/plugins/external/operation-guard.js';

const ok = async () => ({});

describe('the operation guard', () => {
  let app: FastifyInstance;
  afterEach(async () => {
    await app.close();
  });

  function guarded(): FastifyInstance {
    app = Fastify();
    guardOperations(app);
    return app;
  }

  it('refuses a documented route without an operationId', () => {
    expect(() => guarded().get('/v1/things', { schema: { tags: ['register'] }, handler: ok })).toThrow('route GET /v1/things declares no camelCase operationId');
  });

  it('refuses an operationId that is not camelCase', () => {
    expect(() => guarded().get('/v1/things', { schema: { operationId: 'list_things' }, handler: ok })).toThrow('declares no camelCase operationId');
    expect(() => app.get('/v1/others', { schema: { operationId: 'list' }, handler: ok })).toThrow('declares no camelCase operationId');
  });

  it('refuses an operationId another route already has, naming both', () => {
    guarded().get('/v1/things', { schema: { operationId: 'listThings' }, handler: ok });
    expect(() => app.post('/v1/things', { schema: { operationId: 'listThings' }, handler: ok })).toThrow('route POST /v1/things reuses operationId listThings of GET /v1/things');
  });

  it('refuses a tag openapi-tags.ts does not define', () => {
    expect(() => guarded().get('/v1/things', { schema: { operationId: 'listThings', tags: ['things'] }, handler: ok })).toThrow('tagged things');
  });

  it('lets through hidden routes, and the HEAD copy fastify makes of each GET', async () => {
    guarded().get('/docs/page', { schema: { hide: true }, handler: ok });
    app.get('/v1/things', { schema: { operationId: 'listThings', tags: ['register'] }, handler: ok });
    app.get('/v1/things/:id', { schema: { operationId: 'getThing', tags: ['register'] }, handler: ok });
    await app.ready();
    expect((await app.inject({ method: 'HEAD', url: '/v1/things' })).statusCode).toBe(200);
  });
});
