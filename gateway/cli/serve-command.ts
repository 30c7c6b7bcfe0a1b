import { Command } from 'commander';
import { commandLineActor } from '../access/actor.js';
import { activeSigningKey } from '../audit/checkpoint-keys.js';
import { previousPeriod } from '../calendar/periods.js';
import { describeDatabase, loadConfig } from '../config.js';
import { demoCounties, issueDemoKeys, isRegisterEmpty } from '../demo/demo-setup.js';
import { defaultDemoMonthDirectory, runDemoMonth } from '../demo/month/run-demo-month.js';
import { defaultRuleSetPath, loadRuleSet } from '../engine/rule-set.js';
import { createExchange } from '../keystore/exchange.js';
import { loadMasterKey } from '../keystore/master-key.js';
import { startServer } from '../server.js';
import { openMigratedStore } from '../store/open-store.js';
import { recordAudit } from '../store/repositories/audit-log.js';
import { note } from './output.js';

export function serveCommand(): Command {
  return new Command('serve')
    .description('migrate the store and start the HTTP gateway (HOST, PORT; default 127.0.0.1:8080)')
    .option('--demo', 'demo mode (npm start): on an empty store, run the demo month (jiuzhu demo) for last month first; print a fresh demo API key per role')
    .action(async (options: { demo?: boolean }) => {
      const config = loadConfig();
      const { store } = await openMigratedStore(config);
      const exchange = createExchange({ knex: store.knex, config: config.exchange, masterKey: loadMasterKey(config.exchange) });
      note(`jiuzhu: store ${describeDatabase(config.database)}`);
      let keys: Awaited<ReturnType<typeof issueDemoKeys>> = [];
      if (options.demo) {
        if (await isRegisterEmpty(store)) {
          // The demo month seeds 永宁县 and 黔江区, then runs last month's feeds through, so a newcomer sees warnings at once.
          const period = previousPeriod();
          const outDir = defaultDemoMonthDirectory(config.database, period);
          note(`jiuzhu: the register is empty; running the demo month ${period} on 永宁县 640121 (黔江区 500114 seeded too) into ${outDir} …`);
          const month = await runDemoMonth(store, {
            period, outDir, rules: loadRuleSet(config.rulesFile ?? defaultRuleSetPath), actor: commandLineActor('demo'), onProgress: (line) => note(`jiuzhu:   ${line}`),
            signingKey: activeSigningKey(exchange.ownKeys, store.knex),
          });
          note(`jiuzhu: ${month.summary.warnings.total} warnings of ${period} to look at; summary in ${month.summaryFiles.markdown}`);
        } else {
          note(`jiuzhu: the register already holds data; demo counties (${demoCounties.join(', ')}) not reloaded`);
        }
        keys = await issueDemoKeys(store, commandLineActor('demo'));
        if (!(await exchange.ownKeys.list()).some((k) => k.algorithm === 'sm2' && k.status === 'active')) {
          const key = await exchange.ownKeys.generate('sm2');
          await recordAudit(store.knex, commandLineActor('demo'), { action: 'keypair.generate', outcome: 'ok', resourceType: 'key-pair', resourceId: key.id });
          note(`jiuzhu: generated SM2 key pair ${key.id} for envelopes (party id "${config.exchange.partyId}"; give partners: jiuzhu keys export ${key.id})`);
        }
      }
      const { url } = await startServer(config, store, exchange);
      note(`jiuzhu: listening on ${url}  (API docs: ${url}/docs)`);
      if (keys.length > 0) {
        note('jiuzhu: demo API keys (send as "Authorization: Bearer KEY"; new ones at every demo start):');
        for (const k of keys) note(`  ${k.role.padEnd(10)} ${`${k.regionCode}${k.unitCode ? `/${k.unitCode}` : ''}`.padEnd(12)} ${k.secret}`);
        const township = keys.find((k) => k.role === 'township');
        if (township) note(`jiuzhu: try  curl -H "Authorization: Bearer ${township.secret}" ${url}/v1/households?limit=3`);
      }
    });
}
