import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { maskIdNumbersInUrl } from '../../access/masking.js';
import { requestIdHeader } from './request-id.js';
import { ProblemError, problemCatalogue, problemType, type FieldError, type ProblemCode } from '../../errors.js';

interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

const validationPlace = { body: 'body', querystring: 'query', params: 'path', headers: 'header' } as const;

/**
 * Every failure leaves as RFC 9457 application/problem+json from the catalogue in errors.ts, naming the
 * failing fields. Unknown errors become a bare 500; the real error is logged under the request id only.
 */
export default fp(
  async function problemDetails(fastify: FastifyInstance) {
    fastify.setErrorHandler(async (error: FastifyError, request, reply) => {
      if (error instanceof ProblemError) return sendProblem(request, reply, error);
      if (error.validation) {
        const place = validationPlace[(error.validationContext ?? 'body') as keyof typeof validationPlace] ?? 'body';
        const errors = (error.validation as AjvIssue[]).map((issue) => fieldErrorOf(place, issue));
        return sendProblem(request, reply, new ProblemError('validation-failed', `${errors.length} field(s) fail the schema`, errors));
      }
      const mapped = frameworkProblem(error);
      if (mapped) return sendProblem(request, reply, mapped);
      request.log.error({ err: error }, 'unhandled error');
      return sendProblem(request, reply, new ProblemError('internal-error', `see the server log for request ${request.id}`));
    });
    fastify.setNotFoundHandler(async (request, reply) =>
      sendProblem(request, reply, new ProblemError('not-found', `no route ${request.method} ${request.url.split('?')[0]}`)),
    );
  },
  { name: 'problem-details' },
);

export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: ProblemError): FastifyReply {
  return reply
    .code(problem.status)
    // Set here too for errors fastify's router meets before any hook runs (frameworkErrorHandler).
    .header(requestIdHeader, request.id)
    .type('application/problem+json')
    .send({
      type: problemType(problem.code),
      title: problem.title,
      status: problem.status,
      detail: problem.message,
      instance: maskIdNumbersInUrl(request.url.split('?')[0] ?? ''),
      code: problem.code,
      requestId: request.id,
      ...(problem.errors.length > 0 ? { errors: problem.errors } : {}),
    });
}

/**
 * Errors fastify's router meets before any hook or handler runs (fastify option `frameworkErrors`): a URL that is not
 * valid percent-encoding, or a path parameter longer than the router takes. They leave as problem+json like the rest.
 */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const problem = error.code === 'FST_ERR_MAX_PARAM_LENGTH'
    ? new ProblemError('uri-too-long', 'a path parameter is longer than 100 characters')
    : new ProblemError('validation-failed', 'the URL is not valid percent-encoding', [{ in: 'path', parameter: 'url', detail: 'not valid percent-encoding' }]);
  return sendProblem(request, reply, problem);
}

/**
 * Requests Node's HTTP parser refuses before fastify sees them (fastify option `clientErrorHandler`): headers over
 * the size limit (431), a NUL or other forbidden byte in a header, a broken request line (400). There is no request
 * object yet, so the answer is written to the socket as it stands, then the connection is closed.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    socket.end('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  const problem = error.code === 'HPE_HEADER_OVERFLOW'
    ? new ProblemError('headers-too-large', 'the request headers exceed 16 KB')
    : new ProblemError('malformed-request', 'the request line or a header is not valid HTTP (a header may not contain NUL or other control characters)');
  const body = JSON.stringify({ type: problemType(problem.code), title: problem.title, status: problem.status, detail: problem.message, code: problem.code });
  const reason = problem.status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
  socket.end(`HTTP/1.1 ${problem.status} ${reason}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

function fieldErrorOf(place: FieldError['in'] & string, issue: AjvIssue): FieldError {
  const child = (issue.params.missingProperty ?? issue.params.additionalProperty) as string | undefined;
  const path = child === undefined ? issue.instancePath : `${issue.instancePath}/${escapePointer(child)}`;
  const detail = issue.keyword === 'additionalProperties' ? `unknown property ${child}` : (issue.message ?? issue.keyword);
  if (place === 'body') return { in: 'body', pointer: path || '/', detail };
  return { in: place, parameter: path.replace(/^\//, ''), detail };
}

function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

const frameworkCodes: Record<string, ProblemCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload-too-large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation-failed',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'validation-failed',
  FST_ERR_CTP_INVALID_JSON_BODY: 'validation-failed',
};

function frameworkProblem(error: FastifyError): ProblemError | undefined {
  const code = error.code ? frameworkCodes[error.code] : undefined;
  if (code) return new ProblemError(code, error.message);
  // JSON.parse failures reach here as SyntaxError with statusCode 400.
  if (error.statusCode === 400 && error instanceof SyntaxError) {
    return new ProblemError('validation-failed', 'the body is not valid JSON', [{ in: 'body', pointer: '/', detail: error.message }]);
  }
  if (error.statusCode && error.statusCode < 500) {
    const byStatus = (Object.keys(problemCatalogue) as ProblemCode[]).find((c) => problemCatalogue[c].status === error.statusCode);
    return new ProblemError(byStatus ?? 'validation-failed', error.message);
  }
  return undefined;
}
