/* Generated from schemas/*.schema.json by `npm run schemas:types`. Do not edit: change the schema and regenerate. */

/**
 * A normalised, validated 18-character citizen ID number, or its masked display form (first 6 and last 4 kept).
 */
export type CanonicalIdNumber = string;
/**
 * A calendar date in Asia/Shanghai, YYYY-MM-DD.
 */
export type CalendarDate = string;
/**
 * An amount of money in fen (分, 1/100 yuan). Never a float.
 */
export type Fen = number;
/**
 * The region that approved and pays it.
 */
export type RegionCode = string;
/**
 * Code from the department table (民政, 教育, 人社 …).
 */
export type Code = string;
/**
 * Code from the assistance-type table (医疗救助, 教育救助 …).
 */
export type Code1 = string;
/**
 * An instant, ISO 8601 with offset.
 */
export type Timestamp = string;
/**
 * What an API key may do. admin: keys and configuration; integrator: provincial and national systems exchanging data; township: 乡镇（街道） staff handling their own area; liaison: 联络人 filing monthly progress (no personal data); finance: 财政/发放 staff exporting payment rolls; auditor: 审计/纪检 pulling compliance reports.
 */
export type Role = 'admin' | 'integrator' | 'township' | 'liaison' | 'finance' | 'auditor';
/**
 * A calendar month, YYYY-MM.
 */
export type Period = string;
/**
 * A calendar month, YYYY-MM.
 */
export type Period1 = string;
/**
 * A canonical fact from a department or system feed, about one person, independent of the file it came from. Rules (the comparison engine) read facts and the register, never file formats. Common fields sit at the top level; what only one kind carries sits in attributes, defined per kind.
 */
export type Fact = {
  kind:
    | 'person-death'
    | 'person-cremation'
    | 'person-moved-out'
    | 'person-birth'
    | 'vehicle-registered'
    | 'employment'
    | 'social-insurance-contribution'
    | 'pension'
    | 'unemployment-benefit'
    | 'real-estate'
    | 'business-registration'
    | 'medical-settlement'
    | 'major-illness'
    | 'student-enrolled'
    | 'disability-certificate'
    | 'disaster-victim'
    | 'worker-in-hardship'
    | 'assistance-given'
    | 'staff-relation'
    | 'antipoverty-monitored'
    | 'jinmin-enrolment';
  subject: FactSubject;
  /**
   * When it happened (death, registration, settlement, enrolment).
   */
  occurredOn?: CalendarDate | null;
  /**
   * The month the fact covers (contributions, settlements, benefits).
   */
  period?: Period | null;
  /**
   * The one money figure that matters for this kind; see the kind's description.
   */
  amountFen?: Fen | null;
  attributes: {};
} & (
  | PersonDeathFact
  | PersonCremationFact
  | PersonMovedOutFact
  | PersonBirthFact
  | VehicleRegisteredFact
  | EmploymentFact
  | SocialInsuranceContributionFact
  | PensionFact
  | UnemploymentBenefitFact
  | RealEstateFact
  | BusinessRegistrationFact
  | MedicalSettlementFact
  | MajorIllnessFact
  | StudentEnrolledFact
  | DisabilityCertificateFact
  | DisasterVictimFact
  | WorkerInHardshipFact
  | AssistanceGivenFact
  | StaffRelationFact
  | AntipovertyMonitoredFact
  | JinminEnrolmentFact
);
/**
 * An amount of money in fen that cannot be negative (income, benefit).
 */
export type NonNegativeFen = number;
/**
 * A value from one of the national code tables kept in gateway/store/reference-data/code-tables.
 */
export type Code2 = string;
/**
 * GB/T 2260 division code (6 digits: province, prefecture or county) or statistical division code (9 digits: township/street, 12 digits: village/community).
 */
export type RegionCode1 = string;
/**
 * GB/T 2260 division code (6 digits: province, prefecture or county) or statistical division code (9 digits: township/street, 12 digits: village/community).
 */
export type RegionCode2 = string;
/**
 * GB/T 2260 division code (6 digits: province, prefecture or county) or statistical division code (9 digits: township/street, 12 digits: village/community).
 */
export type RegionCode3 = string;
/**
 * 公民身份号码 (GB 11643): 18 characters, the check character an upper-case X for 10. Requests may send it un-normalised; the identity module normalises and validates it before anything is stored.
 */
export type IdNumber = string;
/**
 * A value from one of the national code tables kept in gateway/store/reference-data/code-tables.
 */
export type Code3 = string;
/**
 * Fact kinds (schemas/fact.schema.json) the rule reads.
 *
 * @minItems 1
 */
export type Kinds = [string, ...string[]];
/**
 * A value from one of the national code tables kept in gateway/store/reference-data/code-tables.
 */
export type Code4 = string;

/**
 * Every canonical schema of jiuzhu, so each type is generated once.
 */
export interface JiuzhuSchemas {
  'assistance-chain'?: AssistanceChain;
  'assistance-record'?: AssistanceRecord;
  'audit-entry'?: AuditEntry;
  'bank-account'?: BankAccount;
  batch?: Batch;
  'code-table'?: CodeTable;
  common?: Common;
  'comparison-request'?: ComparisonRequest;
  'comparison-run'?: ComparisonRun;
  'county-regions'?: CountyRegions;
  enrolment?: Enrolment;
  fact?: Fact;
  'feed-mapping'?: FeedMapping;
  'holiday-calendar'?: HolidayCalendar;
  'household-create'?: HouseholdCreate;
  'household-summary'?: HouseholdSummary;
  household?: Household;
  person?: Person;
  problem?: Problem;
  region?: Region;
  role?: Role;
  'rule-set'?: RuleSet;
  rule?: Rule;
}
/**
 * 一人一条救助链: everything a person has received — enrolments in basic-living and other categories, and the assistance each department reported — so that omissions (救助遗漏) and duplicates (重复救助) show.
 */
export interface AssistanceChain {
  idNumber: CanonicalIdNumber;
  name: string;
  enrolments: Enrolment[];
  records: AssistanceRecord[];
  /**
   * Reported assistance summed per department and type, in fen.
   */
  totals: {
    department: string;
    assistanceType: string;
    count: number;
    amountFen: Fen;
  }[];
}
/**
 * A person's enrolment in an assistance category (救助类别) over a span of dates. Rows are never deleted: ending one sets endDate and endReason, so the history stays.
 */
export interface Enrolment {
  id?: number;
  /**
   * National business code (金民 abax6002): 110 城市低保, 120 农村低保, 130/131/132 特困, 500 临时救助, 600 低保边缘, 650 刚性支出, 660 其他.
   */
  category: '110' | '120' | '130' | '131' | '132' | '500' | '600' | '650' | '660';
  startDate: CalendarDate;
  /**
   * Last day covered, inclusive; null while current.
   */
  endDate?: CalendarDate | null;
  endReason?: string | null;
  /**
   * Monthly benefit in fen, for paid categories.
   */
  monthlyAmountFen?: Fen | null;
  regionCode?: RegionCode;
}
/**
 * One link of the assistance chain (一户（人）一条救助链): assistance a department gave a person, as that department reported it back.
 */
export interface AssistanceRecord {
  id?: number;
  department: Code;
  assistanceType: Code1;
  amountFen: Fen;
  assistedOn: CalendarDate;
  note?: string | null;
  /**
   * The batch the record arrived in, when it came from a feed.
   */
  batchId?: number | null;
}
/**
 * Who did what, when: one line per read of personal data and per change. Subjects are referred to by internal person id, never by ID number, so the log itself spreads no ID numbers.
 */
export interface AuditEntry {
  id?: number;
  at: Timestamp;
  actorKeyId?: number | null;
  actorRole?: Role | null;
  /**
   * The key's label, or 'cli' for local commands.
   */
  actorLabel?: string | null;
  /**
   * Dotted verb, e.g. person.read, household.create, key.create.
   */
  action: string;
  resourceType?: string | null;
  resourceId?: string | null;
  subjectPersonIds?: number[];
  regionCode?: string | null;
  outcome: 'ok' | 'denied' | 'not-found' | 'invalid' | 'error';
  requestId?: string | null;
  detail?: string | null;
}
/**
 * The account benefits are paid into (惠民惠农一卡通: a bank card or social-security card). Masked unless the caller's role needs it.
 */
export interface BankAccount {
  /**
   * 开户银行
   */
  bankName: string;
  /**
   * 银行账号 (digits only; masked form keeps the last 4)
   */
  accountNumber: string;
  /**
   * 账户名称 — the holder, who must be the person paid (no 代持)
   */
  accountName: string;
}
/**
 * The unit of trust: one incoming file or envelope. Identified by the SM3 digest of its content, so the same file twice is the same batch and adds no rows; applied in one transaction.
 */
export interface Batch {
  id: number;
  /**
   * Stable source id, e.g. gongan-hukou, yibao, demo-seed.
   */
  source: string;
  period?: Period | null;
  /**
   * SM3 digest of the content as received (hex).
   */
  sm3: string;
  fileName?: string | null;
  /**
   * received: verified and recorded, not yet mapped to facts; applied: its rows are in the store; refused: the whole file was refused.
   */
  status: 'received' | 'applied' | 'refused';
  receivedAt: Timestamp;
  rowsTotal: number;
  accepted: number;
  rejected: number;
  skipped: number;
  /**
   * Why the whole file was refused, when it was.
   */
  refusal?: string | null;
}
/**
 * One national or jiuzhu-defined code table: gateway/store/reference-data/code-tables/<id>.json.
 */
export interface CodeTable {
  /**
   * The table's name in code, kebab-case; equals the file name without .json.
   */
  id: string;
  /**
   * The table's Chinese title.
   */
  title: string;
  /**
   * The standard the codes come from, or the system or practice when there is none.
   */
  standard: string;
  /**
   * Where the values come from and what is unconfirmed.
   */
  note?: string;
  /**
   * @minItems 1
   */
  codes: [CodeValue, ...CodeValue[]];
}
export interface CodeValue {
  /**
   * National codes are digits (GB/T …); jiuzhu's own tables (departments, assistance types) use short lowercase ids.
   */
  code: string;
  name: string;
  /**
   * National codes are digits (GB/T …); jiuzhu's own tables (departments, assistance types) use short lowercase ids.
   */
  parent?: string;
  /**
   * Assistance categories only: a 基本生活 category (低保, 特困); a person holds at most one at once.
   */
  basicLiving?: boolean;
  /**
   * Assistance categories only: the family the category belongs to.
   */
  group?: 'dibao' | 'tekun' | 'temporary' | 'edge' | 'rigid-expenditure' | 'other';
}
/**
 * Building blocks shared by the canonical records and the API bodies.
 */
export interface Common {
  [k: string]: unknown | undefined;
}
/**
 * Body of POST /v1/comparisons.
 */
export interface ComparisonRequest {
  period?: Period1;
  /**
   * incremental: only people with facts from batches imported since the last run.
   */
  mode?: 'full' | 'incremental';
}
/**
 * The report of one comparison run (数据比对): what it looked at and the warnings it raised per rule. Holds no personal data.
 */
export interface ComparisonRun {
  runId: number;
  period: Period;
  mode: 'full' | 'incremental';
  /**
   * The rule set's id.
   */
  ruleSet: string;
  /**
   * New warnings raised by the run.
   */
  warnings: number;
  /**
   * rule id → new warnings.
   */
  byRule: {
    [k: string]: number | undefined;
  };
  details: {
    [k: string]:
      | {
          raised: number;
          /**
           * Subjects every one of whose matches an exemption covers.
           */
          exempted: number;
          /**
           * Subjects held back because an earlier warning of the rule is still open.
           */
          suppressed: number;
        }
      | undefined;
  };
  /**
   * Incremental runs: the last batch the previous run had seen.
   */
  afterBatchId: number | null;
  /**
   * The newest batch when the run started.
   */
  throughBatchId: number | null;
}
/**
 * gateway/store/reference-data/regions/<county>.json: a county's townships and streets with their villages and communities, by 统计用区划代码.
 */
export interface CountyRegions {
  code: string;
  name: string;
  province: NamedCode;
  prefecture: NamedCode;
  /**
   * Where the list comes from, with its date.
   */
  source: string;
  /**
   * @minItems 1
   */
  townships: [TownshipRegions, ...TownshipRegions[]];
}
export interface NamedCode {
  code: string;
  name: string;
}
export interface TownshipRegions {
  code: string;
  name: string;
  /**
   * 街道 0xx, 镇 1xx, 乡 2xx, other (农场, 开发区 …).
   */
  kind: 'street' | 'town' | 'township' | 'other';
  villages?: VillageRegion[];
}
export interface VillageRegion {
  code: string;
  name: string;
  /**
   * 城乡分类代码, when the source has it.
   */
  urbanRural?: string;
}
export interface FactSubject {
  idNumber: CanonicalIdNumber;
  name?: string | null;
}
/**
 * 公安户籍注销 / 殡葬: a person died
 */
export interface PersonDeathFact {
  kind: 'person-death';
  attributes: {
    place?: string;
    cause?: string;
  };
}
/**
 * 殡葬 (MZ/T 141 逝者信息): a person was cremated or buried
 */
export interface PersonCremationFact {
  kind: 'person-cremation';
  attributes: {
    funeralHome?: string;
  };
}
/**
 * 公安户籍: household registration moved out
 */
export interface PersonMovedOutFact {
  kind: 'person-moved-out';
  attributes: {
    destination?: string;
  };
}
/**
 * 公安户籍: a birth registered
 */
export interface PersonBirthFact {
  kind: 'person-birth';
  attributes: {
    householdHeadIdNumber?: CanonicalIdNumber;
  };
}
/**
 * 公安交管: a motor vehicle registered to the person; amountFen = declared value when given
 */
export interface VehicleRegisteredFact {
  kind: 'vehicle-registered';
  attributes: {
    plate: string;
    vehicleType?: string;
    useNature?: string;
  };
}
/**
 * 人社就业登记: employed; amountFen = monthly wage when given
 */
export interface EmploymentFact {
  kind: 'employment';
  attributes: {
    employer?: string;
  };
}
/**
 * 人社社保缴费: contributions paid for `period`; amountFen = contribution base
 */
export interface SocialInsuranceContributionFact {
  kind: 'social-insurance-contribution';
  attributes: {
    insuranceType?: string;
  };
}
/**
 * 人社养老金领取: pension paid for `period`; amountFen = monthly amount
 */
export interface PensionFact {
  kind: 'pension';
  attributes: {
    pensionType?: string;
  };
}
/**
 * 人社失业保险金: paid for `period`; amountFen = monthly amount
 */
export interface UnemploymentBenefitFact {
  kind: 'unemployment-benefit';
  attributes: {};
}
/**
 * 不动产登记: property registered to the person
 */
export interface RealEstateFact {
  kind: 'real-estate';
  attributes: {
    certificateNo: string;
    location?: string;
    areaSquareMetres?: string;
    residential?: boolean;
  };
}
/**
 * 市场监管: the person is legal representative of or investor in a registered business
 */
export interface BusinessRegistrationFact {
  kind: 'business-registration';
  attributes: {
    uscc: string;
    enterpriseName?: string;
    role?: string;
    registeredCapitalFen?: NonNegativeFen;
  };
}
/**
 * 医保结算: medical costs settled; amountFen = self-paid part (自付)
 */
export interface MedicalSettlementFact {
  kind: 'medical-settlement';
  attributes: {
    settlementType: 'inpatient' | 'outpatient' | 'chronic-outpatient' | 'other';
    totalFen?: NonNegativeFen;
    hospital?: string;
  };
}
/**
 * 卫健: a major illness diagnosed (大病专项救治)
 */
export interface MajorIllnessFact {
  kind: 'major-illness';
  attributes: {
    disease: string;
  };
}
/**
 * 教育: enrolled as a student; amountFen = self-paid fees for the school year when given
 */
export interface StudentEnrolledFact {
  kind: 'student-enrolled';
  attributes: {
    school?: string;
    stage: 'preschool' | 'primary' | 'junior-secondary' | 'senior-secondary' | 'vocational' | 'higher' | 'other';
  };
}
/**
 * 残联: disability certificate issued or changed
 */
export interface DisabilityCertificateFact {
  kind: 'disability-certificate';
  attributes: {
    certificateNo?: string;
    category: Code2;
    grade: Code2;
  };
}
/**
 * 应急管理: affected by a disaster; amountFen = loss when assessed
 */
export interface DisasterVictimFact {
  kind: 'disaster-victim';
  attributes: {
    disasterType?: string;
  };
}
/**
 * 工会: registered as a worker in hardship (困难职工)
 */
export interface WorkerInHardshipFact {
  kind: 'worker-in-hardship';
  attributes: {
    employer?: string;
    hardshipType?: string;
  };
}
/**
 * a department reports assistance it gave (一户一条救助链); amountFen = amount
 */
export interface AssistanceGivenFact {
  kind: 'assistance-given';
  attributes: {
    department: Code2;
    assistanceType: Code2;
  };
}
/**
 * civil-affairs staff, village cadres and their close relatives (人情保 check)
 */
export interface StaffRelationFact {
  kind: 'staff-relation';
  attributes: {
    unit?: string;
    role: 'civil-affairs-staff' | 'village-cadre' | 'relative';
    relatedIdNumber?: CanonicalIdNumber;
    relation?: string;
  };
}
/**
 * 防返贫监测: the household is monitored by the anti-poverty system
 */
export interface AntipovertyMonitoredFact {
  kind: 'antipoverty-monitored';
  attributes: {
    householdNo?: string;
    monitoringType: 'unstable-ex-poor' | 'marginal-at-risk' | 'sudden-hardship';
    riskTypes?: string[];
    riskEliminated: boolean;
    eliminatedOn?: CalendarDate;
  };
}
/**
 * 金民 national roster: enrolled in a category with a monthly amount (amountFen)
 */
export interface JinminEnrolmentFact {
  kind: 'jinmin-enrolment';
  attributes: {
    category: '110' | '120' | '130' | '131' | '132' | '500' | '600' | '650' | '660';
    regionCode?: RegionCode1;
  };
}
/**
 * adapters/departments/<source>.mapping.json: how one department feed's rows become canonical facts. Adding a feed is adding one of these files.
 */
export interface FeedMapping {
  /**
   * Stable source id, used in URLs and scripts (e.g. gongan-hukou, yibao).
   */
  source: string;
  /**
   * Department code (code table department) that sends the feed.
   */
  department: string;
  /**
   * What the file is, as the department calls it.
   */
  title: string;
  description?: string;
  /**
   * The sheet to read in a workbook, when not the one with the most rows.
   */
  sheet?: string;
  /**
   * The repeated XML element that holds one record.
   */
  xmlRecordElement?: string;
  fields: {
    [k: string]: MappedField | undefined;
  };
  fact: FactTemplate;
}
export interface MappedField {
  /**
   * Header texts the column goes by, as such files really carry them (aliases). Matched ignoring spaces, full/half width and trailing notes in brackets.
   *
   * @minItems 1
   */
  headers: [string, ...string[]];
  type: 'text' | 'idNumber' | 'date' | 'period' | 'fen' | 'integer' | 'boolean' | 'uscc' | 'decimal';
  /**
   * A row without a value here is rejected; a file without the column is refused.
   */
  required?: boolean;
  /**
   * Translate the file's wording into canonical values (e.g. 住院 → inpatient).
   */
  map?: {
    [k: string]: string | undefined;
  };
  /**
   * Value when the cell is empty or not in `map`.
   */
  default?: string;
}
export interface FactTemplate {
  /**
   * The fact kind, or a field whose (mapped) value names the kind, for feeds that mix kinds (公安户籍: 死亡 / 迁出 / 出生).
   */
  kind:
    | string
    | {
        field: string;
      };
  subject: {
    idNumber: string;
    name?: string;
  };
  /**
   * Field holding the date.
   */
  occurredOn?: string;
  /**
   * Field holding the period; a date field gives its month.
   */
  period?: string;
  /**
   * Field holding the fact's money figure.
   */
  amountFen?: string;
  /**
   * Attribute name → field name.
   */
  attributes?: {
    [k: string]: string | undefined;
  };
  /**
   * Attribute name → fixed value for every row of this feed.
   */
  constants?: {
    [k: string]: (string | boolean) | undefined;
  };
}
/**
 * A public-holiday calendar: config/holidays/<id>.json. One entry per year, transcribed from that year's 国务院办公厅关于…年部分节假日安排的通知, so working-day deadlines follow the official holidays and make-up working days (调休上班). What a schema cannot say (dates inside their year, make-up days on weekends, no date twice) is checked when the file is loaded.
 */
export interface HolidayCalendar {
  /**
   * The calendar's name in code, kebab-case; equals the file name without .json (cn for the national calendar).
   */
  id: string;
  title: string;
  /**
   * Who publishes the notices this calendar is transcribed from.
   */
  authority: string;
  /**
   * @minItems 1
   */
  years: [HolidayYear, ...HolidayYear[]];
}
/**
 * One calendar year, complete: every day of it not listed is a working day from Monday to Friday and a rest day at the weekend.
 */
export interface HolidayYear {
  year: number;
  notice: HolidayNotice;
  /**
   * What a reader checking the entry should know: where a detail comes from, what changed that year.
   */
  note?: string;
  /**
   * One entry per numbered section of the notice, in its order.
   *
   * @minItems 1
   */
  holidays: [Holiday, ...Holiday[]];
}
/**
 * The notice the year is transcribed from.
 */
export interface HolidayNotice {
  title: string;
  /**
   * 文号, e.g. 国办发明电〔2023〕7号, when a copy of the notice states it.
   */
  documentNumber?: string;
  published: CalendarDate;
  /**
   * The full text the dates were checked against.
   */
  url: string;
  /**
   * Other copies of the full text checked to say the same.
   */
  copies?: string[];
}
/**
 * One festival's days off (放假), from and to inclusive, and the weekend days worked instead (调休上班), as one section of the notice states them.
 */
export interface Holiday {
  /**
   * The festival as the notice names it (春节; 国庆节、中秋节 when one section covers both).
   */
  name: string;
  from: CalendarDate;
  to: CalendarDate;
  /**
   * The notice's 共N天 (1 when it states a single day), checked against from and to.
   */
  days: number;
  /**
   * Saturdays and Sundays the notice makes working days (…上班).
   */
  makeUpWorkdays?: CalendarDate[];
  /**
   * The notice's section, verbatim, so a reviewer can check the dates against it.
   */
  text?: string;
}
/**
 * Body of POST /v1/households: a household with its members, optionally their current enrolments and benefit accounts. Either everything is stored or nothing is.
 */
export interface HouseholdCreate {
  /**
   * 户编号; generated when absent.
   */
  householdNo?: string;
  registeredRegionCode: RegionCode2;
  residenceRegionCode: RegionCode3;
  address: string;
  monthlyIncomeFen?: NonNegativeFen;
  /**
   * @minItems 1
   * @maxItems 30
   */
  members: [MemberInput, ...MemberInput[]];
}
export interface MemberInput {
  idNumber: IdNumber;
  name: string;
  relation: Code3;
  ethnicity?: Code2;
  maritalStatus?: Code2;
  health?: Code2;
  disabilityCategory?: Code2;
  disabilityGrade?: Code2;
  labourAbility?: Code2;
  selfCareAbility?: Code2;
  monthlyIncomeFen?: NonNegativeFen;
  bankAccount?: BankAccount;
  /**
   * @maxItems 20
   */
  enrolments?: EnrolmentInput[];
}
export interface EnrolmentInput {
  category: '110' | '120' | '130' | '131' | '132' | '500' | '600' | '650' | '660';
  startDate: CalendarDate;
  endDate?: CalendarDate;
  monthlyAmountFen?: NonNegativeFen;
}
/**
 * One line of a household list: enough to find the household, no member details.
 */
export interface HouseholdSummary {
  id: number;
  householdNo: string;
  registeredRegionCode: RegionCode1;
  residenceRegionCode: RegionCode1;
  /**
   * 户主姓名
   */
  headName: string | null;
  memberCount: number;
  /**
   * Business codes of the current enrolments of any member.
   */
  categories: string[];
}
/**
 * A household (家庭) in the low-income register: where it is registered (户籍地) and where it lives (居住地), which need not be the same (一城通办).
 */
export interface Household {
  id: number;
  /**
   * 户编号: stable key, unique within the store.
   */
  householdNo: string;
  registeredRegion: RegionRef;
  residenceRegion: RegionRef;
  address: string;
  /**
   * 家庭月总收入 in fen.
   */
  monthlyIncomeFen?: Fen | null;
  members: Person[];
}
export interface RegionRef {
  code: RegionCode1;
  /**
   * Full name from the county down, e.g. 永宁县杨和镇.
   */
  name: string;
}
/**
 * A member of a household in the low-income register, as the API shows it. Coded fields use the national code tables; each code comes with its name.
 */
export interface Person {
  idNumber: CanonicalIdNumber;
  /**
   * True when idNumber is shown masked for the caller's role.
   */
  idNumberMasked?: boolean;
  name: string;
  gender: CodedValue;
  birthDate: CalendarDate;
  relation: CodedValue1;
  /**
   * 民族, GB/T 3304.
   */
  ethnicity?: CodedValue2 | null;
  /**
   * 婚姻状况, GB/T 2261.2.
   */
  maritalStatus?: CodedValue2 | null;
  /**
   * 健康状况, GB/T 2261.3.
   */
  health?: CodedValue2 | null;
  /**
   * 残疾类别, GB/T 26341.
   */
  disabilityCategory?: CodedValue2 | null;
  /**
   * 残疾等级, GB/T 26341.
   */
  disabilityGrade?: CodedValue2 | null;
  /**
   * 劳动能力.
   */
  labourAbility?: CodedValue2 | null;
  /**
   * 生活自理能力 (特困 care level).
   */
  selfCareAbility?: CodedValue2 | null;
  /**
   * 月收入 in fen.
   */
  monthlyIncomeFen?: Fen | null;
  householdId: number;
  bankAccount?: BankAccount | null;
  /**
   * True when the account number is shown masked for the caller's role.
   */
  bankAccountMasked?: boolean;
  enrolments: Enrolment[];
}
/**
 * GB/T 2261.1, derived from the ID number.
 */
export interface CodedValue {
  code: Code2;
  name: string;
}
/**
 * 与户主关系, GB/T 4761.
 */
export interface CodedValue1 {
  code: Code2;
  name: string;
}
export interface CodedValue2 {
  code: Code2;
  name: string;
}
/**
 * RFC 9457 problem details. `type` is stable (urn:jiuzhu:problem:<code>); `errors` names each failing field by JSON pointer into the request body, or by parameter name.
 */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code: string;
  requestId?: string;
  errors?: {
    in?: 'body' | 'query' | 'path' | 'header';
    /**
     * JSON pointer into the body, e.g. /members/1/idNumber.
     */
    pointer?: string;
    /**
     * Name of the failing query, path or header parameter.
     */
    parameter?: string;
    detail: string;
  }[];
}
/**
 * An administrative or statistical division: county (区县), township or street (乡镇、街道), village or community (村、社区).
 */
export interface Region {
  code: RegionCode1;
  name: string;
  level: 'county' | 'township' | 'village';
  parentCode?: RegionCode1 | null;
  /**
   * For townships: street 街道, town 镇, township 乡, other (开发区、园区 …).
   */
  kind?: 'street' | 'town' | 'township' | 'other' | null;
  /**
   * 城乡分类代码 of a village or community (111 主城区 … 220 村庄), when the statistical list gives it.
   */
  urbanRural?: string | null;
}
/**
 * config/rules/<name>.json: the comparison rules a deployment runs, and each region's own thresholds. A city changes a threshold here, not in code.
 */
export interface RuleSet {
  $schema?: string;
  id: string;
  title: string;
  description?: string;
  /**
   * @minItems 1
   */
  rules: [Rule, ...Rule[]];
  /**
   * Per county (6-digit GB/T 2260 code): thresholds that replace the rules' own for subjects living there.
   */
  regions?: {
    [k: string]:
      | {
          name?: string;
          /**
           * rule id → threshold name → value (in the threshold's unit).
           */
          thresholds: {
            [k: string]:
              | {
                  [k: string]: number | undefined;
                }
              | undefined;
          };
          /**
           * The local document that sets them.
           */
          source?: string;
        }
      | undefined;
  };
}
/**
 * One comparison rule (比对规则) of config/rules/*.json: which facts it needs, whom it looks at in the register, its thresholds and exemptions, and what the warning (预警) it raises asks of whom, by when. A rule is data: the engine turns its match into one set-based query.
 */
export interface Rule {
  /**
   * Stable rule id, used in warnings, URLs and statistics.
   */
  id: string;
  /**
   * The warning's name as townships read it, e.g. 在保对象死亡.
   */
  title: string;
  /**
   * What the rule finds and why it matters, with the policy it rests on.
   */
  description: string;
  enabled?: boolean;
  match: FactMatch | AmountMatch | EnrolmentConflictMatch;
  /**
   * Named thresholds the match refers to. Regions override them in the rule set (regions.<code>.thresholds).
   */
  thresholds?: {
    [k: string]: Threshold | undefined;
  };
  /**
   * Situations in which a match raises no warning (豁免), e.g. a vehicle a disabled member needs for treatment. Exempted matches are counted in the run report.
   */
  exemptions?: Exemption[];
  /**
   * high: benefits may be wrong now (death, conflicting enrolment); medium: a means-test finding to verify; low: a discovery lead.
   */
  severity: 'high' | 'medium' | 'low';
  /**
   * 停发/减员, 复核, 渐退, 纳入救助, 纳入低收入监测, 单人保, 急难救助, 转介, 纠正重复享受, 人情保核查.
   */
  suggestedAction:
    | 'stop-benefit'
    | 'review-benefit'
    | 'gradual-exit'
    | 'consider-inclusion'
    | 'add-to-monitoring'
    | 'individual-insurance'
    | 'emergency-assistance'
    | 'refer'
    | 'resolve-conflict'
    | 'review-favouritism';
  /**
   * Who verifies: the township of residence (乡镇/街道) or the county bureau. A subject with no known residence goes to the county whatever this says.
   */
  handlingUnit: 'township' | 'county';
  referTo?: Code4;
  /**
   * Working days (official holiday calendar) from the warning's push to its resolution.
   */
  deadlineWorkingDays: number;
}
/**
 * A fact of these kinds about a subject — optionally an adult, optionally without another kind of fact in a window (e.g. a student with no education assistance).
 */
export interface FactMatch {
  type: 'fact';
  /**
   * recipients: persons with an enrolment active at the period's end; recipient-households: any member of a household with such an enrolment; non-recipients: anyone without one, in the register or not; not-basic-living: anyone without an active 低保 or 特困 enrolment; anyone: no condition.
   */
  subjects: 'recipients' | 'recipient-households' | 'non-recipients' | 'not-basic-living' | 'anyone';
  kinds: Kinds;
  where?: AttributeCondition[];
  /**
   * Months before the run's period that also count (0: the period alone). Absent: any time up to the period's end — for standing facts such as a registered vehicle.
   */
  lookbackMonths?: number;
  /**
   * Age in full years at the period's end, from the ID number's birth date.
   */
  minimumAge?: number;
  /**
   * No fact of these kinds about the same subject in the window.
   */
  without?: {
    kinds: Kinds;
    where?: AttributeCondition[];
    /**
     * Months before the run's period that also count (0: the period alone). Absent: any time up to the period's end — for standing facts such as a registered vehicle.
     */
    lookbackMonths?: number;
  };
}
/**
 * The attribute and exactly one of in and notIn.
 */
export interface AttributeCondition {
  /**
   * A fact attribute (attributes.<name>).
   */
  attribute: string;
  /**
   * The attribute holds one of these.
   *
   * @minItems 1
   */
  in?: [string | number | boolean, ...(string | number | boolean)[]];
  /**
   * The attribute is absent or holds none of these.
   *
   * @minItems 1
   */
  notIn?: [string | number | boolean, ...(string | number | boolean)[]];
}
/**
 * The total (per month, or over the window) of an amount in facts of these kinds reaches a threshold.
 */
export interface AmountMatch {
  type: 'amount';
  /**
   * recipients: persons with an enrolment active at the period's end; recipient-households: any member of a household with such an enrolment; non-recipients: anyone without one, in the register or not; not-basic-living: anyone without an active 低保 or 特困 enrolment; anyone: no condition.
   */
  subjects: 'recipients' | 'recipient-households' | 'non-recipients' | 'not-basic-living' | 'anyone';
  kinds: Kinds;
  where?: AttributeCondition[];
  /**
   * amountFen, or a numeric attribute (attributes.areaSquareMetres).
   */
  measure: string;
  /**
   * Months before the run's period that also count (0: the period alone). Absent: any time up to the period's end — for standing facts such as a registered vehicle.
   */
  lookbackMonths?: number;
  /**
   * per-month: any one month's total reaches the threshold; over-window: the window's total does.
   */
  total?: 'per-month' | 'over-window';
  /**
   * sum: add the amounts up; max: the largest one (for figures that restate one another, such as a wage and the contribution base it sets).
   */
  aggregate?: 'sum' | 'max';
  /**
   * household-member: the household's total divided by its members (register households only).
   */
  per?: 'person' | 'household-member';
  /**
   * The name of the threshold (in thresholds) the total must reach.
   */
  threshold: string;
  /**
   * A lower threshold for ex-poor people (a subject of an antipoverty-monitored fact), as counties set for 脱贫人口.
   */
  exPoorThreshold?: string;
}
/**
 * The national roster (jinmin-enrolment facts) shows a recipient of a basic-living category in another basic-living group (特困 and 低保 at once) or enrolled in another county.
 */
export interface EnrolmentConflictMatch {
  type: 'enrolment-conflict';
  /**
   * Months before the run's period that also count (0: the period alone). Absent: any time up to the period's end — for standing facts such as a registered vehicle.
   */
  lookbackMonths?: number;
}
export interface Threshold {
  /**
   * In the unit: fen for money, whole square metres for area.
   */
  value: number;
  unit: 'fen' | 'square-metres';
  /**
   * true: a value seen in practice (research/domain-data.md §3), not this region's policy; set the region's own before relying on it.
   */
  example: boolean;
  /**
   * Where the value comes from.
   */
  source?: string;
}
/**
 * At least one of householdMember and fact; when both are given, both must hold.
 */
export interface Exemption {
  id: string;
  description: string;
  /**
   * The subject's register household has a member with one of these disability grades or health codes.
   */
  householdMember?: {
    /**
     * @minItems 1
     */
    disabilityGrades?: ['1' | '2' | '3' | '4', ...('1' | '2' | '3' | '4')[]];
    /**
     * @minItems 1
     */
    health?: [string, ...string[]];
  };
  fact?: AttributeCondition1;
}
/**
 * The attribute and exactly one of in and notIn.
 */
export interface AttributeCondition1 {
  /**
   * A fact attribute (attributes.<name>).
   */
  attribute: string;
  /**
   * The attribute holds one of these.
   *
   * @minItems 1
   */
  in?: [string | number | boolean, ...(string | number | boolean)[]];
  /**
   * The attribute is absent or holds none of these.
   *
   * @minItems 1
   */
  notIn?: [string | number | boolean, ...(string | number | boolean)[]];
}
