import type { FastifyInstance } from 'fastify';
import { todayInShanghai } from '../calendar/shanghai-date.js';
import { ProblemError } from '../errors.js';
import { BenefitInputError } from '../payroll/benefit-calculation.js';
import { loadBenefitStandards } from '../payroll/benefit-standards.js';
import { checkEligibility } from '../payroll/eligibility-self-check.js';
import { problemResponses, ref } from '../plugins/app/schemas.js';
import type { SelfCheckRequest } from '../../schemas/types/index.js';

export interface SelfCheckRouteOptions {
  /** The clock: the month estimated when none is given. */
  now?: () => Date;
}

export default async function selfCheckRoutes(fastify: FastifyInstance, options: SelfCheckRouteOptions): Promise<void> {
  fastify.post<{ Body: SelfCheckRequest }>('/v1/self-check', {
    // Any key may ask (a county's portal relays its residents' questions); nothing personal is stored or returned.
    config: { access: 'readFigures' },
    schema: {
      operationId: 'checkEligibility',
      summary: '资格自测: which programmes a household as described may qualify for (低保, 低保边缘, 特困, 刚性支出困难), with reasons and the estimated monthly amount, from the same standards and calculation as the payment roll; stores nothing',
      description: 'Any key may ask on behalf of a resident (a county portal relays the question): the household as described is measured against the '
        + 'benefit standards of its region and month, and the answer names each programme with its reasons and estimated amount. Nothing is '
        + 'stored.',
      tags: ['payroll'],
      body: ref('self-check-request'),
      response: { 200: ref('self-check-result'), ...problemResponses },
    },
    handler: async (request) => {
      try {
        return checkEligibility(loadBenefitStandards(), request.body, todayInShanghai(options.now?.() ?? new Date()));
      } catch (error) {
        if (error instanceof BenefitInputError) throw new ProblemError('validation-failed', error.message, [{ in: 'body', pointer: error.pointer, detail: error.message }]);
        if (error instanceof RangeError && /no standards for region|before/.test(error.message)) throw new ProblemError('unknown-region', error.message, [{ in: 'body', pointer: '/regionCode', detail: error.message }]);
        throw error;
      }
    },
  });
}
