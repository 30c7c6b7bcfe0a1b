import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadFeedMappings } from '../../../adapters/kit/feed-mappings.js';
import { headerDistance, nearestHeaders } from '../../../adapters/kit/header-suggestions.js';
import { mapRecords, mapRows, type RowOutcome } from '../../../adapters/kit/map-rows.js';
import type { RawRecord, RawRow } from '../../../adapters/kit/rows.js';
import type { FeedMapping } from '../../../schemas/types/index.js';

const hukou = loadFeedMappings().get('gongan-hukou')!;

async function refusal(mapping: FeedMapping, lines: string[][]): Promise<string> {
  async function* rows(): AsyncIterable<RawRow> {
    for (const [index, cells] of lines.entries()) yield { location: `line ${index + 1}`, cells };
  }
  try {
    for await (const _ of mapRows(mapping, rows(), 'cancellations.csv', { today: '2024-12-31' }) as AsyncIterable<RowOutcome>) { /* drain */ }
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the file was not refused');
}

describe('naming the nearest known header when a file lacks a required column', () => {
  it('counts edits in characters, full-width and bracketed notes aside', () => {
    expect(headerDistance('注销事由', '注销原因')).toBe(2);
    expect(headerDistance('变动类型', '变动类型')).toBe(0);
    // One astral character is one edit, not two UTF-16 units.
    expect(headerDistance('𠀋名', '姓名')).toBe(1);
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => headerDistance(a, b) === headerDistance(b, a)));
  });

  it('pairs the file’s header with the alias it is closest to, and leaves far headers unnamed', () => {
    const hints = nearestHeaders(hukou, ['changeType', 'changedOn'], ['注 销 事 由', '户籍地址', '派出所']);
    expect(hints).toEqual([{ field: 'changeType', header: '注 销 事 由', alias: '注销原因', distance: 2 }]);
  });

  it('says which header of the file looks like the missing column, and how to add it for one file or for all', async () => {
    const message = await refusal(hukou, [
      ['永宁县公安局户籍注销人员名单', '', '', ''],
      ['姓名', '公民身份号码', '注销事由', '注销日期'],
      ['杨秀英', '64012119380412021X', '死亡', '2024-06-05'],
    ]);
    expect(message).toBe(
      'cancellations.csv: no header row names the required column(s) 变动类型 in the first 30 rows; the file\'s 注销事由 is closest to 注销原因, a header of changeType. '
      + 'To read a header as a field, give `jiuzhu import --column \'注销事由=changeType\'` for this file, or add the header to gongan-hukou.synonyms.json in JIUZHU_FEEDS_DIR for every file (docs/feeds.md)',
    );
  });

  it('lists the names a missing field goes by when nothing in the file is close, and offers --set for a column the file leaves out', async () => {
    const message = await refusal(hukou, [
      ['姓名', '公民身份号码', '死亡日期', '注销日期'],
      ['杨秀英', '64012119380412021X', '2024-06-02', '2024-06-05'],
    ]);
    expect(message).toContain('changeType goes by 变动类型、变动原因、变更类型、户籍变动类型、业务类型、注销原因…');
    expect(message).toContain('`--set changeType=VALUE`');
  });

  it('advises the same for records (JSON, XML) whose field names the mapping lacks', async () => {
    async function* records(): AsyncIterable<RawRecord> {
      yield { location: 'record 1', fields: { xm: '杨秀英', gmsfhm: '64012119380412021X', zxyy: '死亡', 注销事由: '死亡', zxrq: '2024-06-05' } };
    }
    let message = '';
    try {
      for await (const _ of mapRecords(hukou, records(), 'cancellations.json', { today: '2024-12-31' })) { /* drain */ }
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/has this feed's required fields; they have xm, gmsfhm, zxyy, 注销事由, zxrq; .*the file's 注销事由 is closest to 注销原因/);
    expect(message).toContain('公民身份号码');
  });
});
