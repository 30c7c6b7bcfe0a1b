import type { FastifyInstance } from 'fastify';
import { isWithinScope } from '../access/region-scope.js';
import { previousPeriod } from '../calendar/periods.js';
import { todayInShanghai } from '../calendar/shanghai-date.js';
import { ProblemError } from '../errors.js';
import { actorOf } from '../plugins/app/auth.js';
import { periodQuery, problemResponses, ref } from '../plugins/app/schemas.js';
import { monitoringStatistics } from '../statistics/monitoring-statistics.js';

export interface StatisticsRouteOptions {
  /** The clock: the default month is the one before today's in Asia/Shanghai. */
  now?: () => Date;
}

export default async function statisticsRoutes(fastify: FastifyInstance, options: StatisticsRouteOptions): Promise<void> {
  fastify.get<{ Querystring: { period?: string; region?: string } }>('/v1/statistics/monitoring', {
    config: { access: 'readFigures' },
    schema: {
      operationId: 'getMonitoringStatistics',
      summary: 'The month’s monitoring figures for a region and each division below it (预警推送、核查、处置, 调整待遇, 新增, 巡访, 发现与解决); counts only, open to every role within its region',
      description: 'Counts, for a month (last month by default) and a region within the key’s own, the warnings pushed, verified and resolved, the '
        + 'benefits adjusted, the new enrolments, the visits and the discoveries, for the region and each division below it.',
      tags: ['monitoring'],
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          period: { ...periodQuery, description: 'The month (default: last month, Asia/Shanghai)' },
          region: { type: 'string', pattern: '^([0-9]{6}|[0-9]{9}|[0-9]{12})$', description: 'The region counted (default: the key’s own)' },
        },
      },
      response: { 200: ref('monitoring-statistics'), ...problemResponses },
    },
    handler: async (request) => {
      const actor = actorOf(request);
      const regionCode = request.query.region ?? actor.regionCode;
      if (!isWithinScope(actor.regionCode, regionCode)) throw new ProblemError('out-of-scope', `region ${regionCode} is outside ${actor.regionCode}`);
      const today = todayInShanghai(options.now?.() ?? new Date());
      return monitoringStatistics(fastify.store.knex, { regionCode, period: request.query.period ?? previousPeriod(today), today });
    },
  });
}
