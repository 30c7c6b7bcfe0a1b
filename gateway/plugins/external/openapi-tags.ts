/**
 * The tags operations are grouped by, with what each group is for: the one place a tag is defined. A route whose
 * schema names a tag not listed here is refused when it is registered (see ./operation-guard.ts).
 */
export const apiTags = [
  { name: 'system', description: 'Whether the gateway is up and can reach its database; open without a key.' },
  { name: 'register', description: 'The low-income register (低收入人口): regions, households, persons and their assistance chain (一人一条救助链).' },
  { name: 'feeds', description: 'Department files imported as batches, and the rows each batch refused.' },
  { name: 'monitoring', description: 'Dynamic monitoring (动态监测): comparison runs, poverty and need indices, warnings (预警) and the month’s monitoring figures.' },
  { name: 'reports', description: 'The mandated report tables and jiuzhu’s own, rendered as XLSX or CSV for a region and period.' },
  { name: 'payroll', description: 'The monthly payment roll (月结发放): eligibility self-check, township submissions, the signed close, the bank file and the bank’s return.' },
  { name: 'casework', description: 'Casework: active discovery cases (主动发现), home visits (走访) and village assistants, first-responder referrals (首问负责), applications (受理) and periodic checks (定期核查).' },
  { name: 'oversight', description: 'Rosters that keep assistance honest: economic checks, the key group (重点人群花名册) and spot checks (抽查).' },
  { name: 'filing', description: 'The departments’ filing round: monthly progress sheets (落实进度), the liaison roster (附件1) and quarterly summaries.' },
  { name: 'supervision', description: 'Supervision of deadlines: overdue items, 督办 orders, written reminders (书面提醒) and the annual assessment.' },
] as const;

export type ApiTag = (typeof apiTags)[number]['name'];
