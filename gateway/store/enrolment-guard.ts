import type { BulkCheck } from './bulk/bulk-writer.js';

/**
 * Business codes of the basic-living categories (code table assistance-category, basicLiving = true). They must
 * match the list frozen into migration 001's triggers; a new basic-living code needs a migration for both.
 */
export const basicLivingCategories = ['110', '120', '130', '131', '132'] as const;

const inList = basicLivingCategories.map((c) => `'${c}'`).join(',');

/**
 * The rule the enrolment triggers enforce row by row (migration 001): a person holds at most one
 * basic-living category at a time. A bulk load into empty tables suspends the triggers for speed and
 * runs this set-based form instead, before it commits.
 */
export const basicLivingOverlapCheck: BulkCheck = {
  description: 'basic-living enrolments overlap',
  sql: `SELECT a.person_id FROM enrolments a JOIN enrolments b
          ON a.person_id = b.person_id AND a.id < b.id
         WHERE a.category IN (${inList}) AND b.category IN (${inList})
           AND a.start_date <= COALESCE(b.end_date, '9999-12-31')
           AND b.start_date <= COALESCE(a.end_date, '9999-12-31')
         LIMIT 1`,
};
