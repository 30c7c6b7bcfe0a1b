import { DeliveryError } from './delivery-error.js';
import type { DeliveryTransport, OutgoingDelivery } from './delivery-queue.js';

export interface HttpTransportOptions {
  /** Per attempt, from the request to the last byte of the answer. Keep it well under the queue's lease. */
  timeoutMs?: number;
  /** The receipt kept from a 2xx answer; longer answers are cut. */
  maxReceiptBytes?: number;
  /** How much of a refusal's body goes into the error. */
  maxErrorExcerpt?: number;
  /** For tests; defaults to Node's global fetch. */
  fetch?: typeof fetch;
}

/**
 * POSTs each delivery's payload to the partner's endpoint_url as `application/pkcs7-mime` (the envelope is
 * CMS-shaped DER, GM/T 0010), with the delivery id, kind and period in headers so the partner can log them
 * without opening anything. A 2xx answer's body is the receipt (JSON kept as the partner wrote it, or text), cut
 * to a few KB; anything else is a failure whose message names the status and a short excerpt of the answer.
 */
export function createHttpTransport(options: HttpTransportOptions = {}): DeliveryTransport {
  const { timeoutMs = 60_000, maxReceiptBytes = 4096, maxErrorExcerpt = 200 } = options;
  const fetchImpl = options.fetch ?? fetch;

  return {
    async send(delivery: OutgoingDelivery) {
      const url = endpointOf(delivery);
      const where = `${delivery.target} (${url.origin}${url.pathname})`;
      let response: Response;
      try {
        response = await fetchImpl(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/pkcs7-mime',
            'x-jiuzhu-delivery-id': String(delivery.id),
            'x-jiuzhu-delivery-attempt': String(delivery.attempt),
            'x-jiuzhu-kind': delivery.kind,
            ...(delivery.period ? { 'x-jiuzhu-period': delivery.period } : {}),
          },
          body: delivery.payload,
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'error',
        });
      } catch (error) {
        throw failure(error, where, timeoutMs);
      }
      let body: string;
      try {
        body = await readCapped(response, response.ok ? maxReceiptBytes : maxErrorExcerpt);
      } catch (error) {
        throw failure(error, where, timeoutMs);
      }
      if (!response.ok) {
        const excerpt = body.replace(/\s+/g, ' ').trim();
        throw new DeliveryError('refused', `${where} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${excerpt ? `: ${excerpt}` : ''}`, { status: response.status });
      }
      return { receipt: body };
    },
  };
}

function endpointOf(delivery: OutgoingDelivery): URL {
  if (!delivery.endpointUrl) throw new DeliveryError('no-endpoint', `partner "${delivery.target}" has no endpoint_url to deliver to`);
  let url: URL;
  try {
    url = new URL(delivery.endpointUrl);
  } catch {
    throw new DeliveryError('no-endpoint', `partner "${delivery.target}" has an endpoint_url that is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new DeliveryError('no-endpoint', `partner "${delivery.target}" has a ${url.protocol} endpoint_url; only http(s) is delivered to`);
  // Credentials in the URL would otherwise end up in last_error.
  if (url.username || url.password) throw new DeliveryError('no-endpoint', `partner "${delivery.target}" has credentials in its endpoint_url; they belong in the transport's configuration`);
  return url;
}

function failure(error: unknown, where: string, timeoutMs: number): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const name = (error as { name?: string } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return new DeliveryError('timeout', `${where} did not answer within ${timeoutMs} ms`, { cause: error });
  // fetch() rejects with "fetch failed"; what happened (ECONNREFUSED, ENOTFOUND, a TLS error) is its cause.
  const inner = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const detail = typeof inner?.code === 'string' ? inner.code : typeof inner?.message === 'string' ? inner.message : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return new DeliveryError('network', `${where} could not be reached: ${message}${detail ? ` (${detail})` : ''}`, { cause: error });
}

/** The body's first `maxBytes` bytes as text; the rest is not read (a partner's error page can be megabytes). */
async function readCapped(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  let truncated = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      length += value.length;
      if (length > maxBytes) {
        truncated = true;
        break;
      }
    }
  } finally {
    if (truncated) await reader.cancel().catch(() => undefined);
    else reader.releaseLock();
  }
  const bytes = Buffer.concat(chunks).subarray(0, maxBytes);
  // A cut may split a UTF-8 character; the decoder's replacement character marks it rather than failing.
  const text = new TextDecoder('utf-8').decode(bytes);
  return truncated ? `${text}…` : text;
}
