import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Exchange } from '../../keystore/exchange.js';

declare module 'fastify' {
  interface FastifyInstance {
    exchange: Exchange;
  }
}

/**
 * The keystore and partner registry for routes that take or give envelopes. Envelope bodies arrive as
 * application/pkcs7-mime and are handed to the route as a stream, never buffered whole.
 */
export default fp(
  async function exchangePlugin(fastify: FastifyInstance, options: { exchange: Exchange }) {
    fastify.decorate('exchange', options.exchange);
    fastify.addContentTypeParser('application/pkcs7-mime', (_request, payload, done) => done(null, payload));
  },
  { name: 'exchange' },
);
