import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type StoreConnection } from '../../gateway/store/connect.js';
import { runJiuzhu } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'jiuzhu-spot-check-cli-'));
const env = { JIUZHU_DB: join(dir, 'spot-checks.db'), JIUZHU_MASTER_KEY_FILE: join(dir, 'master.key') };
const seed = 'a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5';

describe('spot checks from the command line', () => {
  let store: StoreConnection;

  beforeAll(async () => {
    const seeded = await runJiuzhu(env, 'seed', '--county', '640121', '--households', '40', '--seed', '7', '--as-of', '2024-09-30');
    expect(seeded.code, seeded.stderr).toBe(0);
    store = createStore({ client: 'sqlite', filename: env.JIUZHU_DB });
  }, 120_000);
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('draws the same sample twice from one seed, records a result, refuses an uncorrected second one, and redraws only with a reason', async () => {
    const first = await runJiuzhu(env, 'spot-checks', 'draw', '--region', '640121', '--population', 'enrolled-households', '--period', '2024-09', '--count', '4', '--seed', seed, '--json');
    expect(first.code, first.stderr).toBe(0);
    const draw = JSON.parse(first.stdout);
    expect(draw).toMatchObject({ seed, sampleSize: 4, drawnBy: 'cli spot-checks', verification: { populationUnchanged: true, sampleReproduced: true } });
    const second = JSON.parse((await runJiuzhu(env, 'spot-checks', 'draw', '--region', '640121', '--population', 'enrolled-households', '--period', '2024-09', '--count', '4', '--seed', seed, '--json')).stdout);
    expect(second.items.map((i: { ref: string }) => i.ref)).toEqual(draw.items.map((i: { ref: string }) => i.ref));

    const item = draw.items[0];
    const recorded = await runJiuzhu(env, 'spot-checks', 'result', String(draw.id), String(item.id), '--result', 'problem', '--findings', '家庭收入未如实申报', '--checker', '县民政局核查组');
    expect(recorded.code, recorded.stderr).toBe(0);
    expect(recorded.stdout).toContain('存在问题');
    expect(recorded.stdout).toContain('家庭收入未如实申报');
    const again = await runJiuzhu(env, 'spot-checks', 'result', String(draw.id), String(item.id), '--result', 'passed', '--checker', '县民政局核查组');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('a correction says why');

    const noReason = await runJiuzhu(env, 'spot-checks', 'redraw', String(draw.id));
    expect(noReason.code).not.toBe(0);
    expect(noReason.stderr).toContain('--reason');
    const redrawn = await runJiuzhu(env, 'spot-checks', 'redraw', String(draw.id), '--reason', '抽样范围有误', '--json');
    expect(redrawn.code, redrawn.stderr).toBe(0);
    expect(JSON.parse(redrawn.stdout)).toMatchObject({ redrawOf: draw.id, seedGiven: false });
    const listed = await runJiuzhu(env, 'spot-checks', 'list', '--superseded');
    expect(listed.stdout).toContain(`superseded`);
    expect(listed.stdout).toContain('抽样范围有误');
    expect(await store.knex('audit_log').where({ resource_type: 'spot-check', resource_id: String(draw.id) }).orderBy('id').pluck('action'))
      .toEqual(['spot-check.draw', 'spot-check.read', 'spot-check.read', 'spot-check.supersede']);
  });
});
