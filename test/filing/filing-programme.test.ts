import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { progressDeadline, summaryDeadline, rosterDeadline, timelinessOf } from '../../gateway/filing/filing-calendar.js';
import {
  checkFilingProgramme, FilingProgrammeError, indexProgrammes, loadFilingProgrammes, tasksFiledBy, type FilingProgramme,
} from '../../gateway/filing/filing-programme.js';

const yongning = loadFilingProgrammes().all.find((p) => p.id === 'yongning')!;
/** A copy of the seed as published (永政办发〔2024〕57号), so the check runs wherever the tests do. */
const seedText = readFileSync(new URL(`../fixtures/seeds/${yongning.source.seed}`, import.meta.url), 'utf8');

interface SeedTask {
  number: number;
  group: string;
  title: string;
  measures: string;
  lead: string | null;
  responsible: string;
}

/** The 15 tasks of seed 002 §二, read from the seed's own lines: "(一)…", "1.title。", "落实措施:…", "牵头单位:…", "责任单位:…". */
function seedTasks(): { groups: [string, string][]; tasks: SeedTask[] } {
  const section = seedText.slice(seedText.indexOf('二、主要任务'), seedText.indexOf('三、工作要求'));
  const groups: [string, string][] = [];
  const tasks: SeedTask[] = [];
  let group = '';
  for (const line of section.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const groupLine = /^\(([一二三四五六七八九十]+)\)(.+)$/.exec(line);
    const taskLine = /^(\d+)\.(.+)。$/.exec(line);
    if (groupLine) groups.push([group = groupLine[1]!, groupLine[2]!]);
    else if (taskLine) tasks.push({ number: Number(taskLine[1]), group, title: taskLine[2]!, measures: '', lead: null, responsible: '' });
    else if (line.startsWith('落实措施:')) tasks.at(-1)!.measures = line.slice('落实措施:'.length);
    else if (line.startsWith('牵头单位:')) tasks.at(-1)!.lead = line.slice('牵头单位:'.length);
    else if (line.startsWith('责任单位:')) tasks.at(-1)!.responsible = line.slice('责任单位:'.length);
  }
  return { groups, tasks };
}

/** The seed's list of units ("县民政局、农业农村局、各乡镇…") as unit codes, through each unit's seedNames. */
function unitCodesOf(programme: FilingProgramme, list: string | null): string[] {
  if (list === null) return [];
  return list.split('、').flatMap((name) => {
    const bare = name.replace(/^县/, '');
    const codes = programme.units.filter((u) => u.seedNames.includes(bare)).map((u) => u.code);
    if (codes.length === 0) throw new Error(`no unit is named "${bare}" in the seed`);
    return codes;
  });
}

describe('the Yongning filing programme (seed 002)', () => {
  const seed = seedTasks();

  it('runs in 永宁县, with 民政局 as the lead unit the returns go to', () => {
    expect(yongning.region).toEqual({ code: '640121', name: '永宁县' });
    expect(yongning.units.find((u) => u.code === yongning.leadUnit)?.name).toBe('民政局');
    expect(seedText).toContain(yongning.source.number);
    expect(seedText).toContain('报送至民政局');
  });

  it('has the seed’s three groups and fifteen tasks, each title and 落实措施 word for word', () => {
    expect(seed.tasks).toHaveLength(15);
    expect(yongning.groups.map((g) => [g.number, g.title])).toEqual(seed.groups);
    expect(yongning.tasks.map((t) => ({ number: t.number, group: t.group, title: t.title, measures: t.measures })))
      .toEqual(seed.tasks.map(({ number, group, title, measures }) => ({ number, group, title, measures })));
  });

  it('names each task’s 牵头单位 and 责任单位 as the seed lists them, 各乡镇 being every town and 乡 of the county', () => {
    for (const [index, task] of seed.tasks.entries()) {
      expect(yongning.tasks[index]!.leadUnits, `task ${task.number} 牵头单位`).toEqual(unitCodesOf(yongning, task.lead));
      expect(yongning.tasks[index]!.responsibleUnits, `task ${task.number} 责任单位`).toEqual(unitCodesOf(yongning, task.responsible));
    }
    // Tasks 1 and 14 name no 牵头单位; task 6 is led by two units that are not among its 责任单位.
    expect(yongning.tasks.filter((t) => t.leadUnits.length === 0).map((t) => t.number)).toEqual([1, 14]);
    expect(yongning.tasks[5]!.leadUnits).toEqual(['yb', 'wj']);
    const townships = yongning.units.filter((u) => u.seedNames.includes('各乡镇')).map((u) => u.name);
    expect(townships).toEqual(['杨和镇', '李俊镇', '望远镇', '望洪镇', '闽宁镇', '胜利乡']);
  });

  it('quotes the seed for each return and marks every choice the seed leaves open as local practice', () => {
    const { returns } = yongning;
    expect(seedText).toContain('附件1请于6月5日前报送至永宁县民政局');
    expect(returns.liaisonRoster.dueOn).toBe('2024-06-05');
    expect(seedText).toContain(`《${returns.liaisonRoster.title}》(附件1)`);
    expect(seedText).toContain(`《${returns.monthlyProgress.title}》(附件2)`);
    expect(seedText).toContain(`每月${returns.monthlyProgress.dueDayOfNextMonth}日前将上一月落实进度表报送至民政局`);
    expect(seedText).toContain(`每季度末报${returns.quarterlySummary.title}`);
    for (const choice of [returns.dueDayInclusive, returns.monthlyProgress.firstPeriod, returns.monthlyProgress.entryLocksAfterDays,
      returns.monthlyProgress.leadUnitsFile, returns.quarterlySummary.entryLocksAfterDays]) {
      expect(choice.example).toBe(true);
      expect(choice.basis).toMatch(/^Local practice/);
    }
  });

  it('has each unit report on the tasks it is responsible for or leads', () => {
    expect(tasksFiledBy(yongning, 'ga').map((t) => t.number)).toEqual([11]);
    expect(tasksFiledBy(yongning, 'yb').map((t) => t.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 15]);
    expect(tasksFiledBy(yongning, 'mz')).toHaveLength(15);
    expect(tasksFiledBy(yongning, '640121100')).toHaveLength(15);
  });
});

describe('a filing programme file', () => {
  const copy = (): FilingProgramme => structuredClone(yongning);

  it('is refused whole, every problem named, when tasks name unknown units or a township lies outside the county', () => {
    const broken = copy();
    broken.tasks[0]!.responsibleUnits.push('xx');
    broken.units.find((u) => u.code === '640121100')!.regionCode = '640122100';
    broken.units.push({ code: 'missing', name: '某局', kind: 'department', seedNames: ['某局'] });
    expect(() => checkFilingProgramme(broken, 'broken.json')).toThrow(FilingProgrammeError);
    const problems = (() => {
      try {
        checkFilingProgramme(broken, 'broken.json');
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(problems).toContain('/tasks/0/responsibleUnits/10 xx is not one of the units');
    expect(problems).toContain('/units/16/regionCode 640122100 is not a township of 640121');
    expect(problems).toContain('/units/23/code missing is a word of the API\'s paths');
    expect(problems).toContain('unit missing (某局) reports on no task');
  });

  it('is refused when a unit code is already a unit of another programme', () => {
    const other = { ...copy(), id: 'other' };
    expect(() => indexProgrammes([yongning, other])).toThrow(/unit mz is also a unit of programme yongning/);
  });

  it('is refused when it does not match its schema', () => {
    expect(() => checkFilingProgramme({ ...copy(), returns: {} }, 'bad.json')).toThrow(/returns\/dueDayInclusive is required/);
  });
});

describe('the filing calendar', () => {
  const exclusive = (): FilingProgramme => {
    const programme = structuredClone(yongning);
    programme.returns.dueDayInclusive.value = false;
    return programme;
  };

  it('makes a month’s sheet due on the 5th of the next month, the 5th itself on time unless configured otherwise', () => {
    expect(progressDeadline(yongning, '2024-09')).toEqual({ opensOn: '2024-09-01', dueOn: '2024-10-05', onTimeThrough: '2024-10-05', entryClosesAfter: '2024-10-15' });
    expect(progressDeadline(exclusive(), '2024-09').onTimeThrough).toBe('2024-10-04');
    expect(progressDeadline(yongning, '2024-12')).toMatchObject({ dueOn: '2025-01-05', entryClosesAfter: '2025-01-15' });
  });

  it('makes the quarterly summary due on the quarter’s last day and the roster on 5 June 2024', () => {
    expect(summaryDeadline(yongning, '2024-Q2')).toEqual({ opensOn: '2024-04-01', dueOn: '2024-06-30', onTimeThrough: '2024-06-30', entryClosesAfter: '2024-07-10' });
    expect(summaryDeadline(yongning, '2024-Q4').dueOn).toBe('2024-12-31');
    expect(rosterDeadline(yongning)).toEqual({ dueOn: '2024-06-05', onTimeThrough: '2024-06-05' });
    expect(rosterDeadline(exclusive()).onTimeThrough).toBe('2024-06-04');
  });

  it('judges timeliness by the Shanghai calendar date of the instant filed', () => {
    expect(timelinessOf('2024-10-05T15:59:59.999Z', '2024-10-05')).toBe('on-time');
    expect(timelinessOf('2024-10-05T16:00:00.000Z', '2024-10-05')).toBe('late');
    expect(timelinessOf('2024-10-04T23:00:00.000Z', '2024-10-04')).toBe('late');
  });
});
