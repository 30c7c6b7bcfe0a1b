/** How the compliance reports name a warning's status and outcome in an auditor's words. */
export const warningStatusNames: Readonly<Record<string, string>> = { pending: '待核查', verifying: '核查中', resolved: '已办结' };
export const warningOutcomeNames: Readonly<Record<string, string>> = { stopped: '停保', 'benefit-adjusted': '待遇调整', included: '纳入救助', referred: '转介', 'no-change': '无需处置' };

/** 已办结（无需处置）: the status, and the outcome when there is one. */
export function warningStatusWords(status: string, outcome: string | null): string {
  return `${warningStatusNames[status] ?? status}${outcome ? `（${warningOutcomeNames[outcome] ?? outcome}）` : ''}`;
}
