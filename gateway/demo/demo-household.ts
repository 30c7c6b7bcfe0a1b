/**
 * The shape of one generated household of the low-income register, as `jiuzhu seed` hands it to the bulk loader.
 * Money is integer fen; dates are `YYYY-MM-DD`; codes come from the code tables in
 * gateway/store/reference-data/code-tables.
 */

/** 救助类别 (金民 abax6002). */
export type DemoCategory = '110' | '120' | '130' | '131' | '132' | '500' | '600' | '650' | '660';

export interface DemoEnrolment {
  category: DemoCategory;
  startDate: string;
  /** The last day covered, inclusive; null while current. 临时救助 (500) starts and ends on its one day. */
  endDate: string | null;
  endReason: string | null;
  /** Monthly benefit for 低保 and 特困; null for the monitoring categories and for 临时救助 (paid once: see assistance). */
  monthlyAmountFen: number | null;
}

export interface DemoAssistance {
  /** Department code (department code table: mz, jy, rs, zj, wj, yb, yj, cl, gh, ny). */
  department: string;
  /** Assistance-type code (dibao, tekun, linshi, yiliao, jiaoyu, zhufang, jiuye, shouzai, canji, kunnan-zhigong). */
  assistanceType: string;
  amountFen: number;
  assistedOn: string;
}

export interface DemoBankAccount {
  bankName: string;
  accountNumber: string;
  accountName: string;
}

export interface DemoMember {
  idNumber: string;
  name: string;
  gender: '1' | '2';
  birthDate: string;
  /** 与户主关系, GB/T 4761; the head is 02 户主 in every household, one-person households included. */
  relation: string;
  ethnicity: string;
  maritalStatus: string;
  health: string;
  disabilityCategory: string | null;
  disabilityGrade: string | null;
  labourAbility: string;
  /** Set for 特困 persons only, whose care standard depends on it. */
  selfCareAbility: string | null;
  monthlyIncomeFen: number;
  /** 联系电话: the head's mobile, the household's contact; null for other members. */
  phone: string | null;
  bankAccount: DemoBankAccount | null;
  enrolments: DemoEnrolment[];
  assistance: DemoAssistance[];
}

export interface DemoHousehold {
  householdNo: string;
  registeredRegionCode: string;
  residenceRegionCode: string;
  /** Where the household lives (the residence place). */
  address: string;
  monthlyIncomeFen: number;
  members: DemoMember[];
}
