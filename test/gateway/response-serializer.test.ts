import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import { describe, expect, it } from 'vitest';
import { buildResponseSerializer, reachedSchemas } from '../../gateway/plugins/app/response-serializer.js';
import { loadSchemas, schemaBase } from '../../gateway/plugins/app/schemas.js';

const id = (name: string) => `https://example.test/${name}.json`;

describe('the response serialiser is given only the shared schemas a response reaches', () => {
  const shared = {
    [id('list')]: {
      $id: id('list'),
      type: 'object',
      properties: {
        items: { type: 'array', items: { $ref: `${id('thing')}#` } },
      },
    },
    [id('thing')]: {
      $id: id('thing'),
      type: 'object',
      properties: {
        code: { $ref: `${id('common')}#/definitions/code` },
        parts: { type: 'array', items: { $ref: '#/definitions/part' } },
      },
      definitions: {
        part: {
          type: 'object',
          properties: { owner: { $ref: `${id('thing')}#` } },
        },
      },
    },
    [id('common')]: {
      $id: id('common'),
      definitions: {
        code: { type: 'string' },
        back: { $ref: `${id('list')}#` },
      },
    },
    [id('unrelated')]: { $id: id('unrelated'), type: 'object' },
  };

  it('follows references through one another, cycles and references within a schema included', () => {
    expect(Object.keys(reachedSchemas({ $ref: `${id('thing')}#` }, shared)).sort()).toEqual([id('common'), id('list'), id('thing')]);
    expect(reachedSchemas({ type: 'object', properties: { n: { type: 'integer' } } }, shared)).toEqual({});
  });

  it('gives back every shared schema when a reference names none of them', () => {
    expect(
      reachedSchemas(
        {
          properties: {
            a: { $ref: `${id('thing')}#` },
            b: { $ref: 'thing.json#' },
          },
        },
        shared,
      ),
    ).toBe(shared);
    expect(reachedSchemas({ $ref: id('missing') }, shared)).toBe(shared);
  });

  it("serialises a household exactly as fastify's own serialiser given every schema in schemas/", () => {
    const all = Object.fromEntries(loadSchemas().map((schema) => [String(schema.$id), schema]));
    const route = {
      method: 'GET',
      url: '/v1/households/:id',
      httpStatus: '200',
      schema: { $ref: `${schemaBase}household.schema.json#` },
    };
    const reached = Object.keys(reachedSchemas(route.schema, all));
    expect(reached).toContain(`${schemaBase}person.schema.json`);
    expect(reached).toContain(`${schemaBase}common.schema.json`);
    expect(reached.length).toBeLessThan(Object.keys(all).length / 5);

    const household = {
      id: 7,
      householdNo: 'H640121100001',
      registeredRegion: { code: '640121100001', name: '永宁县望远镇' },
      residenceRegion: { code: '640121100001', name: '永宁县望远镇' },
      address: '望远镇 1 号',
      monthlyIncomeFen: 81_000,
      unexpected: 'dropped',
      members: [
        {
          idNumber: '640121********0011',
          name: '马某',
          gender: { code: '1', name: '男' },
          birthDate: '1961-03-02',
          relation: { code: '01', name: '户主' },
          householdId: 7,
          extra: { nested: true },
          bankAccount: {
            bankName: '农商银行',
            accountNumber: '6228480000000000011',
            accountName: '马某',
          },
          enrolments: [
            {
              category: '110',
              startDate: '2024-01-01',
              monthlyAmountFen: 64_000,
              regionCode: '640121',
            },
          ],
        },
      ],
    };
    const ours = buildResponseSerializer(all, {})(route);
    const fastifys = SerializerSelector()(all, {})(route);
    expect(ours(household)).toBe(fastifys(household));
    const written = JSON.parse(ours(household));
    expect(written).not.toHaveProperty('unexpected');
    expect(written.members[0]).not.toHaveProperty('extra');
    expect(written.members[0].enrolments[0]).toEqual(household.members[0]!.enrolments[0]);
  });
});
