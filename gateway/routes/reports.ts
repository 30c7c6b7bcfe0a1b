import type { FastifyInstance } from 'fastify';
import { actorOf } from '../plugins/app/auth.js';
import { problemResponses } from '../plugins/app/schemas.js';
import { produceReport, type ReportFormat } from '../reports/produce-report.js';
import { loadReportTemplates } from '../reports/report-templates.js';
import { reportSources } from '../reports/sources/index.js';

export interface ReportRouteOptions {
  /** The clock: today in Asia/Shanghai, the default period of reports as of a day, and the file's document date. */
  now?: () => Date;
}

interface ReportQuery {
  period?: string;
  region?: string;
  unit?: string;
  format?: ReportFormat;
  options?: string;
  purpose?: string;
}

const regionPattern = '^([0-9]{6}|[0-9]{9}|[0-9]{12})$';

export default async function reportRoutes(fastify: FastifyInstance, options: ReportRouteOptions): Promise<void> {
  fastify.get('/v1/reports', {
    config: { access: 'readFigures' },
    schema: {
      operationId: 'listReportTemplates',
      summary: 'The report templates (mandated tables and jiuzhu\'s own): name, title, where the form comes from, the periods and options each takes, and whether it shows personal data',
      description: 'Lists every report the gateway can render, so a client can offer the right periods and options before asking for one; every role may '
        + 'read the list, though a report that names people is rendered only for roles that may see personal data.',
      tags: ['reports'],
      response: {
        200: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'title', 'description', 'basis', 'periods', 'options', 'personalData'],
            properties: {
              name: { type: 'string' },
              title: { type: 'string' },
              description: { type: 'string' },
              basis: {
                type: 'object', additionalProperties: false, required: ['kind', 'note'],
                properties: { kind: { type: 'string' }, seed: { type: 'string' }, quote: { type: 'string' }, note: { type: 'string' } },
              },
              periods: { type: 'array', items: { type: 'string' } },
              options: {
                type: 'array',
                items: {
                  type: 'object', additionalProperties: false, required: ['name', 'description', 'default'],
                  properties: { name: { type: 'string' }, description: { type: 'string' }, default: { type: 'boolean' }, localPractice: { type: 'string' } },
                },
              },
              personalData: { type: 'boolean', description: 'The report names people: only roles that may see personal data can take it.' },
            },
          },
        },
        ...problemResponses,
      },
    },
    handler: async () => [...loadReportTemplates().values()].map((template) => ({
      name: template.name,
      title: template.title,
      description: template.description,
      basis: template.basis,
      periods: template.periods,
      options: Object.entries(template.options ?? {}).map(([name, option]) => ({ name, ...option })),
      personalData: reportSources.get(template.source)!.capability === 'readPersonalData',
    })),
  });

  fastify.get<{ Params: { template: string }; Querystring: ReportQuery }>('/v1/reports/:template', {
    // The capability a report needs is its source's (names or counts); the route asks only for the least of them and
    // produceReport checks the rest, so a liaison key can take the figures but not a table of names.
    config: { audit: 'report.export', access: 'readFigures' },
    schema: {
      operationId: 'getReport',
      summary: 'One report as a file (XLSX, styled and print-ready, or CSV UTF-8 with BOM) for a region and period; the file\'s SM3 digest is kept in the audit log with who took it',
      description: 'Renders the named template for a period and a region within the key’s own (the key’s region by default) as a download; a report of '
        + 'names needs a role that may see personal data, figures any role. The answer carries the file’s SM3 in X-Content-SM3, and the audit log '
        + 'keeps it with the purpose given.',
      tags: ['reports'],
      params: { type: 'object', required: ['template'], properties: { template: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,79}$' } } },
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          period: { type: 'string', maxLength: 40, description: '2024-06, 2024-Q2, 2024-W23, 2024, 2024-06-ytd or 2024-06-01..2024-06-30, as the template takes (GET /v1/reports)' },
          region: { type: 'string', pattern: regionPattern, description: 'The region reported (default: the key\'s own; a township key gets its township)' },
          unit: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,39}$', description: 'The reporting unit, for reports filed per unit' },
          format: { type: 'string', enum: ['xlsx', 'csv'], default: 'xlsx' },
          options: { type: 'string', pattern: '^[a-zA-Z0-9]+(:off)?(,[a-zA-Z0-9]+(:off)?)*$', description: 'Template options, comma-separated: a name turns it on, name:off turns it off' },
          purpose: { type: 'string', maxLength: 200, description: 'Why the file is taken; kept in the audit log' },
        },
      },
      produces: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv'],
      response: { 200: { type: 'string', format: 'binary', description: 'The report file' }, ...problemResponses },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      // produceReport checks the role against the report's source before it reads a row.
      const report = await produceReport(fastify.store.knex, actor, {
        template: request.params.template, period: request.query.period, region: request.query.region, unit: request.query.unit,
        format: request.query.format ?? 'xlsx', options: parseOptions(request.query.options), purpose: request.query.purpose, now: options.now?.(),
      });
      request.markAudited();
      return reply
        .type(report.contentType)
        .header('content-disposition', contentDisposition(report.fileName))
        .header('x-content-sm3', report.sm3)
        .send(report.bytes);
    },
  });
}

function parseOptions(text: string | undefined): Record<string, boolean> | undefined {
  if (!text) return undefined;
  return Object.fromEntries(text.split(',').map((part) => (part.endsWith(':off') ? [part.slice(0, -4), false] : [part, true])));
}

/** RFC 6266 with RFC 8187's filename* for the Chinese title; the plain filename is an ASCII stand-in for old clients. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
