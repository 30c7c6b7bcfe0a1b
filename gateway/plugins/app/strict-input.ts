import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ProblemError, type FieldError } from '../../errors.js';

/**
 * Input read the way it is written, not the way JavaScript would read it:
 * - a JSON body must be UTF-8 (RFC 8259 §8.1): `application/json; charset=gbk` is refused (415), not decoded as if it
 *   were UTF-8 into different characters;
 * - a path or query parameter typed as an integer or number must be written in decimal. ajv's coercion takes any
 *   string `+value` accepts, so `/v1/warnings/0x10` would be warning 16 and `1e3` warning 1000.
 * Both run after the auth hook (registered after it), so only a key allowed on the route gets this far.
 */
export default fp(
  async function strictInput(fastify: FastifyInstance) {
    fastify.addHook('onRequest', async (request: FastifyRequest) => {
      const contentType = request.headers['content-type'];
      if (contentType === undefined) return;
      const [mediaType = '', ...parameters] = contentType.split(';').map((part) => part.trim().toLowerCase());
      if (mediaType !== 'application/json' && !mediaType.endsWith('+json')) return;
      const charset = parameters.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/^"|"$/g, '');
      if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
        throw new ProblemError('unsupported-media-type', `JSON bodies are UTF-8 (RFC 8259 §8.1), not ${charset}`);
      }
    });

    fastify.addHook('preValidation', async (request: FastifyRequest) => {
      const schema = request.routeOptions.schema;
      if (!schema) return;
      const errors = [
        ...notDecimal(schema.params, request.params, 'path'),
        ...notDecimal(schema.querystring, request.query, 'query'),
      ];
      if (errors.length > 0) throw new ProblemError('validation-failed', `${errors.length} parameter(s) are not decimal numbers`, errors);
    });
  },
  { name: 'strict-input', dependencies: ['problem-details'] },
);

const decimalInteger = /^-?(0|[1-9][0-9]*)$/;
const decimalNumber = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/;

function notDecimal(schema: unknown, values: unknown, place: 'path' | 'query'): FieldError[] {
  const properties = (schema as { properties?: Record<string, { type?: string | string[] }> } | undefined)?.properties;
  if (!properties || values === null || typeof values !== 'object') return [];
  const errors: FieldError[] = [];
  for (const [name, definition] of Object.entries(properties)) {
    const raw = (values as Record<string, unknown>)[name];
    if (typeof raw !== 'string') continue;
    const types = [definition.type ?? []].flat();
    const pattern = types.includes('integer') ? decimalInteger : types.includes('number') ? decimalNumber : undefined;
    if (pattern && !pattern.test(raw)) errors.push({ in: place, parameter: name, detail: types.includes('integer') ? 'must be a whole number written in decimal digits' : 'must be a number written in decimal digits' });
  }
  return errors;
}
