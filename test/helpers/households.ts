import type { HouseholdCreate } from '../../schemas/types/index.js';

/** Valid ID numbers of GB 11643's own example and two synthetic ones with correct check characters. */
export const idNumbers = {
  head: '11010519491231002X',
  spouse: '44030420000229009X',
  child: '640121201505060015',
} as const;

export function householdBody(townshipCode: string, overrides: Partial<HouseholdCreate> = {}): HouseholdCreate {
  return {
    registeredRegionCode: townshipCode,
    residenceRegionCode: townshipCode,
    address: '王太村三组12号',
    monthlyIncomeFen: 120_000,
    members: [
      {
        idNumber: idNumbers.head,
        name: '马秀兰',
        relation: '02',
        ethnicity: '03',
        monthlyIncomeFen: 120_000,
        bankAccount: { bankName: '宁夏黄河农村商业银行', accountNumber: '6231940012345678901', accountName: '马秀兰' },
        enrolments: [{ category: '120', startDate: '2023-01-01', monthlyAmountFen: 64_000 }],
      },
      { idNumber: idNumbers.spouse, name: '马晓燕', relation: '30', ethnicity: '03', disabilityCategory: '4', disabilityGrade: '2' },
    ],
    ...overrides,
  };
}
