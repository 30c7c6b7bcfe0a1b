import type { FastifyInstance } from 'fastify';
import type { ComparisonRequest, ComparisonRun } from '../../schemas/types/index.js';
import { previousPeriod } from '../calendar/periods.js';
import { todayInShanghai } from '../calendar/shanghai-date.js';
import { runComparison } from '../engine/compare.js';
import type { LoadedRuleSet } from '../engine/rule-set.js';
import { actorOf } from '../plugins/app/auth.js';
import { problemResponses, ref } from '../plugins/app/schemas.js';

export default async function comparisonRoutes(fastify: FastifyInstance, options: { rules: LoadedRuleSet; now?: () => Date }): Promise<void> {
  fastify.post<{ Body: ComparisonRequest }>('/v1/comparisons', {
    // The run writes its own audit line inside its transaction.
    config: { audit: 'comparison.run', access: 'runComparisons' },
    schema: {
      operationId: 'runComparison',
      summary: 'Run the comparison rules for a month (数据比对): raises warnings for the townships, deduplicated per person, rule and period',
      description: 'Admins and integrators compare the month’s department batches of their region with the register under the configured rules (last month '
        + 'unless a period is given) and get the run’s counts back; a warning already raised for the same person, rule and period is not raised '
        + 'again.',
      tags: ['monitoring'],
      body: ref('comparison-request'),
      response: { 201: ref('comparison-run'), ...problemResponses },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      // The app's clock (tests pin it) decides the default month and the day the warnings are pushed.
      const today = todayInShanghai(options.now?.() ?? new Date());
      const mode = request.body.mode ?? 'full';
      const report: ComparisonRun = await fastify.metrics.timeComparisonRun(mode, () => runComparison(fastify.store, {
        period: request.body.period ?? previousPeriod(today), mode, rules: options.rules, actor, today, regionCode: actor.regionCode,
      }));
      request.markAudited();
      return reply.code(201).send(report);
    },
  });
}
