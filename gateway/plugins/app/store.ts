import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Store } from '../../store/connect.js';

declare module 'fastify' {
  interface FastifyInstance {
    store: Store;
  }
}

/** Hands the store to routes. The caller owns it (opens, migrates, closes); the app only borrows it. */
export default fp(
  async function storePlugin(fastify: FastifyInstance, options: { store: Store }) {
    fastify.decorate('store', options.store);
  },
  { name: 'store' },
);
