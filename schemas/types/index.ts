/* Generated from schemas/*.schema.json by `npm run schemas:types`. Do not edit: change the schema and regenerate. */

/**
 * 公民身份号码 (GB 11643): 18 characters, the check character an upper-case X for 10. Requests may send it un-normalised; the identity module normalises and validates it before anything is stored.
 */
export type IdNumber = string;
/**
 * Day of acceptance; today (Asia/Shanghai) when absent. Deadlines count from it.
 */
export type CalendarDate = string;
/**
 * The day overdue is judged on.
 */
export type CalendarDate1 = string;
/**
 * A calendar date in Asia/Shanghai, YYYY-MM-DD, in the years 1900–2099 (PostgreSQL has no year 0, and no date of this work lies outside them).
 */
export type CalendarDate2 = string;
/**
 * A calendar month, YYYY-MM, in the years 1900–2099.
 */
export type Period = string;
/**
 * A calendar date in Asia/Shanghai, YYYY-MM-DD, in the years 1900–2099 (PostgreSQL has no year 0, and no date of this work lies outside them).
 */
export type CalendarDate3 = string;
/**
 * A calendar date in Asia/Shanghai, YYYY-MM-DD, in the years 1900–2099 (PostgreSQL has no year 0, and no date of this work lies outside them).
 */
export type CalendarDate4 = string;
/**
 * reviewed or notice: the household's proposed monthly benefit, which the notice shows.
 */
export type NonNegativeFen = number;
/**
 * An amount of money in fen that cannot be negative (income, benefit).
 */
export type NonNegativeFen1 = number;
/**
 * When it was recorded.
 */
export type Timestamp = string;
/**
 * A normalised, validated 18-character citizen ID number, or its masked display form (first 6 and last 4 kept).
 */
export type CanonicalIdNumber = string;
/**
 * A calendar date in Asia/Shanghai, YYYY-MM-DD, in the years 1900–2099 (PostgreSQL has no year 0, and no date of this work lies outside them).
 */
export type CalendarDate5 = string;
/**
 * A calendar date in Asia/Shanghai, YYYY-MM-DD, in the years 1900–2099 (PostgreSQL has no year 0, and no date of this work lies outside them).
 */
export type CalendarDate6 = string;
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
export type Timestamp1 = string;
/**
 * What an API key may do. admin: keys and configuration; integrator: provincial and national systems exchanging data; township: 乡镇（街道） staff handling their own area; liaison: 联络人 filing monthly progress (no personal data); finance: 财政/发放 staff exporting payment rolls; auditor: 审计/纪检 pulling compliance reports.
 */
export type Role = 'admin' | 'integrator' | 'township' | 'liaison' | 'finance' | 'auditor';
/**
 * GB/T 2260 division code (6 digits: province, prefecture or county) or statistical division code (9 digits: township/street, 12 digits: village/community).
 */
export type RegionCode1 = string;
/**
 * A fixed amount (fen per person per month), or a share of the household's 低保 standard in per mille (200 is 20 %).
 */
export type AddOnAmount =
  | {
      /**
       * Fen per person per month.
       */
      fen: number;
      example?: boolean;
      /**
       * Where the value comes from: the national rule, the local document, or why an example was chosen.
       */
      basis?: string;
    }
  | {
      perMilleOfStandard: number;
      example?: boolean;
      /**
       * Where the value comes from: the national rule, the local document, or why an example was chosen.
       */
      basis?: string;
    };
/**
 * A calendar month, YYYY-MM, in the years 1900–2099.
 */
export type Period1 = string;
/**
 * 办理结果: ineligible 不符合救助条件; included 纳入救助范畴 (with the date).
 */
export type DiscoveryResult = 'ineligible' | 'included';
/**
 * A value from one of the national code tables kept in gateway/store/reference-data/code-tables.
 */
export type Code2 = string;
/**
 * 分类建档 (seed 004 §二(四)): newly-assisted 新增救助群众; observation 救助观察群众 (not eligible but in real hardship); none (no hardship found).
 */
export type DiscoveryFiling = 'newly-assisted' | 'observation' | 'none';
/**
 * A calendar date in Asia/Shanghai, YYYY-MM-DD, in the years 1900–2099 (PostgreSQL has no year 0, and no date of this work lies outside them).
 */
export type CalendarDate7 = string;
/**
 * A calendar date in Asia/Shanghai, YYYY-MM-DD, in the years 1900–2099 (PostgreSQL has no year 0, and no date of this work lies outside them).
 */
export type CalendarDate8 = string;
/**
 * open → investigating (入户调查 recorded) → concluded (办理结果 recorded).
 */
export type DiscoveryStatus = 'open' | 'investigating' | 'concluded';
/**
 * 发现方式 (seed 004): home-visit 走访发现, data-push 信息推送发现 (from a comparison warning), work 工作发现.
 */
export type DiscoveryMethod = 'home-visit' | 'data-push' | 'work';
/**
 * year: the seed's words, at least 2 checks in the calendar year; half-year: local practice (an example), at least 1 in each half year the household was enrolled in, judged once the half year is over.
 */
export type CheckReading = 'year' | 'half-year';
/**
 * A calendar date in Asia/Shanghai, YYYY-MM-DD, in the years 1900–2099 (PostgreSQL has no year 0, and no date of this work lies outside them).
 */
export type CalendarDate9 = string;
/**
 * A calendar date in Asia/Shanghai, YYYY-MM-DD, in the years 1900–2099 (PostgreSQL has no year 0, and no date of this work lies outside them).
 */
export type CalendarDate10 = string;
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
  occurredOn?: CalendarDate2 | null;
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
 * A calendar date in Asia/Shanghai, YYYY-MM-DD, in the years 1900–2099 (PostgreSQL has no year 0, and no date of this work lies outside them).
 */
export type CalendarDate11 = string;
/**
 * A calendar date in Asia/Shanghai, YYYY-MM-DD, in the years 1900–2099 (PostgreSQL has no year 0, and no date of this work lies outside them).
 */
export type CalendarDate12 = string;
/**
 * A calendar date in Asia/Shanghai, YYYY-MM-DD, in the years 1900–2099 (PostgreSQL has no year 0, and no date of this work lies outside them).
 */
export type CalendarDate13 = string;
/**
 * A calendar date in Asia/Shanghai, YYYY-MM-DD, in the years 1900–2099 (PostgreSQL has no year 0, and no date of this work lies outside them).
 */
export type CalendarDate14 = string;
/**
 * missing: nothing filed; incomplete: some tasks filed; on-time or late: every task filed, judged by the Shanghai date of the last task's first filing.
 */
export type FilingState = 'missing' | 'incomplete' | 'on-time' | 'late';
/**
 * GB/T 2260 division code (6 digits: province, prefecture or county) or statistical division code (9 digits: township/street, 12 digits: village/community).
 */
export type RegionCode2 = string;
/**
 * A calendar date in Asia/Shanghai, YYYY-MM-DD, in the years 1900–2099 (PostgreSQL has no year 0, and no date of this work lies outside them).
 */
export type CalendarDate15 = string;
/**
 * A calendar date in Asia/Shanghai, YYYY-MM-DD, in the years 1900–2099 (PostgreSQL has no year 0, and no date of this work lies outside them).
 */
export type CalendarDate16 = string;
/**
 * The visiting app's own id for the visit (a UUID, say); sending the same visit again is harmless.
 */
export type ClientVisitId = string;
/**
 * home: 入户走访; elsewhere: met in person elsewhere (村委会, 医院); phone: 电话联系.
 */
export type VisitKind = 'home' | 'elsewhere' | 'phone';
/**
 * 公民身份号码 (GB 11643): 18 characters, the check character an upper-case X for 10. Requests may send it un-normalised; the identity module normalises and validates it before anything is stored.
 */
export type IdNumber1 = string;
/**
 * everyMonths: a visit in every period of this many months, read as frequencyReading says (calendar periods must divide the year: 1, 2, 3, 4, 6 or 12); withinWorkingDays: one visit within this many working days of the trigger; 0 is 立即 (立即走访), due on the trigger's own day.
 */
export type VisitFrequency =
  | {
      everyMonths: number;
    }
  | {
      withinWorkingDays: number;
    };
/**
 * A calendar date in Asia/Shanghai, YYYY-MM-DD, in the years 1900–2099 (PostgreSQL has no year 0, and no date of this work lies outside them).
 */
export type CalendarDate17 = string;
/**
 * GB/T 2260 division code (6 digits: province, prefecture or county) or statistical division code (9 digits: township/street, 12 digits: village/community).
 */
export type RegionCode3 = string;
/**
 * GB/T 2260 division code (6 digits: province, prefecture or county) or statistical division code (9 digits: township/street, 12 digits: village/community).
 */
export type RegionCode4 = string;
/**
 * GB/T 2260 division code (6 digits: province, prefecture or county) or statistical division code (9 digits: township/street, 12 digits: village/community).
 */
export type RegionCode5 = string;
/**
 * A value from one of the national code tables kept in gateway/store/reference-data/code-tables.
 */
export type Code3 = string;
/**
 * 联系电话: a mobile (11 digits) or a landline with its area code; spaces and dashes are allowed on input and dropped when stored. Stored encrypted like ID numbers.
 */
export type Phone = string;
/**
 * @minItems 1
 */
export type StandardVersions = [IndexStandardVersion, ...IndexStandardVersion[]];
/**
 * A calendar month, YYYY-MM, in the years 1900–2099.
 */
export type Period2 = string;
/**
 * A calendar date in Asia/Shanghai, YYYY-MM-DD, in the years 1900–2099 (PostgreSQL has no year 0, and no date of this work lies outside them).
 */
export type CalendarDate18 = string;
/**
 * A calendar date in Asia/Shanghai, YYYY-MM-DD, in the years 1900–2099 (PostgreSQL has no year 0, and no date of this work lies outside them).
 */
export type CalendarDate19 = string;
/**
 * A calendar date in Asia/Shanghai, YYYY-MM-DD, in the years 1900–2099 (PostgreSQL has no year 0, and no date of this work lies outside them).
 */
export type CalendarDate20 = string;
/**
 * An amount of money in fen that cannot be negative (income, benefit).
 */
export type NonNegativeFen2 = number;
/**
 * A calendar month, YYYY-MM, in the years 1900–2099.
 */
export type Period3 = string;
/**
 * A calendar date in Asia/Shanghai, YYYY-MM-DD, in the years 1900–2099 (PostgreSQL has no year 0, and no date of this work lies outside them).
 */
export type CalendarDate21 = string;
/**
 * A calendar date in Asia/Shanghai, YYYY-MM-DD, in the years 1900–2099 (PostgreSQL has no year 0, and no date of this work lies outside them).
 */
export type CalendarDate22 = string;
/**
 * GB/T 2260 division code (6 digits: province, prefecture or county) or statistical division code (9 digits: township/street, 12 digits: village/community).
 */
export type RegionCode6 = string;
/**
 * A calendar date in Asia/Shanghai, YYYY-MM-DD, in the years 1900–2099 (PostgreSQL has no year 0, and no date of this work lies outside them).
 */
export type CalendarDate23 = string;
/**
 * A calendar date in Asia/Shanghai, YYYY-MM-DD, in the years 1900–2099 (PostgreSQL has no year 0, and no date of this work lies outside them).
 */
export type CalendarDate24 = string;
/**
 * A calendar date in Asia/Shanghai, YYYY-MM-DD, in the years 1900–2099 (PostgreSQL has no year 0, and no date of this work lies outside them).
 */
export type CalendarDate25 = string;
/**
 * month 2024-06; quarter 2024-Q2; week 2024-W23 (ISO 8601, Monday to Sunday); year 2024; year-to-date 2024-06-ytd (1 January to the month's end); range 2024-06-01..2024-06-30; none (the report is as of today, e.g. a roster).
 */
export type ReportPeriodKind = 'month' | 'quarter' | 'week' | 'year' | 'year-to-date' | 'range' | 'none';
/**
 * Fact kinds (schemas/fact.schema.json) the rule reads.
 *
 * @minItems 1
 */
export type Kinds = [string, ...string[]];
/**
 * Fact kinds (schemas/fact.schema.json) the rule reads.
 *
 * @minItems 1
 */
export type Kinds1 = [string, ...string[]];
/**
 * A value from one of the national code tables kept in gateway/store/reference-data/code-tables.
 */
export type Code4 = string;
/**
 * GB/T 2260 division code (6 digits: province, prefecture or county) or statistical division code (9 digits: township/street, 12 digits: village/community).
 */
export type RegionCode7 = string;
/**
 * A calendar month, YYYY-MM, in the years 1900–2099.
 */
export type Period4 = string;
/**
 * GB/T 2260 division code (6 digits: province, prefecture or county) or statistical division code (9 digits: township/street, 12 digits: village/community).
 */
export type RegionCode8 = string;
/**
 * What is sampled: enrolled-households (households with an enrolment in the region during the period), resolved-warnings (warning case files resolved in the period), decided-applications (application case files decided in the period).
 */
export type SpotCheckPopulation = 'enrolled-households' | 'resolved-warnings' | 'decided-applications';
/**
 * A month (2024-09), a quarter (2024-Q3) or a year (2024).
 */
export type SpotCheckPeriodText = string;
/**
 * How many to draw: a count, or a whole percentage of the population rounded up with a minimum; never more than the population. Absent: 5 per cent, at least 10 (an example of local practice; no seed sets a size).
 */
export type SpotCheckSize =
  | {
      count: number;
    }
  | {
      ratePercent: number;
      minimum: number;
    };
/**
 * 128 bits as 32 lower-case hex digits. Absent: a fresh random seed. Give one only to repeat a draw published elsewhere (for instance one drawn in public from a lottery's numbers).
 */
export type SpotCheckSeed = string;
/**
 * passed (合格), problem (存在问题, with findings) or unverifiable (无法核查).
 */
export type SpotCheckOutcome = 'passed' | 'problem' | 'unverifiable';
/**
 * A calendar date in Asia/Shanghai, YYYY-MM-DD, in the years 1900–2099 (PostgreSQL has no year 0, and no date of this work lies outside them).
 */
export type CalendarDate26 = string;
/**
 * Which households the category covers. enrolment: the household has a current enrolment in one of these business codes (assistance-category); member: and some member has all the given attributes; childWithoutParent: and a minor lives in it with neither parent in the household; warningRules: a warning of one of these comparison rules about a member (a trigger: due within the frequency's working days of the warning, until a visit on or after that day).
 */
export type VisitMatch =
  | {
      /**
       * @minItems 1
       */
      enrolmentCategories: [string, ...string[]];
      member?: MemberCondition;
      childWithoutParent?: {
        underAge: number;
      };
    }
  | {
      /**
       * @minItems 1
       */
      warningRules: [string, ...string[]];
    };
/**
 * A calendar month, YYYY-MM, in the years 1900–2099.
 */
export type Period5 = string;
/**
 * pending: pushed, not yet taken up; verifying: being verified (核查); resolved: handled (处置) with an outcome.
 */
export type WarningStatus = 'pending' | 'verifying' | 'resolved';
/**
 * 待遇调整 benefit adjusted; 停保 stopped; 纳入救助 included; 转介 referred; 无需处置 no change.
 */
export type WarningOutcome = 'benefit-adjusted' | 'stopped' | 'included' | 'referred' | 'no-change';
/**
 * A calendar date in Asia/Shanghai, YYYY-MM-DD, in the years 1900–2099 (PostgreSQL has no year 0, and no date of this work lies outside them).
 */
export type CalendarDate27 = string;
/**
 * A calendar date in Asia/Shanghai, YYYY-MM-DD, in the years 1900–2099 (PostgreSQL has no year 0, and no date of this work lies outside them).
 */
export type CalendarDate28 = string;
/**
 * An amount of money in fen that cannot be negative (income, benefit).
 */
export type NonNegativeFen3 = number;
/**
 * An amount of money in fen that cannot be negative (income, benefit).
 */
export type NonNegativeFen4 = number;
/**
 * A calendar month, YYYY-MM, in the years 1900–2099.
 */
export type Period6 = string;

/**
 * Every canonical schema of jiuzhu, so each type is generated once.
 */
export interface JiuzhuSchemas {
  'application-create'?: ApplicationCreate;
  'application-list'?: ApplicationList;
  'application-notice'?: ApplicationNoticeList;
  'application-step-input'?: ApplicationStepInput;
  'application-step'?: ApplicationStep;
  application?: Application;
  'assistance-chain'?: AssistanceChain;
  'assistance-record'?: AssistanceRecord;
  'audit-entry'?: AuditEntry;
  'bank-account'?: BankAccount;
  'bank-file-layout'?: BankFileLayout;
  batch?: Batch;
  'benefit-standards'?: BenefitStandards;
  'code-table'?: CodeTable;
  common?: Common;
  'comparison-request'?: ComparisonRequest;
  'comparison-run'?: ComparisonRun;
  'county-regions'?: CountyRegions;
  'discovery-case-conclusion'?: DiscoveryCaseConclusion;
  'discovery-case-create'?: DiscoveryCaseCreate;
  'discovery-case-investigation'?: DiscoveryCaseInvestigation;
  'discovery-case-list'?: DiscoveryCaseList;
  'discovery-case'?: DiscoveryCase;
  'economic-check-list'?: EconomicCheckList;
  enrolment?: Enrolment;
  fact?: Fact;
  'feed-mapping'?: FeedMapping;
  'feed-synonyms'?: FeedSynonyms;
  'filing-completeness'?: FilingCompleteness;
  'filing-programme'?: FilingProgramme;
  'holiday-calendar'?: HolidayCalendar;
  'home-visit-assignment'?: VillageAssignment;
  'home-visit-assistant-create'?: VillageAssistantCreate;
  'home-visit-assistant'?: VillageAssistant;
  'home-visit-create'?: HomeVisitCreate;
  'home-visit-due'?: HomeVisitDueList;
  'home-visit'?: HomeVisit;
  'household-create'?: HouseholdCreate;
  'household-indices'?: HouseholdIndices;
  'household-summary'?: HouseholdSummary;
  household?: Household;
  'index-formula'?: IndexFormula;
  'key-group-addition'?: KeyGroupAddition;
  'key-group-entry'?: KeyGroupEntry;
  'key-group-removal'?: KeyGroupRemoval;
  'key-group'?: KeyGroupRoster;
  'liaison-entry-input'?: LiaisonEntryInput;
  'liaison-roster'?: LiaisonRoster;
  'monitoring-statistics'?: MonitoringStatistics;
  'payroll-signature'?: PayrollSignature;
  'payroll-submission'?: PayrollSubmission;
  'payroll-summary'?: PayrollSummary;
  'periodic-check-input'?: PeriodicCheckInput;
  'periodic-check-list'?: PeriodicCheckList;
  'periodic-check'?: PeriodicCheck;
  person?: Person;
  problem?: Problem;
  'progress-entry-input'?: ProgressEntryInput;
  'progress-form-upload'?: ProgressFormUpload;
  'progress-sheet'?: ProgressSheet;
  'quarterly-summaries'?: QuarterlySummaries;
  'quarterly-summary-input'?: QuarterlySummaryInput;
  'referral-case-close'?: ReferralCaseClose;
  'referral-case-create'?: ReferralCaseCreate;
  'referral-case'?: ReferralCase;
  'referral-escalation-input'?: ReferralEscalationInput;
  'referral-escalation'?: ReferralEscalation;
  'referral-input'?: ReferralInput;
  'referral-list'?: ReferralList;
  'referral-transition'?: ReferralTransitionInput;
  referral?: Referral;
  region?: Region;
  'report-template'?: ReportTemplate;
  role?: Role;
  'rule-set'?: RuleSet;
  rule?: Rule;
  'self-check-request'?: SelfCheckRequest;
  'self-check-result'?: SelfCheckResult;
  'sheet-reopening'?: SheetReopening;
  'spot-check-draw-input'?: SpotCheckDrawInput;
  'spot-check-list'?: SpotCheckList;
  'spot-check-redraw-input'?: SpotCheckRedrawInput;
  'spot-check-result-input'?: SpotCheckResultInput;
  'spot-check'?: SpotCheck;
  'supervision-assessment'?: SupervisionAssessment;
  'supervision-order-input'?: SupervisionOrderInput;
  'supervision-order-list'?: SupervisionOrderList;
  'supervision-order'?: SupervisionOrder;
  'supervision-overdue'?: SupervisionOverdueList;
  'supervision-reason-input'?: SupervisionReasonInput;
  'supervision-reminder-input'?: SupervisionReminderInput;
  'supervision-reminder-list'?: SupervisionReminderList;
  'supervision-reminder'?: SupervisionReminder;
  'time-limits'?: TimeLimits;
  'visit-policy'?: VisitPolicy;
  'warning-list'?: WarningList;
  'warning-transition'?: WarningTransitionRequest;
  warning?: Warning;
}
/**
 * Body of POST /v1/applications: an application for assistance taken by a township (受理), where the applicant lives or where the household is registered (一城通办, seed 001). The household must be in the register (enter it with POST /v1/households first); the registration township is the household's, and the application is routed there.
 */
export interface ApplicationCreate {
  /**
   * A procedure of the time-limit configuration: dibao, tekun, dibao-edge, antipoverty …
   */
  procedure: string;
  /**
   * The business code applied for, one of the procedure's categories; required when the procedure has any.
   */
  category?: '110' | '120' | '130' | '131' | '132' | '500' | '600' | '650' | '660';
  applicantIdNumber: IdNumber;
  /**
   * The township (乡镇/街道, 9 digits) that took the application.
   */
  acceptingRegionCode: string;
  acceptedOn?: CalendarDate;
  /**
   * 申请原因, as the applicant states it.
   */
  reason?: string;
}
/**
 * Answer of GET /v1/applications: applications accepted in or routed to the key's region, a page at a time.
 */
export interface ApplicationList {
  asOf: CalendarDate1;
  items: ApplicationSummary[];
  /**
   * Pass as `after` for the next page; null on the last page.
   */
  next: number | null;
}
export interface ApplicationSummary {
  id: number;
  procedure: string;
  category: string | null;
  status: 'open' | 'approved' | 'rejected' | 'withdrawn';
  applicantName: string;
  acceptingRegionCode: string;
  registrationRegionCode: string;
  investigatingRegionCode: string;
  acceptedOn: CalendarDate2;
  dueOn: CalendarDate2;
  /**
   * The whole procedure's due date counts weekdays of a year the holiday calendar does not cover yet.
   */
  dueProvisional: boolean;
  nextStep: ApplicationNextStep | null;
  overdue: boolean;
}
export interface ApplicationNextStep {
  step:
    | 'check-started'
    | 'investigation-started'
    | 'investigated'
    | 'forwarded'
    | 'reviewed'
    | 'notice'
    | 'deliberated'
    | 'decided'
    | 'archived';
  dueOn: CalendarDate2;
  /**
   * true: the step’s due date runs into a year whose official holiday notice is not in the calendar yet, so that year's weekdays were counted; it is worked out again once the year is added.
   */
  dueProvisional: boolean;
  /**
   * While the notice runs: the first day the step can be done.
   */
  notBefore: CalendarDate2 | null;
}
/**
 * The public notice list (公示名单) of a township for a month: applications whose notice started then, and approvals decided then (审核确认公告), each shown in the village where the household lives or is registered (seed 001). It carries the name, village, household size, assistance type and amount only — never an ID number, phone, bank account, or health or disability information (秦安: 公示不得公开身份证号、手机号、银行账号、健康状况).
 */
export interface ApplicationNoticeList {
  township: ApplicationRegion;
  period: Period;
  nameDisplay: 'full' | 'masked';
  items: ApplicationNoticeItem[];
}
export interface ApplicationRegion {
  code: string;
  name: string;
}
export interface ApplicationNoticeItem {
  applicationId: number;
  /**
   * notice: 审核公示 before the decision; approved: 审核确认公告.
   */
  stage: 'notice' | 'approved';
  /**
   * The applicant's name, masked (张*明) where the configuration says so.
   */
  name: string;
  village: ApplicationRegion;
  /**
   * 家庭人口.
   */
  householdSize: number;
  /**
   * The business code applied for and its name, or the general wording configured for categories whose name would disclose health (刚性支出困难家庭); null for procedures that enrol no one.
   */
  assistanceType: {
    /**
     * null where the configuration generalises the category (publicNotices.generalisedCategories), so the code cannot reveal it either.
     */
    code: string | null;
    name: string;
  } | null;
  /**
   * notice: the proposed monthly benefit; approved: the sum of the approved enrolments.
   */
  monthlyAmountFen: number | null;
  startsOn: CalendarDate3;
  /**
   * notice: its last day; approved: null.
   */
  endsOn: CalendarDate2 | null;
}
/**
 * Body of POST /v1/applications/{id}/steps: one step done. Steps follow the procedure's order; a step done after its deadline, an objection, a deliberation, a rejection, a withdrawal and an extension each need a reason.
 */
export interface ApplicationStepInput {
  /**
   * check-started 家庭经济状况核对 started and investigation-started 入户调查 started (seed 001: 居住地启动); investigated 入户调查 done; forwarded 传至户籍地; reviewed 初审; notice 公示 started on `on`; objected 对公示结果有异议 (recorded while the notice runs, with the objection as `reason`); deliberated 民主评议 held after an objection (`deliberationResult`, and `reason` for what it found); approved / rejected 审核确认; archived 档案归档 after the decision; withdrawn 申请人撤回; extended 延期 (once, when the procedure allows).
   */
  step:
    | 'check-started'
    | 'investigation-started'
    | 'investigated'
    | 'forwarded'
    | 'reviewed'
    | 'notice'
    | 'objected'
    | 'deliberated'
    | 'approved'
    | 'rejected'
    | 'archived'
    | 'withdrawn'
    | 'extended';
  on: CalendarDate4;
  reason?: string;
  proposedMonthlyAmountFen?: NonNegativeFen;
  /**
   * deliberated: whether the 民主评议 found that the household qualifies (评议通过) or not; the decision follows it.
   */
  deliberationResult?: 'qualifies' | 'does-not-qualify';
  /**
   * approved: the members enrolled and each enrolment's monthly amount; benefits run from the approval date (seed 001: 从作出审核确认同意决定之日起发放).
   *
   * @minItems 1
   * @maxItems 30
   */
  enrolments?: [
    {
      idNumber: IdNumber;
      monthlyAmountFen: NonNegativeFen1;
    },
    ...{
      idNumber: IdNumber;
      monthlyAmountFen: NonNegativeFen1;
    }[]
  ];
}
/**
 * A step of an application as recorded: what, on which day, by whom, and why when a reason was given.
 */
export interface ApplicationStep {
  step:
    | 'accepted'
    | 'check-started'
    | 'investigation-started'
    | 'investigated'
    | 'forwarded'
    | 'reviewed'
    | 'notice'
    | 'objected'
    | 'deliberated'
    | 'approved'
    | 'rejected'
    | 'archived'
    | 'withdrawn'
    | 'extended';
  on: CalendarDate2;
  /**
   * The deadline the step had; null for acceptance, withdrawal and extension.
   */
  dueOn: CalendarDate2 | null;
  /**
   * true: the deadline the step was recorded against runs into a year whose official holiday notice is not in the calendar yet, so that year's weekdays were counted; it is worked out again once the year is added.
   */
  dueProvisional: boolean;
  /**
   * Done after dueOn.
   */
  late: boolean;
  reason: string | null;
  /**
   * The API key's label, or the command-line operator.
   */
  actor: string | null;
  at: Timestamp;
  /**
   * deliberated only: what the 民主评议 found.
   */
  deliberationResult?: 'qualifies' | 'does-not-qualify';
}
/**
 * An application for assistance (社会救助申请) with its steps and deadlines. Seen by the accepting, the investigating and the registration township; the applicant's ID number is masked unless the role sees it in full.
 */
export interface Application {
  id: number;
  procedure: string;
  procedureTitle: string;
  category: string | null;
  status: 'open' | 'approved' | 'rejected' | 'withdrawn';
  applicant: {
    idNumber: CanonicalIdNumber;
    idNumberMasked: boolean;
    name: string;
  };
  householdId: number;
  acceptingRegion: ApplicationRegion;
  registrationRegion: ApplicationRegion;
  investigatingRegion: ApplicationRegion1;
  acceptedOn: CalendarDate2;
  dueOn: CalendarDate5;
  /**
   * true: the due date runs into a year whose official holiday notice is not in the calendar yet, so that year's weekdays were counted; it is worked out again (jiuzhu applications recompute-deadlines) once the year is added.
   */
  dueProvisional: boolean;
  extended: boolean;
  /**
   * 申请原因.
   */
  reason: string | null;
  notice: {
    startsOn: CalendarDate2;
    endsOn: CalendarDate6;
  } | null;
  /**
   * The day an objection to the notice was recorded: 民主评议 then comes before the decision.
   */
  objectedOn: CalendarDate2 | null;
  proposedMonthlyAmountFen: number | null;
  decidedOn: CalendarDate2 | null;
  /**
   * null once decided or withdrawn.
   */
  nextStep: ApplicationNextStep | null;
  /**
   * The next step or the whole procedure is past its deadline (as of today, or asOf in lists).
   */
  overdue: boolean;
  steps: ApplicationStep[];
  /**
   * Enrolments the approval created.
   */
  enrolmentIds: number[];
}
/**
 * The township that starts the 核对 and the investigation and forwards the materials: the residence township under 一城通办 (seed 001: 由居住地配合户籍地就近进行入户调查), the registration township outside it.
 */
export interface ApplicationRegion1 {
  code: string;
  name: string;
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
  startDate: CalendarDate2;
  /**
   * Last day covered, inclusive; null while current.
   */
  endDate?: CalendarDate2 | null;
  endReason?: string | null;
  /**
   * Monthly benefit in fen, for paid categories.
   */
  monthlyAmountFen?: Fen | null;
  /**
   * 特困 供养方式: concentrated 集中供养 (in an institution) or dispersed 分散供养 (at home); sets the care standard. Only for 130/131/132.
   */
  tekunSupport?: ('concentrated' | 'dispersed') | null;
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
  assistedOn: CalendarDate2;
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
  at: Timestamp1;
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
 * A paying bank's batch file layout, config/bank-files/<name>.json: the disbursement file (代发文件) jiuzhu writes for a closed month and the return file (回盘文件) the bank sends back. Each bank has its own layout in its own interface specification; a layout is data so a county adds its bank without code. A header record declares the control totals (count, total) before any detail record. Fixed-width fields are measured in bytes of the file's encoding (a Chinese character is 2 bytes in GBK, 3 in UTF-8), and a value that does not fit is refused, never cut. Amounts are written from integer fen.
 */
export interface BankFileLayout {
  $schema?: string;
  /**
   * The file name without .json; what `layout=` names.
   */
  name: string;
  title: string;
  bankName: string;
  /**
   * true: a layout of the common shape, not a bank's published specification; replace it with the bank's own before paying anyone.
   */
  example: boolean;
  basis: string;
  encoding: 'gbk' | 'utf-8';
  lineEnding: 'crlf' | 'lf';
  shape: 'fixed' | 'delimited';
  /**
   * For shape delimited.
   */
  delimiter?: string;
  /**
   * yuan-2dp: 1234.50; fen: 123450.
   */
  amountFormat: 'yuan-2dp' | 'fen';
  header: BankFileRecord;
  detail: BankFileRecord;
  trailer?: BankFileRecord;
  return: BankReturnLayout;
}
export interface BankFileRecord {
  /**
   * @minItems 1
   */
  fields: [BankFileField, ...BankFileField[]];
}
export interface BankFileField {
  /**
   * count and total are the control totals (header or trailer); sequence numbers detail records from 1.
   */
  source:
    | 'literal'
    | 'count'
    | 'total'
    | 'month'
    | 'batchReference'
    | 'payerName'
    | 'sequence'
    | 'reference'
    | 'accountNumber'
    | 'accountName'
    | 'idNumber'
    | 'amount'
    | 'bankName'
    | 'regionCode'
    | 'memo';
  /**
   * The text of a literal field (a record type, a currency code).
   */
  value?: string;
  /**
   * Bytes, for shape fixed.
   */
  width?: number;
  /**
   * Default: numbers right, text left.
   */
  align?: 'left' | 'right';
  /**
   * Default: a space.
   */
  pad?: ' ' | '0';
}
export interface BankReturnLayout {
  encoding: 'gbk' | 'utf-8';
  shape: 'fixed' | 'delimited';
  delimiter?: string;
  header: BankReturnRecord;
  detail: BankReturnRecord;
  /**
   * The bank's status codes and what each means: paid (credited), failed (not credited, with a reason), returned (退票: credited, then sent back).
   */
  statusCodes: {
    [k: string]: ('paid' | 'failed' | 'returned') | undefined;
  };
}
export interface BankReturnRecord {
  /**
   * @minItems 1
   */
  fields: [BankReturnField, ...BankReturnField[]];
}
export interface BankReturnField {
  source:
    | 'literal'
    | 'ignore'
    | 'count'
    | 'total'
    | 'reference'
    | 'accountNumber'
    | 'accountName'
    | 'amount'
    | 'status'
    | 'reason';
  /**
   * A literal the record must hold there (a record type).
   */
  value?: string;
  width?: number;
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
  receivedAt: Timestamp1;
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
 * Benefit standards of one region, config/standards/<region>.json: the 低保 and 特困 standards and the local rules of the monthly calculation (补差 formula, 分类施保, minimum, rounding, 渐退, 就业成本扣减, first-month proration), as a list of periods each effective from its month, so a raised standard (提标) applies from the month it takes effect. Amounts are integer fen per person per month. Every choice carries its `basis`; a value not taken from a published source is marked example. `region` is the file name: a county (6 digits), or a township (9) or village (12) with standards of its own; places below a region without a file take the region's. Each period's `effectiveFrom` is the first benefit month (YYYY-MM) it applies to. What a schema cannot say (periods in ascending order, the minimum below the standard) is checked when the file is loaded.
 */
export interface BenefitStandards {
  region: RegionCode1;
  name: string;
  /**
   * true: the whole file is an example, not the region's published standards; set the values from local policy before paying anyone.
   */
  example: boolean;
  basis: string;
  payroll: PayrollRules;
  /**
   * Complete sets of standards, ascending by effectiveFrom; a month takes the latest period effective at it.
   *
   * @minItems 1
   */
  periods: [BenefitStandardsPeriod, ...BenefitStandardsPeriod[]];
}
/**
 * How the monthly roll (月结发放册) treats a death or a move reported after the fact, and how far back it recomputes paid months for 补发 and 追回: rules of the roll, not standards, so they do not vary by period.
 */
export interface PayrollRules {
  /**
   * month-after: the month of the death (cremation, move out) is still paid and payment stops from the next month; month-of-death: that month is not paid either.
   */
  stopAfterDeath: 'month-after' | 'month-of-death';
  /**
   * Closed months the roll recomputes for 补发 (a standard raised with effect from a past month, an approval dated in a past month, a failed bank payment) and 追回 (a death reported late). 0 turns supplementary lines off.
   */
  backPayMonths: number;
  example?: boolean;
  /**
   * Where the value comes from: the national rule, the local document, or why an example was chosen.
   */
  basis: string;
}
export interface BenefitStandardsPeriod {
  effectiveFrom: Period;
  /**
   * Where the value comes from: the national rule, the local document, or why an example was chosen.
   */
  basis?: string;
  dibao: DibaoStandard;
  tekun: TekunStandard;
  addOns: ClassifiedAddOns;
  /**
   * 低保边缘 line: per-capita income below this multiple of the 低保 standard (in per mille: 1500 is 1.5×).
   */
  edgeLine: {
    perMilleOfStandard: number;
    example?: boolean;
    /**
     * Where the value comes from: the national rule, the local document, or why an example was chosen.
     */
    basis: string;
  };
  /**
   * A household whose 补差 is positive but smaller than this amount per covered person is paid this amount per covered person.
   */
  minimumPayment: {
    /**
     * Fen per person per month.
     */
    perPersonFen: number;
    example?: boolean;
    /**
     * Where the value comes from: the national rule, the local document, or why an example was chosen.
     */
    basis: string;
  };
  /**
   * How every computed amount (a division: 补差, a share of the standard, a prorated month) is rounded: to the fen, jiao or yuan, down, up or half up.
   */
  rounding: {
    unit: 'fen' | 'jiao' | 'yuan';
    mode: 'down' | 'up' | 'half-up';
    example?: boolean;
    /**
     * Where the value comes from: the national rule, the local document, or why an example was chosen.
     */
    basis: string;
  };
  /**
   * 渐退期: for how many months a 低保 household whose income rose above the standard keeps its previous amount.
   */
  gradualExit: {
    months: number;
    example?: boolean;
    /**
     * Where the value comes from: the national rule, the local document, or why an example was chosen.
     */
    basis: string;
  };
  /**
   * 必要就业成本扣减: deducted from the household's income for each employed member, at most that member's own income.
   */
  employmentCost: {
    /**
     * Fen per person per month.
     */
    perEmployedMemberFen: number;
    example?: boolean;
    /**
     * Where the value comes from: the national rule, the local document, or why an example was chosen.
     */
    basis: string;
  };
  /**
   * The month benefits start in: paid in full (none) or for the days from the start date to the month's end (by-days).
   */
  firstMonth: {
    proration: 'none' | 'by-days';
    example?: boolean;
    /**
     * Where the value comes from: the national rule, the local document, or why an example was chosen.
     */
    basis: string;
  };
  /**
   * 补差: per-capita-gap = (standard − household income ÷ household members) × covered persons; household-gap = standard × covered persons − household income. They agree when every member is covered.
   */
  gapFormula: {
    formula: 'per-capita-gap' | 'household-gap';
    example?: boolean;
    /**
     * Where the value comes from: the national rule, the local document, or why an example was chosen.
     */
    basis: string;
  };
}
/**
 * 低保标准, fen per person per month (民发〔2024〕16号: 当地上年度城镇（农村）居民人均消费支出×量化比例).
 */
export interface DibaoStandard {
  /**
   * Fen per person per month.
   */
  urbanFen: number;
  /**
   * Fen per person per month.
   */
  ruralFen: number;
  example?: boolean;
  /**
   * Where the value comes from: the national rule, the local document, or why an example was chosen.
   */
  basis: string;
}
/**
 * 特困人员救助供养: the basic living standard (基本生活标准) and the care standard (照料护理标准) by self-care ability, for 集中供养 (in an institution) and 分散供养 (at home).
 */
export interface TekunStandard {
  /**
   * Fen per person per month.
   */
  basicUrbanFen: number;
  /**
   * Fen per person per month.
   */
  basicRuralFen: number;
  care: {
    concentrated: TekunCareLevels;
    dispersed: TekunCareLevels;
    example?: boolean;
    /**
     * Where the value comes from: the national rule, the local document, or why an example was chosen.
     */
    basis: string;
  };
  example?: boolean;
  /**
   * Where the value comes from: the national rule, the local document, or why an example was chosen.
   */
  basis: string;
}
/**
 * 照料护理标准 by self-care ability (self-care-ability codes 1 全自理, 2 半护理, 3 全护理), fen per person per month.
 */
export interface TekunCareLevels {
  /**
   * Fen per person per month.
   */
  fullSelfCare: number;
  /**
   * Fen per person per month.
   */
  partialCare: number;
  /**
   * Fen per person per month.
   */
  fullCare: number;
}
/**
 * 分类施保: monthly add-ons for covered 低保 members in a group that needs more. `combination` says whether a person in several groups gets every add-on (sum) or only the largest (highest).
 */
export interface ClassifiedAddOns {
  combination: 'sum' | 'highest';
  /**
   * 重残: a member whose disability grade is one of `grades` (codes of the disability-grade table).
   */
  severeDisability: {
    /**
     * @minItems 1
     */
    grades: ['1' | '2' | '3' | '4', ...('1' | '2' | '3' | '4')[]];
    amount: AddOnAmount;
  };
  /**
   * 高龄: a member at least `minimumAge` years old on the last day of the month.
   */
  aged: {
    minimumAge: number;
    amount: AddOnAmount;
  };
  /**
   * 未成年人: a member younger than `underAge` years on the last day of the month.
   */
  minor: {
    underAge: number;
    amount: AddOnAmount;
  };
  /**
   * 重病: a member recorded with a serious illness.
   */
  seriousIllness: {
    amount: AddOnAmount;
  };
  example?: boolean;
  /**
   * Where the value comes from: the national rule, the local document, or why an example was chosen.
   */
  basis: string;
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
/**
 * Body of POST /v1/discoveries/{id}/conclusion: the township's result and the filing (seed 004 §二(三)(四)). included needs includedOn and includedAssistance and files the case as newly-assisted; ineligible files it as observation (in hardship, with the reason it does not qualify) or none.
 */
export interface DiscoveryCaseConclusion {
  result: DiscoveryResult;
  includedOn?: CalendarDate2;
  /**
   * @maxItems 13
   */
  includedAssistance?: Code2[];
  filing: DiscoveryFiling;
  reason: string;
  concludedOn?: CalendarDate7;
  notes?: string;
}
/**
 * Body of POST /v1/discoveries. With warningId the case is 信息推送发现 and the person, family, township and situation are filled from the warning (fields given here win); with visitId it is 走访发现 and filled from the visit; with neither it is 工作发现 and discoverer, townshipCode, subject, familySituation and suspectedAssistance are required.
 */
export interface DiscoveryCaseCreate {
  warningId?: number;
  /**
   * The id of a recorded visit (GET /v1/visits), not the app's visit id.
   */
  visitId?: number;
  discoverer?: PersonAndUnit;
  townshipCode?: string;
  subject?: {
    idNumber?: IdNumber;
    name?: string;
  };
  /**
   * For a family outside the register; a register household's members are counted.
   */
  familyMemberCount?: number;
  familySituation?: string;
  /**
   * @maxItems 13
   */
  suspectedAssistance?: Code2[];
  discoveredOn?: CalendarDate8;
  notes?: string;
}
export interface PersonAndUnit {
  name: string;
  unit?: string | null;
}
/**
 * Body of POST /v1/discoveries/{id}/investigation: the township's home investigation (入户调查评估, seed 004 §二(二)); moves an open case to investigating.
 */
export interface DiscoveryCaseInvestigation {
  investigator: PersonAndUnit;
  investigatedOn: CalendarDate2;
  findings: string;
}
/**
 * A page of discovery cases (keyset: pass `next` as `after`).
 */
export interface DiscoveryCaseList {
  items: DiscoveryCase[];
  next: number | null;
}
/**
 * An active discovery case (主动发现): every column of 黔江区社会救助主动发现救助对象明细表 (seed 004), its state and where it came from. The ID number is masked unless the role's policy shows it in full.
 */
export interface DiscoveryCase {
  id: number;
  status: DiscoveryStatus;
  method: DiscoveryMethod;
  discoverer: PersonAndUnit;
  township: {
    code: string;
    name: string;
  };
  subject: {
    idNumber: CanonicalIdNumber | null;
    idNumberMasked: boolean;
    name: string;
    /**
     * The person is in the low-income register (and within the key's region).
     */
    inRegister: boolean;
  };
  family: {
    /**
     * The register household, when the family is in it.
     */
    householdId: number | null;
    memberCount: number | null;
  };
  /**
   * 家庭基本情况
   */
  familySituation: string;
  /**
   * 疑似符合救助: assistance-type codes.
   */
  suspectedAssistance: CodedValue[];
  discoveredOn: CalendarDate2;
  warningId: number | null;
  /**
   * The home visit (GET /v1/visits) that found the case.
   */
  visitId: number | null;
  investigation: {
    investigator: PersonAndUnit;
    investigatedOn: CalendarDate2;
    /**
     * 乡镇（街道）调查情况
     */
    findings: string;
  } | null;
  conclusion: {
    result: DiscoveryResult;
    includedOn: CalendarDate2 | null;
    includedAssistance: CodedValue[];
    filing: DiscoveryFiling;
    reason: string;
    concludedOn: CalendarDate2;
  } | null;
  /**
   * 备注
   */
  notes: string | null;
  events: {
    from: DiscoveryStatus | null;
    to: DiscoveryStatus;
    by: string | null;
    at: Timestamp1;
  }[];
}
export interface CodedValue {
  code: string;
  name: string;
}
/**
 * GET /v1/economic-checks: each household with a basic-living enrolment in force on `asOf`, its last economic check and its checks this year (seed 002 task 3: at least 2 a year). A check is a finished comparison run covering the household's region, or a home visit in person, on a day the household was enrolled.
 */
export interface EconomicCheckList {
  asOf: CalendarDate2;
  reading: CheckReading;
  /**
   * Households listed.
   */
  total: number;
  /**
   * Of them, households short of checks under the reading.
   */
  short: number;
  items: EconomicCheckStatus[];
}
export interface EconomicCheckStatus {
  householdId: number;
  householdNo: string;
  headName: string | null;
  townshipCode: string;
  /**
   * Where the household lives.
   */
  villageCode: string;
  enrolledSince: CalendarDate9;
  lastCheck: null | {
    on: CalendarDate2;
    kind: 'comparison' | 'visit';
  };
  checksThisYear: number;
  comparisonsThisYear: number;
  visitsThisYear: number;
  /**
   * Checks still missing under the reading.
   */
  shortfall: number;
  dueBy: CalendarDate10;
  overdue: boolean;
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
    registeredCapitalFen?: NonNegativeFen1;
  };
}
/**
 * 医保结算: medical costs settled; amountFen = self-paid part (自付)
 */
export interface MedicalSettlementFact {
  kind: 'medical-settlement';
  attributes: {
    settlementType: 'inpatient' | 'outpatient' | 'chronic-outpatient' | 'other';
    totalFen?: NonNegativeFen1;
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
    eliminatedOn?: CalendarDate2;
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
 * JIUZHU_FEEDS_DIR/<source>.synonyms.json: header aliases and value-map entries a deployment adds to one feed mapping (packaged, or its own in the same folder) without copying the mapping. It can only widen what a file may say; types, required fields and the fact stay the mapping's.
 */
export interface FeedSynonyms {
  /**
   * The source whose mapping this widens; the file must be named <extends>.synonyms.json.
   */
  extends: string;
  /**
   * Where the extra names come from (which department export, since when).
   */
  description?: string;
  /**
   * Field name (as the mapping declares it) → what to add to it.
   */
  fields: {
    [k: string]: FieldSynonyms | undefined;
  };
}
export interface FieldSynonyms {
  /**
   * More header texts the column goes by; tried after the mapping's own.
   *
   * @minItems 1
   */
  headers?: [string, ...string[]];
  /**
   * More cell wordings and the canonical value each means; only for a field that has a map.
   */
  map?: {
    [k: string]: string | undefined;
  };
}
/**
 * For one month, each unit the key reaches: how much of its progress sheet is filed, on time or late, and whether the lead unit approved it. The reminder list (…/missing) holds the units not complete.
 */
export interface FilingCompleteness {
  period: Period;
  programmes: ProgrammeCompleteness[];
}
export interface ProgrammeCompleteness {
  programme: string;
  region: ProgrammeRegion;
  deadline: ReturnDeadlineView;
  units: FilingCompletenessRow[];
}
export interface ProgrammeRegion {
  code: string;
  name: string;
}
export interface ReturnDeadlineView {
  opensOn: CalendarDate11;
  dueOn: CalendarDate12;
  onTimeThrough: CalendarDate13;
  entryClosesAfter: CalendarDate14;
}
export interface FilingCompletenessRow {
  unit: FilingUnitRef;
  status: ProgressSheetStatus;
  /**
   * Numbers of the tasks not filed yet.
   */
  tasksMissing: number[];
}
export interface FilingUnitRef {
  code: string;
  name: string;
  kind: 'department' | 'group' | 'township';
}
export interface ProgressSheetStatus {
  filing: FilingState;
  tasksExpected: number;
  tasksFiled: number;
  /**
   * When the last of the tasks was first filed.
   */
  completedAt: Timestamp1 | null;
  /**
   * Not complete, and the last on-time day has passed (today in Asia/Shanghai).
   */
  overdue: boolean;
  /**
   * Approved by the lead unit: the sheet is locked.
   */
  approved: boolean;
  approvedAt: Timestamp1 | null;
  approvedBy: string | null;
  reopenCount: number;
  reopenedAt: Timestamp1 | null;
  /**
   * Why it was last reopened; every reopening is in the audit log.
   */
  reopenReason: string | null;
  /**
   * Entries are taken today: the month has begun, the sheet is not approved, and the entry period has not passed or the sheet was reopened.
   */
  acceptsEntries: boolean;
}
/**
 * A county's filing round (填报) as data, config/filing/<id>.json: the units that report, the tasks they report on (as the document that sets the round up lists them), and the returns with their due dates. What comes from the document is quoted in `basis`; what was chosen locally is marked `example: true` and says so. What a schema cannot say (unit codes unique across every programme, tasks naming known units, township units lying in the programme's region) is checked when the file is loaded.
 */
export interface FilingProgramme {
  $schema?: string;
  /**
   * Equals the file name without .json; stored with every return filed.
   */
  id: string;
  title: string;
  /**
   * The county the programme runs in: keys reach its department units when their region contains it.
   */
  region: {
    code: RegionCode1;
    name: string;
  };
  source: {
    /**
     * The title of the document that sets the round up.
     */
    document: string;
    /**
     * Its 文号.
     */
    number: string;
    date: CalendarDate2;
    /**
     * The seed file holding its text.
     */
    seed: string;
  };
  /**
   * The unit the returns go to, which approves and reopens the progress sheets (牵头, e.g. 民政局).
   */
  leadUnit: string;
  /**
   * @minItems 1
   */
  units: [FilingUnit, ...FilingUnit[]];
  /**
   * @minItems 1
   */
  groups: [FilingTaskGroup, ...FilingTaskGroup[]];
  /**
   * @minItems 1
   * @maxItems 200
   */
  tasks: [FilingTask, ...FilingTask[]];
  returns: {
    dueDayInclusive: FilingSetting;
    liaisonRoster: LiaisonRosterReturn;
    monthlyProgress: MonthlyProgressReturn;
    quarterlySummary: QuarterlySummaryReturn;
  };
}
export interface FilingUnit {
  /**
   * Short stable id of a unit, used in URLs and on API keys: the department code table's code where the unit is there (mz, ny …), the statistical division code for a township or street.
   */
  code: string;
  name: string;
  /**
   * department: 县政府部门; group: 群团组织 and charities (残联, 总工会, 妇联 …); township: 乡镇 or 街道, which township keys of that division file for.
   */
  kind: 'department' | 'group' | 'township';
  regionCode?: RegionCode2;
  /**
   * How the document names the unit in its task lists, without the leading 县 (a township covered by 各乡镇 lists 各乡镇).
   *
   * @minItems 1
   */
  seedNames: [string, ...string[]];
  /**
   * Where the unit is not named in the document itself, why it is one.
   */
  basis?: string;
}
export interface FilingTaskGroup {
  /**
   * As the document numbers it: (一), (二) …
   */
  number: string;
  title: string;
}
export interface FilingTask {
  number: number;
  group: string;
  /**
   * As the document writes it, without the number and the closing 。
   */
  title: string;
  /**
   * 落实措施, quoted from the document.
   */
  measures: string;
  /**
   * 牵头单位; empty where the document names none.
   */
  leadUnits: string[];
  /**
   * 责任单位.
   *
   * @minItems 1
   */
  responsibleUnits: [string, ...string[]];
}
/**
 * Whether a return filed on the due day itself ("5日前", "6月5日前") is on time. value true: on or before the day; false: strictly before it.
 */
export interface FilingSetting {
  value: boolean;
  /**
   * true: local practice, not from the document; set it as the county does.
   */
  example?: boolean;
  basis: string;
}
/**
 * A one-off return naming each unit's 分管领导 and 工作人员, kept current afterwards.
 */
export interface LiaisonRosterReturn {
  title: string;
  dueOn: CalendarDate2;
  basis: string;
  /**
   * Where the document gives no columns, what was inferred.
   */
  columnsInferred?: string;
}
/**
 * Each unit's progress on each of its tasks for the previous month.
 */
export interface MonthlyProgressReturn {
  title: string;
  /**
   * The month's sheet is due on this day of the following month.
   */
  dueDayOfNextMonth: number;
  firstPeriod: FilingPeriodSetting;
  entryLocksAfterDays: FilingDaysSetting;
  leadUnitsFile: FilingSetting1;
  basis: string;
  columnsInferred?: string;
}
export interface FilingPeriodSetting {
  period: Period;
  example?: boolean;
  basis: string;
}
/**
 * Calendar days after the due date during which entries are still taken; after them a return locks until the lead unit reopens it.
 */
export interface FilingDaysSetting {
  days: number;
  example?: boolean;
  basis: string;
}
/**
 * value true: a task's 牵头单位 report on it too, beside its 责任单位.
 */
export interface FilingSetting1 {
  value: boolean;
  /**
   * true: local practice, not from the document; set it as the county does.
   */
  example?: boolean;
  basis: string;
}
/**
 * A narrative per unit, due on the last day of each quarter.
 */
export interface QuarterlySummaryReturn {
  title: string;
  entryLocksAfterDays: FilingDaysSetting;
  basis: string;
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
  published: CalendarDate2;
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
  from: CalendarDate2;
  to: CalendarDate2;
  /**
   * The notice's 共N天 (1 when it states a single day), checked against from and to.
   */
  days: number;
  /**
   * Saturdays and Sundays the notice makes working days (…上班).
   */
  makeUpWorkdays?: CalendarDate2[];
  /**
   * The notice's section, verbatim, so a reviewer can check the dates against it.
   */
  text?: string;
}
/**
 * Body of PUT /v1/visit-assistants/{id}/villages: the villages the assistant covers from `since` on. Villages left out end the day before; villages kept keep their start date.
 */
export interface VillageAssignment {
  /**
   * @maxItems 100
   */
  villages: string[];
  since?: CalendarDate15;
}
/**
 * Body of POST /v1/visit-assistants: a village assistant of a township and the villages of that township they cover.
 */
export interface VillageAssistantCreate {
  name: string;
  townshipCode: string;
  unit?: string;
  /**
   * @maxItems 100
   */
  villages: string[];
  since?: CalendarDate16;
}
/**
 * A village social-assistance assistant (村级社会救助协理员, seed 004 §一(二): at least one per village) and the villages they cover today.
 */
export interface VillageAssistant {
  id: number;
  name: string;
  townshipCode: string;
  unit: string | null;
  retiredOn: CalendarDate2 | null;
  villages: {
    code: string;
    since: CalendarDate2;
  }[];
}
/**
 * Body of POST /v1/visits, as a visiting app sends it. Idempotent by visitId: the same body again answers the stored visit; a different body under the same id is refused.
 */
export interface HomeVisitCreate {
  visitId: ClientVisitId;
  householdId: number;
  visitor: Visitor;
  visitedOn: CalendarDate2;
  kind: VisitKind;
  /**
   * Whether the household's members were met (走访到户不见人不放过, seed 004).
   */
  personSeen?: boolean;
  /**
   * What the visitor found: living conditions, income, health, changes.
   */
  findings: string;
  /**
   * assistance-type codes of needs found (医疗 yiliao, 教育 jiaoyu …).
   *
   * @maxItems 13
   */
  needsFound?: Code2[];
  needsNote?: string;
  /**
   * The visit found a hardship the household is not (fully) assisted for.
   */
  hardshipFound: boolean;
  /**
   * With hardshipFound: open a discovery case (method 走访发现) about the household.
   */
  openDiscoveryCase?: boolean;
  subjectIdNumber?: IdNumber1;
}
export interface Visitor {
  /**
   * village-assistant: 村级社会救助协理员; township-staff: 乡镇（街道）工作人员.
   */
  kind: 'village-assistant' | 'township-staff';
  /**
   * Required for a village assistant: the id in GET /v1/visit-assistants.
   */
  assistantId?: number | null;
  name: string;
  unit?: string | null;
}
/**
 * Households that need visiting as of a date, soonest due first: each with the category that sets its frequency, its last visit, next due date and whether it is overdue.
 */
export interface HomeVisitDueList {
  asOf: CalendarDate2;
  policy: string;
  /**
   * Households listed before the limit.
   */
  total: number;
  /**
   * Of those, how many are overdue.
   */
  overdue: number;
  items: HomeVisitDue[];
}
export interface HomeVisitDue {
  householdId: number;
  householdNo: string;
  headName: string | null;
  villageCode: RegionCode1;
  townshipCode: string;
  /**
   * Village assistants covering the household's village on asOf.
   */
  assistants: number[];
  category: {
    id: string;
    title: string;
  };
  frequency: VisitFrequency;
  /**
   * Every category the household is in.
   */
  categories: string[];
  dueSince: CalendarDate17;
  lastVisitOn: CalendarDate2 | null;
  nextDueOn: CalendarDate2;
  /**
   * The due date counted weekdays in a year the holiday calendar does not cover yet.
   */
  nextDueProvisional: boolean;
  overdue: boolean;
  /**
   * Calendar days past nextDueOn; 0 when not overdue.
   */
  overdueDays: number;
}
/**
 * A home visit (走访) as recorded: who visited which household when, what they found, and the discovery case it opened.
 */
export interface HomeVisit {
  id: number;
  visitId: ClientVisitId;
  householdId: number;
  householdNo: string;
  regionCode: RegionCode3;
  visitor: Visitor;
  visitedOn: CalendarDate2;
  kind: VisitKind;
  personSeen: boolean;
  findings: string;
  needsFound: CodedValue[];
  needsNote: string | null;
  hardshipFound: boolean;
  /**
   * The discovery case (主动发现, 走访发现) this visit opened.
   */
  discoveryCaseId: number | null;
  recordedAt: Timestamp1;
}
/**
 * Body of POST /v1/households: a household with its members, optionally their current enrolments and benefit accounts. Either everything is stored or nothing is.
 */
export interface HouseholdCreate {
  /**
   * 户编号; generated when absent.
   */
  householdNo?: string;
  registeredRegionCode: RegionCode4;
  residenceRegionCode: RegionCode5;
  address: string;
  monthlyIncomeFen?: NonNegativeFen1;
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
  monthlyIncomeFen?: NonNegativeFen1;
  phone?: Phone;
  bankAccount?: BankAccount;
  /**
   * @maxItems 20
   */
  enrolments?: EnrolmentInput[];
}
export interface EnrolmentInput {
  category: '110' | '120' | '130' | '131' | '132' | '500' | '600' | '650' | '660';
  startDate: CalendarDate2;
  endDate?: CalendarDate2;
  monthlyAmountFen?: NonNegativeFen1;
  /**
   * 特困 供养方式 (集中 / 分散): required by the payment roll for 130/131/132, which sets the care standard by it.
   */
  tekunSupport?: 'concentrated' | 'dispersed';
}
/**
 * A household's poverty index (贫困指数) and need index (需救助指数) for a period, each with its parts: every component's raw value and unit, its normalised score, weight and contribution, and the formula's wording of why it counts. Derived from members' income, health and assistance, so it is personal data: no ID numbers, reads audited.
 */
export interface HouseholdIndices {
  householdId: number;
  householdNo: string;
  residenceRegionCode: RegionCode1;
  /**
   * 户主 (relation 01/02), null when the register names none.
   */
  headName: string | null;
  memberCount: number;
  period: Period;
  formula: IndexFormulaRef;
  standard: IndexAppliedStandard;
  poverty: IndexScore;
  need: IndexScore;
}
export interface IndexFormulaRef {
  id: string;
  /**
   * SM3 of the formula file as read.
   */
  sm3: string;
}
/**
 * The 低保 standard ratio components were measured against.
 */
export interface IndexAppliedStandard {
  /**
   * Where the household lives: 城市 or 农村 standard.
   */
  area: 'urban' | 'rural';
  dibaoMonthlyFen: number;
  from: Period;
  /**
   * true: the formula marks this standard as an example value.
   */
  example: boolean;
}
export interface IndexScore {
  title: string;
  /**
   * The sum of the components' contributions, two decimals.
   */
  score: number;
  /**
   * false when a component's source had no value (unknown income); it then contributes 0, so the score is a lower bound.
   */
  complete: boolean;
  components: IndexComponentScore[];
}
export interface IndexComponentScore {
  id: string;
  title: string;
  /**
   * The formula's wording of why it counts.
   */
  why: string;
  /**
   * In unit: whole fen for money, two decimals otherwise; per member when perMember. null: unknown.
   */
  rawValue: number | null;
  unit: 'fen' | 'square-metres' | 'count' | 'months';
  perMember: boolean;
  /**
   * How the raw value became the normalised score, with the numbers used.
   */
  scoring: string;
  /**
   * 0–100, two decimals, computed from rawValue as shown.
   */
  normalisedScore: number;
  weight: number;
  /**
   * weight × normalisedScore ÷ 100, two decimals.
   */
  contribution: number;
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
  gender: CodedValue1;
  birthDate: CalendarDate2;
  relation: CodedValue2;
  /**
   * 民族, GB/T 3304.
   */
  ethnicity?: CodedValue3 | null;
  /**
   * 婚姻状况, GB/T 2261.2.
   */
  maritalStatus?: CodedValue3 | null;
  /**
   * 健康状况, GB/T 2261.3.
   */
  health?: CodedValue3 | null;
  /**
   * 残疾类别, GB/T 26341.
   */
  disabilityCategory?: CodedValue3 | null;
  /**
   * 残疾等级, GB/T 26341.
   */
  disabilityGrade?: CodedValue3 | null;
  /**
   * 劳动能力.
   */
  labourAbility?: CodedValue3 | null;
  /**
   * 生活自理能力 (特困 care level).
   */
  selfCareAbility?: CodedValue3 | null;
  /**
   * 月收入 in fen.
   */
  monthlyIncomeFen?: Fen | null;
  householdId: number;
  /**
   * 联系电话: a mobile shows 138****5678 unless the caller's role sees phones in full.
   */
  phone?: string | null;
  /**
   * True when the phone is shown masked for the caller's role.
   */
  phoneMasked?: boolean;
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
export interface CodedValue1 {
  code: Code2;
  name: string;
}
/**
 * 与户主关系, GB/T 4761.
 */
export interface CodedValue2 {
  code: Code2;
  name: string;
}
export interface CodedValue3 {
  code: Code2;
  name: string;
}
/**
 * config/indices/<name>.json: how the poverty index (贫困指数) and the need index (需救助指数) of a household are computed (seed 003: 根据急难对象的收支情况、住房状况、受助历史等按特定公式生成贫困指数和需救助指数). Each index is a weighted sum of named components; each component reads one source (the register, facts aggregated over a window, the assistance chain or the enrolments), normalises it to 0–100 and carries a weight. poverty (贫困指数) says how poor the household is — income against the local standard, assets, housing; need (需救助指数) how much help it needs — rigid spending, dependants, illness and disability, work capacity, assistance history. The standards it compares against are here too, per county and from a month on.
 */
export interface IndexFormula {
  $schema?: string;
  /**
   * Named in every answer, beside the file's SM3, so a score can be traced to the exact formula.
   */
  id: string;
  title: string;
  description?: string;
  standards: IndexStandards;
  poverty: IndexDefinition;
  need: IndexDefinition;
}
/**
 * The 低保 standards (fen per person per month) a ratio normalisation compares against: the county's own where listed, the default elsewhere. Each is a list of versions; a period uses the latest version from on or before it.
 */
export interface IndexStandards {
  default: StandardVersions;
  counties?: {
    [k: string]: StandardVersions;
  };
}
export interface IndexStandardVersion {
  from: Period2;
  /**
   * 城市低保标准, fen per person per month.
   */
  urbanDibaoMonthlyFen: number;
  /**
   * 农村低保标准, fen per person per month.
   */
  ruralDibaoMonthlyFen: number;
  /**
   * true: a plausible value, not this county's published standard; set the real one before relying on the index.
   */
  example: boolean;
  /**
   * Where the value comes from.
   */
  source?: string;
}
export interface IndexDefinition {
  /**
   * As reports print it, e.g. 贫困指数.
   */
  title: string;
  description: string;
  /**
   * Their weights add up to 100, so the index runs from 0 to 100.
   *
   * @minItems 1
   */
  components: [IndexComponent, ...IndexComponent[]];
}
export interface IndexComponent {
  id: string;
  /**
   * The component's name as a clerk reads it, e.g. 家庭月人均收入.
   */
  title: string;
  /**
   * Why it counts, in the words the answer repeats beside the score.
   */
  why: string;
  source: IndexIncomeSource | IndexMembersSource | IndexFactsSource | IndexAssistanceSource | IndexEnrolmentsSource;
  normalisation: IndexRatioNormalisation | IndexLinearNormalisation | IndexBandsNormalisation;
  /**
   * Whole percentage points of the index.
   */
  weight: number;
}
/**
 * The register's assessed monthly household income (家庭月总收入, households.monthly_income_fen); where the household has none, the sum of its members' monthly incomes; unknown when neither is recorded. Unit: fen.
 */
export interface IndexIncomeSource {
  type: 'household-income';
  /**
   * member: the household's value divided by its number of members (人均).
   */
  per?: 'household' | 'member';
}
/**
 * The number of members matching any one of the conditions (all members when none are given). Unit: count.
 */
export interface IndexMembersSource {
  type: 'members';
  /**
   * @minItems 1
   */
  anyOf?: [IndexMemberCondition, ...IndexMemberCondition[]];
  /**
   * member: the household's value divided by its number of members (人均).
   */
  per?: 'household' | 'member';
}
/**
 * Every property given must hold. Ages are full years at the period's last day, from the register's birth date.
 */
export interface IndexMemberCondition {
  ageBelow?: number;
  ageAtLeast?: number;
  /**
   * Code table health (GB/T 2261.3).
   *
   * @minItems 1
   */
  health?: [Code2, ...Code2[]];
  /**
   * Code table disability-grade (GB/T 26341).
   *
   * @minItems 1
   */
  disabilityGrade?: [Code2, ...Code2[]];
  /**
   * Code table labour-ability.
   *
   * @minItems 1
   */
  labourAbility?: [Code2, ...Code2[]];
  /**
   * The member is seriously ill (重病) by the period's last day, as gateway/store/serious-illness.ts defines it for the whole project: a 卫健 major-illness fact about them.
   */
  seriouslyIll?: true;
}
/**
 * Facts about the household's members: their number (unit count), the sum of their amountFen (fen) or of their attributes.areaSquareMetres (square metres). Without lookbackMonths every fact up to the period's end counts, undated standing facts included (a registered vehicle, a property).
 */
export interface IndexFactsSource {
  type: 'facts';
  /**
   * Fact kinds (schemas/fact.schema.json).
   *
   * @minItems 1
   */
  kinds: [string, ...string[]];
  where?: AttributeCondition[];
  measure: 'count' | 'amountFen' | 'areaSquareMetres';
  /**
   * Months before the period that also count (0: the period alone; 11: the 12 months up to and including it).
   */
  lookbackMonths?: number;
  /**
   * member: the household's value divided by its number of members (人均).
   */
  per?: 'household' | 'member';
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
 * The assistance chain (一户一条救助链) of the household's members in the window: the amount received (fen), the number of records (count) or the number of months with any (months).
 */
export interface IndexAssistanceSource {
  type: 'assistance';
  measure: 'amountFen' | 'count' | 'months';
  /**
   * Code table department; all when absent.
   *
   * @minItems 1
   */
  departments?: [Code2, ...Code2[]];
  /**
   * Code table assistance-type; all when absent.
   *
   * @minItems 1
   */
  assistanceTypes?: [Code2, ...Code2[]];
  /**
   * Months before the period that also count (0: the period alone; 11: the 12 months up to and including it).
   */
  lookbackMonths: number;
  /**
   * member: the household's value divided by its number of members (人均).
   */
  per?: 'household' | 'member';
}
/**
 * The members' enrolments: months of the window in which any member was enrolled (months; needs lookbackMonths), or the monthly amounts of the enrolments active on the period's last day (fen).
 */
export interface IndexEnrolmentsSource {
  type: 'enrolments';
  measure: 'months' | 'monthlyAmountFen';
  /**
   * Code table assistance-category; all when absent.
   *
   * @minItems 1
   */
  categories?: [Code2, ...Code2[]];
  /**
   * Months before the period that also count (0: the period alone; 11: the 12 months up to and including it).
   */
  lookbackMonths?: number;
  /**
   * member: the household's value divided by its number of members (人均).
   */
  per?: 'household' | 'member';
}
/**
 * The value as a multiple of the household's 低保 standard (urban or rural by where it lives), capped: higher-is-more scores 100 × min(1, multiple ÷ scale); lower-is-more scores 100 × max(0, 1 − multiple ÷ scale). For money values only.
 */
export interface IndexRatioNormalisation {
  type: 'ratio';
  standard: 'dibao';
  /**
   * The multiple at which the score reaches 100 (higher-is-more) or 0 (lower-is-more).
   */
  scale: number;
  direction: 'higher-is-more' | 'lower-is-more';
}
/**
 * 0 at zeroAt, 100 at fullAt, straight in between and capped beyond; zeroAt above fullAt makes less score more. In the source's unit (per member when the source is).
 */
export interface IndexLinearNormalisation {
  type: 'linear';
  zeroAt: number;
  fullAt: number;
}
/**
 * The score of the last band whose from the value reaches; the first band starts at 0.
 */
export interface IndexBandsNormalisation {
  type: 'bands';
  /**
   * @minItems 2
   */
  bands: [IndexBand, IndexBand, ...IndexBand[]];
}
export interface IndexBand {
  from: number;
  score: number;
}
/**
 * Body of POST /v1/key-group: a household living in the caller's region joins the roster.
 */
export interface KeyGroupAddition {
  householdId: number;
  reason: string;
  on?: CalendarDate18;
}
/**
 * One stay of a household on the roster as a township recorded it: added with a reason, and removed with one.
 */
export interface KeyGroupEntry {
  id: number;
  householdId: number;
  townshipCode: string;
  addedOn: CalendarDate2;
  reason: string;
  addedBy: string;
  removedOn: null | CalendarDate2;
  removalReason: string | null;
  removedBy: string | null;
}
/**
 * Body of POST /v1/key-group/{householdId}/removal: the household leaves the roster.
 */
export interface KeyGroupRemoval {
  reason: string;
  on?: CalendarDate19;
}
/**
 * GET /v1/key-group: the 重点人群花名册 (seed 004: "形成重点人群花名册") on `asOf` — households filed 救助观察 in a discovery case and households a township added — with the monthly visit due, soonest first.
 */
export interface KeyGroupRoster {
  asOf: CalendarDate2;
  /**
   * The visit frequency, config/visits' keyGroup.
   */
  everyMonths: number;
  total: number;
  overdue: number;
  items: KeyGroupMember[];
}
export interface KeyGroupMember {
  householdId: number;
  householdNo: string;
  headName: string | null;
  townshipCode: string;
  villageCode: string;
  /**
   * observation: filed 救助观察 in discovery case caseId; added: a township's entry entryId.
   */
  basis: 'observation' | 'added';
  caseId: number | null;
  entryId: number | null;
  since: CalendarDate2;
  reason: string;
  addedBy: string | null;
  lastVisitOn: null | CalendarDate2;
  nextVisitDueOn: CalendarDate2;
  overdue: boolean;
  overdueDays: number;
}
/**
 * A unit's row of 附件1 《分层分类社会救助工作各部门(单位)联络人》: seed 002 §三(二) "确定1名分管领导和1名工作人员作为联络员". The seed gives no columns; name, post and phone are inferred.
 */
export interface LiaisonEntryInput {
  leader: LiaisonContactInput;
  staff: LiaisonContactInput1;
}
/**
 * 分管领导.
 */
export interface LiaisonContactInput {
  name: string;
  /**
   * 职务.
   */
  post: string;
  phone: Phone;
}
/**
 * 工作人员 (the liaison officer).
 */
export interface LiaisonContactInput1 {
  name: string;
  /**
   * 职务.
   */
  post: string;
  phone: Phone;
}
/**
 * 附件1 as filed: one row per unit the key reaches, with its 分管领导 and 工作人员, or none yet. Phones are shown in full to roles that see phones, to the lead unit's liaison key (the roster is sent to it) and to a unit's own key; masked (138****5678) to others.
 */
export interface LiaisonRoster {
  programmes: ProgrammeLiaisonRoster[];
}
export interface ProgrammeLiaisonRoster {
  programme: string;
  region: ProgrammeRegion;
  title: string;
  dueOn: CalendarDate2;
  onTimeThrough: CalendarDate2;
  units: LiaisonRosterRow[];
}
export interface LiaisonRosterRow {
  unit: FilingUnitRef;
  leader: LiaisonContactView | null;
  staff: LiaisonContactView | null;
  /**
   * By the Shanghai date of the unit's first filing against the due date; later updates keep it current without changing this.
   */
  filing: 'missing' | 'on-time' | 'late';
  firstFiledAt: Timestamp1 | null;
  filedAt: Timestamp1 | null;
  filedBy: string | null;
}
export interface LiaisonContactView {
  name: string;
  post: string;
  phone: string;
  phoneMasked: boolean;
}
/**
 * The monitoring figures of one month for a region and each division directly below it — figures of the kinds seed 001 reports as year-to-date results (“推送预警数据”, “处置排查”, “及时调整待遇”, “新增城乡救助对象”, “累计巡访”, “发现的188个问题”); no seed mandates a monthly table of them, and seed 001 counts 处置排查 in 人次 (persons), which personsWarned and personsHandled give beside the warnings (条). Counts only: no personal data, so liaison officers may read them.
 */
export interface MonitoringStatistics {
  period: Period;
  region: {
    code: string;
    name: string;
  };
  total: MonitoringFigures;
  /**
   * One entry per division directly below the region that has any figure, in code order.
   */
  byRegion: RegionMonitoringFigures[];
}
export interface MonitoringFigures {
  /**
   * Warnings raised in the month and pushed to a township or county (预警推送).
   */
  warningsPushed: number;
  /**
   * Warnings whose verification (核查) began in the month: they left 'pending'.
   */
  warningsVerified: number;
  /**
   * Warnings resolved in the month, whatever the outcome (处置).
   */
  warningsHandled: number;
  /**
   * Warnings still open at the month's end — or today, while the month is running — whose due date had passed.
   */
  warningsOverdue: number;
  /**
   * Persons warned about (预警对象), in 人次: each person once per day a warning about them was raised in the span, however many rules raised one that day.
   */
  personsWarned: number;
  /**
   * Persons handled (处置排查), in 人次 as seed 001 counts them: each person once per day warnings about them were resolved in the span, however many were resolved that day.
   */
  personsHandled: number;
  /**
   * Warnings resolved in the month by outcome.
   */
  outcomes: {
    'benefit-adjusted': number;
    stopped: number;
    included: number;
    referred: number;
    'no-change': number;
  };
  /**
   * Households whose benefit was changed or stopped in the month (调整待遇), from the enrolment history.
   */
  householdsAdjusted: number;
  /**
   * Households with a person newly enrolled in the month (新增救助对象), not a continuation of an enrolment that ended the day before.
   */
  newlyIncludedHouseholds: number;
  newlyIncludedPersons: number;
  /**
   * Temporary assistance (临时救助) given in the month, 户次, from the assistance chain.
   */
  temporaryAssistanceCases: number;
  temporaryAssistanceFen: number;
  /**
   * Home visits recorded in the month (巡访户次).
   */
  visits: number;
  householdsVisited: number;
  /**
   * Visits in the month that found a hardship or need (发现问题).
   */
  problemsFound: number;
  /**
   * Problems found by visits that were concluded in the month (解决).
   */
  problemsSolved: number;
  /**
   * Active-discovery cases (主动发现) opened in the month.
   */
  discoveryCasesOpened: number;
  /**
   * Active-discovery cases concluded in the month with 纳入救助范畴.
   */
  discoveryCasesIncluded: number;
  /**
   * Referrals (转介) sent to departments in the month.
   */
  referralsSent: number;
  /**
   * Referrals the department completed in the month.
   */
  referralsDone: number;
}
export interface RegionMonitoringFigures {
  code: string;
  name: string;
  figures: MonitoringFigures;
}
/**
 * How to check a closed roll: the SM3 digest of its canonical document (GET /v1/payroll/{month}/document, or `jiuzhu payroll --out`), the SM2 signature over the document (DER, base64; the SM2 user ID is the default 1234567812345678), the signing public key as PEM, and the openssl commands that check both.
 */
export interface PayrollSignature {
  countyCode: string;
  month: Period;
  households: number;
  persons: number;
  lines: number;
  totalFen: number;
  closedAt: string;
  closedBy: string;
  documentSm3: string;
  signature: string;
  keyId: string;
  publicKeyPem: string;
  /**
   * Shell commands, run beside roll.csv, roll.sig (the signature decoded from base64) and key.pem.
   */
  verify: string[];
}
/**
 * A township's monthly roll handed to the bureau (各乡镇(街道)……按时完成月结发放册, seed 002): its households, money and the SM3 digest of its lines as computed at submission. The bureau's closing refuses while a township's lines differ from what it submitted.
 */
export interface PayrollSubmission {
  month: Period;
  townshipCode: string;
  households: number;
  totalFen: number;
  linesSm3: string;
  submittedAt: string;
}
/**
 * A county's monthly roll (月结发放册) in totals: households and persons paid for the month (their own lines; 补发 and 追回 lines count in lines and money only), lines, the total in fen, the same by township, the households the roll could not pay without a guess (problems), and, once the bureau has closed the month, who closed it and the SM3 digest of the signed document. `jiuzhu payroll --json` prints the same object.
 */
export interface PayrollSummary {
  month: Period;
  countyCode: string;
  /**
   * open: computed from the register now, a preview; closed: the stored, signed roll.
   */
  status: 'open' | 'closed';
  households: number;
  persons: number;
  lines: number;
  /**
   * All lines, 追回 lines negative.
   */
  totalFen: number;
  byTownship: PayrollTownshipTotals[];
  /**
   * Households not paid this month until the township fixes the register (a household income not recorded, a 特困 person without 供养方式 or self-care ability, inconsistent incomes).
   */
  problems: PayrollProblem[];
  closed: null | {
    closedAt: string;
    closedBy: string;
    documentSm3: string;
    keyId: string;
  };
}
export interface PayrollTownshipTotals {
  code: string;
  name: string;
  households: number;
  persons: number;
  totalFen: number;
}
export interface PayrollProblem {
  householdNo: string;
  townshipCode: string;
  villageCode: string;
  reason: string;
}
/**
 * Body of POST /v1/households/{id}/periodic-checks: the registration township's 定期核查 of an enrolled household living outside it (seed 001 step 3.3), with its result. increased (增发) and decreased (减发) set a new monthly amount on the household's basic-living enrolments granted within the key's region (or the one named); stopped (停发) ends them on the day of the check; unchanged (不变) changes nothing.
 */
export interface PeriodicCheckInput {
  checkedOn: CalendarDate20;
  /**
   * unchanged 不变; increased 增发; decreased 减发; stopped 停发.
   */
  result: 'unchanged' | 'increased' | 'decreased' | 'stopped';
  monthlyAmountFen?: NonNegativeFen2;
  /**
   * Only this enrolment of the household; all its basic-living enrolments granted within the key's region when absent.
   */
  enrolmentId?: number;
  effectiveMonth?: Period3;
  /**
   * What the check found (家庭经济状况).
   */
  reason: string;
}
/**
 * GET /v1/periodic-checks: the households registered in a township and living outside it with a basic-living enrolment running, each with its last 定期核查 and whether one is due (seed 001 step 3.3).
 */
export interface PeriodicCheckList {
  township: string;
  asOf: CalendarDate2;
  /**
   * How often a check is due (config/time-limits periodicChecks, an example of local practice).
   */
  everyMonths: number;
  items: PeriodicCheckDue[];
}
export interface PeriodicCheckDue {
  householdId: number;
  /**
   * The enrolled members.
   */
  names: string[];
  registeredRegion: string;
  residenceRegion: string;
  enrolledSince: CalendarDate21;
  /**
   * The running basic-living enrolments' monthly amounts together.
   */
  monthlyAmountFen: number;
  lastCheck: {
    checkedOn: CalendarDate2;
    result: 'unchanged' | 'increased' | 'decreased' | 'stopped';
  } | null;
  dueOn: CalendarDate22;
  /**
   * asOf is on or after dueOn.
   */
  due: boolean;
}
/**
 * A 定期核查 as recorded, with what it changed in the register.
 */
export interface PeriodicCheck {
  id: number;
  householdId: number;
  /**
   * The household's village of registration when checked.
   */
  registrationRegion: string;
  /**
   * The household's village of residence when checked.
   */
  residenceRegion: string;
  checkedOn: CalendarDate2;
  result: 'unchanged' | 'increased' | 'decreased' | 'stopped';
  monthlyAmountFen: NonNegativeFen1 | null;
  reason: string;
  endedEnrolmentIds: number[];
  adjusted: {
    enrolmentId: number;
    fromFen: number | null;
    toFen: number;
  }[];
  actor: string | null;
  recordedAt: string;
}
/**
 * RFC 9457 problem details. `type` is stable (urn:jiuzhu:problem:<code>); `errors` names each failing field by JSON pointer into the request body, by parameter name, or by the cell of an uploaded workbook.
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
    /**
     * The failing cell of an uploaded workbook, e.g. 落实进度!C7.
     */
    cell?: string;
    detail: string;
  }[];
}
/**
 * One unit's progress on one task for the month (附件2 落实进度, seed 002 §三(二)): what was done, in the unit's own words.
 */
export interface ProgressEntryInput {
  /**
   * 本月落实进度.
   */
  progress: string;
  /**
   * 备注.
   */
  note?: string | null;
}
/**
 * What a filled-in progress form did: the tasks whose text it filed or changed, those it left as they were (a second upload of the same workbook changes nothing), and those it left blank (not filed by this upload).
 */
export interface ProgressFormUpload {
  period: Period;
  unit: FilingUnitRef;
  filed: number[];
  unchanged: number[];
  blank: number[];
  status: ProgressSheetStatus;
}
/**
 * One unit's monthly progress sheet (落实进度表, seed 002 附件2): every task it reports on with what it filed, and the sheet's status. The status is read from the record, never ticked: filed or not, on time or late by the Shanghai date each task was first filed, approved by the lead unit or not.
 */
export interface ProgressSheet {
  /**
   * The filing programme (config/filing/<id>.json).
   */
  programme: string;
  period: Period;
  unit: FilingUnitRef;
  deadline: ReturnDeadlineView;
  status: ProgressSheetStatus;
  tasks: ProgressSheetTask[];
}
export interface ProgressSheetTask {
  number: number;
  group: string;
  title: string;
  /**
   * The unit is the task's 牵头单位.
   */
  leads: boolean;
  /**
   * 本月落实进度; null until filed.
   */
  progress: string | null;
  note: string | null;
  firstFiledAt: Timestamp1 | null;
  /**
   * When the text last changed.
   */
  filedAt: Timestamp1 | null;
  filedBy: string | null;
  timeliness: ('on-time' | 'late') | null;
  /**
   * What the unit filed for the task the month before.
   */
  previousProgress: string | null;
}
/**
 * A quarter's 季度工作小结: one row per unit the key reaches, filed or not, on time or late against the quarter's last day.
 */
export interface QuarterlySummaries {
  quarter: string;
  programmes: ProgrammeQuarterlySummaries[];
}
export interface ProgrammeQuarterlySummaries {
  programme: string;
  region: ProgrammeRegion;
  deadline: ReturnDeadlineView;
  units: QuarterlySummaryRow[];
}
export interface QuarterlySummaryRow {
  unit: FilingUnitRef;
  summary: string | null;
  filing: 'missing' | 'on-time' | 'late';
  firstFiledAt: Timestamp1 | null;
  filedAt: Timestamp1 | null;
  filedBy: string | null;
}
/**
 * A unit's 季度工作小结 (seed 002 §三(二): "每季度末报季度工作小结"); the seed gives no form, so it is one text.
 */
export interface QuarterlySummaryInput {
  summary: string;
}
/**
 * Body of POST /v1/referrals/cases/{id}/close: the owner closes the case once no referral and no escalation is open.
 */
export interface ReferralCaseClose {
  on: CalendarDate2;
  reason: string;
}
/**
 * Body of POST /v1/referrals/cases: a first-responder case (首问负责制, seed 003) — the unit first approached owns it until it is closed, refers needs to departments and follows them up.
 */
export interface ReferralCaseCreate {
  origin: ReferralOrigin;
  subjectIdNumber: IdNumber;
  subjectName: string;
  regionCode: RegionCode6;
  /**
   * The first-responder unit, e.g. 杨和镇社会救助服务站 or 县医疗保障局.
   */
  ownerUnit: string;
  openedOn?: CalendarDate23;
  /**
   * The person's situation and needs.
   */
  summary: string;
  /**
   * @maxItems 20
   */
  referrals?: ReferralInput[];
}
/**
 * Where the case came from: a warning (预警), an active-discovery case, a home visit (each by its id), or a person walking in (no id).
 */
export interface ReferralOrigin {
  type: 'warning' | 'discovery' | 'visit' | 'walk-in';
  id?: number | null;
}
/**
 * A need referred to a department (转介): the department has the working days the time-limit configuration gives it (one working day when urgent) from sentOn.
 */
export interface ReferralInput {
  /**
   * A referral department of the time-limit configuration: jy 教育局, wj 卫生健康局, yb 医疗保障局, rs 人社局, zj 住建局, cl 残联, yj 应急管理局, gh 总工会, fl 妇联, ts 慈善总会, ga 公安局, cz 财政局, hs 红十字会, sf 司法局, yl 养老 …
   */
  department: string;
  /**
   * What the department is asked to do, e.g. 申请教育救助（高中生活补助）.
   */
  need: string;
  /**
   * 急难: due within the configured urgent limit whatever the department.
   */
  urgent?: boolean;
  sentOn?: CalendarDate24;
}
/**
 * A first-responder case (首问负责制) with its referrals and escalations. The subject's ID number is masked unless the role sees it in full.
 */
export interface ReferralCase {
  id: number;
  origin: ReferralOrigin;
  subject: {
    idNumber: CanonicalIdNumber;
    idNumberMasked: boolean;
    name: string;
    /**
     * The household in the register, when the person is in it.
     */
    householdId: number | null;
  };
  region: ApplicationRegion;
  ownerUnit: string;
  summary: string;
  openedOn: CalendarDate2;
  status: 'open' | 'closed';
  closedOn: CalendarDate2 | null;
  closeReason: string | null;
  referrals: Referral[];
  escalations: ReferralEscalation[];
}
/**
 * A need referred to a department, with its deadline, status and history.
 */
export interface Referral {
  id: number;
  caseId: number;
  /**
   * The owning unit's division.
   */
  regionCode: string;
  subjectName: string;
  department: {
    code: string;
    name: string;
  };
  need: string;
  urgent: boolean;
  sentOn: CalendarDate2;
  dueOn: CalendarDate2;
  /**
   * true: the due date runs into a year whose official holiday notice is not in the calendar yet, so that year's weekdays were counted; it is worked out again once the year is added.
   */
  dueProvisional: boolean;
  status: 'sent' | 'accepted' | 'done' | 'declined';
  /**
   * Still sent or accepted after dueOn.
   */
  overdue: boolean;
  acceptedOn: CalendarDate2 | null;
  /**
   * Day done or declined.
   */
  finishedOn: CalendarDate2 | null;
  declineReason: string | null;
  outcome: string | null;
  transitions?: ReferralTransition[];
}
export interface ReferralTransition {
  /**
   * null for the sending itself.
   */
  from: string | null;
  to: string;
  on: CalendarDate2;
  reason: string | null;
  actor: string | null;
  at: Timestamp1;
}
/**
 * A case taken to the county meeting (县级社会救助工作领导小组办公室专题会议, 一事一议, seed 002 task 4) because it lies beyond the policies, with the meeting's decision.
 */
export interface ReferralEscalation {
  id: number;
  escalatedOn: CalendarDate2;
  reason: string;
  status: 'pending' | 'decided';
  meetingOn: CalendarDate2 | null;
  decision: string | null;
  escalatedBy: string | null;
  decidedBy: string | null;
}
/**
 * Body of POST /v1/referrals/cases/{id}/escalations (on, reason) and of POST …/escalations/{eid}/decision (on = the meeting day, decision).
 */
export interface ReferralEscalationInput {
  on: CalendarDate2;
  /**
   * Escalating: why the case lies beyond policy.
   */
  reason?: string;
  /**
   * Deciding: what the meeting decided.
   */
  decision?: string;
}
/**
 * Answer of GET /v1/referrals: referrals of cases owned within the key's region, a page at a time.
 */
export interface ReferralList {
  asOf: CalendarDate25;
  items: Referral[];
  next: number | null;
}
/**
 * Body of POST /v1/referrals/{id}/transitions: sent → accepted → done, or sent/accepted → declined with a reason. The owner of the case records the department's answer.
 */
export interface ReferralTransitionInput {
  to: 'accepted' | 'done' | 'declined';
  on: CalendarDate2;
  /**
   * Required to decline, and for a step taken after the referral's deadline.
   */
  reason?: string;
  /**
   * done: what the department gave, e.g. 已落实教育救助 2,000 元.
   */
  outcome?: string;
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
 * A mandated report as data (report-templates/<name>.json): where its form comes from, the rows it draws on (a named source in gateway/reports/sources/), and how it is laid out and printed. One renderer writes every template to XLSX and CSV. Every column, title line or footer line that the defining document does not give is marked `inferred` (our reading of the document) or `localPractice` (a common usage, not in the document), with the reason.
 */
export interface ReportTemplate {
  $schema?: string;
  /**
   * Stable, used in URLs (GET /v1/reports/{name}) and scripts; equals the file name.
   */
  name: string;
  /**
   * The form's title exactly as the defining document writes it (brackets, punctuation and all).
   */
  title: string;
  /**
   * What the report is, who fills it, who receives it, and when.
   */
  description: string;
  /**
   * Where the form comes from.
   */
  basis: {
    /**
     * seed: the document gives the form (its columns are the document's); seed-inferred: the document names the report but gives no form, so every column is inferred; project: jiuzhu's own report, no document behind it.
     */
    kind: 'seed' | 'seed-inferred' | 'project';
    /**
     * The seed file (shared/seeds/) that defines or names the report.
     */
    seed?: string;
    /**
     * The seed's words that define or name the report, verbatim.
     */
    quote?: string;
    /**
     * What the document fixes and what it leaves open, in a sentence or two.
     */
    note: string;
  };
  /**
   * The named source whose rows fill the report (gateway/reports/sources/<source>.ts); its fields are what columns may name.
   */
  source: string;
  /**
   * The kinds of --period the report accepts, the first being the usual one.
   *
   * @minItems 1
   */
  periods: [ReportPeriodKind, ...ReportPeriodKind[]];
  /**
   * Switches a caller may turn on or off (?option=name), each with its default and why it exists.
   */
  options?: {
    [k: string]: ReportTemplateOption | undefined;
  };
  /**
   * The worksheet's name (Excel allows 31 characters and none of \ / ? * [ ] :).
   */
  sheetName: string;
  /**
   * Lines above the header, each merged across the table's width. Text may hold {region}, {period}, {unit} and {generatedOn}.
   */
  titleRows: ReportTextRow[];
  /**
   * @minItems 1
   * @maxItems 60
   */
  columns: [ReportColumn, ...ReportColumn[]];
  /**
   * Height in points of each header row; wrapped text needs more than one line's.
   */
  headerHeight?: number;
  /**
   * Rows grouped by one field (in the order the source gives them), each group closed by a subtotal row.
   */
  group?: {
    /**
     * The source field whose value makes a group.
     */
    by: string;
    /**
     * The subtotal row's label, {value} standing for the group's value, e.g. "{value}小计".
     */
    subtotalLabel: string;
    /**
     * Serial numbers start again at 1 in each group.
     */
    serialRestarts?: boolean;
    /**
     * A second, enclosing level (a roll's township around its villages): when its field changes, the inner group's subtotal is followed by this level's, summed over all its rows.
     */
    outer?: {
      /**
       * The source field whose value makes an outer group; rows come grouped by it.
       */
      by: string;
      /**
       * The outer subtotal row's label, {value} standing for the outer group's value, e.g. "{value}合计".
       */
      subtotalLabel: string;
    };
  };
  /**
   * A total row after the last row: columns with a `total` are summed (or counted) over all rows.
   */
  grandTotal?: {
    label: string;
  };
  /**
   * Blank bordered rows added up to this many body rows, as the printed form has (the 004 明细表 has ten), so a short month still prints as the form.
   */
  minimumBodyRows?: number;
  /**
   * Written in the first body row when the source has no rows, e.g. "本期无".
   */
  emptyText?: string;
  /**
   * Lines below the table (signature lines, notes), each merged across the table's width.
   */
  footerRows?: ReportTextRow[];
  page: ReportPage;
  /**
   * Fonts by part; missing parts take the defaults (宋体; title 16 pt bold, subtitle 11, header 10 bold, body 10).
   */
  fonts?: {
    title?: ReportFont;
    subtitle?: ReportFont;
    header?: ReportFont;
    body?: ReportFont;
  };
}
export interface ReportTemplateOption {
  description: string;
  default: boolean;
  /**
   * Set when what the option adds is not in the defining document: whose practice it is.
   */
  localPractice?: string;
}
export interface ReportTextRow {
  text: string;
  style?: 'title' | 'subtitle' | 'note';
  align?: 'left' | 'center' | 'right';
  height?: number;
  /**
   * Only when this option is on.
   */
  when?: string;
  /**
   * Not in the document: why it is there.
   */
  inferred?: string;
  /**
   * Not in the document: whose practice it follows.
   */
  localPractice?: string;
}
export interface ReportColumn {
  /**
   * The header text, or the texts from the top header row down: adjacent columns with the same top text share one merged cell, and a column with fewer texts than the deepest header is merged down.
   */
  header: string | [string, ...string[]];
  /**
   * The source field shown, or "#" for the row's serial number.
   */
  field: string;
  /**
   * text as is; integer a whole number; yuan an amount in fen shown as yuan with two decimals; date YYYY-MM-DD shown as written; percent a share (0.25) shown as 25.0%.
   */
  format: 'text' | 'integer' | 'yuan' | 'date' | 'percent';
  /**
   * In characters of the body font, as Excel counts column width.
   */
  width: number;
  wrap?: boolean;
  /**
   * Defaults: numbers right, serial numbers and dates centred, text left.
   */
  align?: 'left' | 'center' | 'right';
  /**
   * What subtotal and total rows show in this column.
   */
  total?: 'sum' | 'count';
  /**
   * Consecutive rows with the same value share one cell, merged downwards (within a group).
   */
  mergeRepeated?: boolean;
  /**
   * The document gives no such column: why it is there and what it holds.
   */
  inferred?: string;
  /**
   * Not in the document: whose practice it follows.
   */
  localPractice?: string;
}
export interface ReportPage {
  paper: 'A4' | 'A3';
  orientation: 'portrait' | 'landscape';
  /**
   * Scale so every column fits one page's width; pages run on downwards.
   */
  fitToWidth?: boolean;
  /**
   * Print the header rows (not the title) on every page.
   */
  repeatHeaderRows?: boolean;
  /**
   * "第 n 页，共 m 页" in the page footer.
   */
  pageNumbers?: boolean;
  /**
   * In centimetres.
   */
  margins?: {
    top: number;
    bottom: number;
    left: number;
    right: number;
  };
}
export interface ReportFont {
  name?: string;
  size?: number;
  bold?: boolean;
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
  /**
   * Where deadlineWorkingDays comes from. No seed sets a time limit for handling a warning, so each rule says whether its deadline is an example (this project's default, to be replaced by the region's own) and on what it rests.
   */
  deadline: {
    /**
     * true: a value chosen here, not a rule of any seed or policy; set the region's own before relying on it.
     */
    example: boolean;
    /**
     * Why this many working days, e.g. local practice, or the policy that sets it.
     */
    basis: string;
  };
}
/**
 * A fact of these kinds about a subject — optionally an adult, optionally with or without another kind of fact in a window (e.g. a death of an earner; a student with no education assistance).
 */
export interface FactMatch {
  type: 'fact';
  /**
   * recipients: persons with an enrolment active at the period's end; recipient-households: any member of a household with such an enrolment; non-recipients: anyone without one, in the register or not; not-basic-living: anyone without an active 低保 or 特困 enrolment; partly-enrolled-households: a register member without a 低保 enrolment of their own whose household has a member with one (only part of the household enrolled); anyone: no condition.
   */
  subjects:
    | 'recipients'
    | 'recipient-households'
    | 'non-recipients'
    | 'not-basic-living'
    | 'partly-enrolled-households'
    | 'anyone';
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
   * Also a fact of these kinds about the same subject in the window (e.g. a death of someone who had a wage: an earner).
   */
  with?: {
    kinds: Kinds;
    where?: AttributeCondition[];
    /**
     * Months before the run's period that also count (0: the period alone). Absent: any time up to the period's end — for standing facts such as a registered vehicle.
     */
    lookbackMonths?: number;
  };
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
 * The total (per month, or over the window) of an amount in facts of these kinds reaches a threshold.
 */
export interface AmountMatch {
  type: 'amount';
  /**
   * recipients: persons with an enrolment active at the period's end; recipient-households: any member of a household with such an enrolment; non-recipients: anyone without one, in the register or not; not-basic-living: anyone without an active 低保 or 特困 enrolment; partly-enrolled-households: a register member without a 低保 enrolment of their own whose household has a member with one (only part of the household enrolled); anyone: no condition.
   */
  subjects:
    | 'recipients'
    | 'recipient-households'
    | 'non-recipients'
    | 'not-basic-living'
    | 'partly-enrolled-households'
    | 'anyone';
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
   * sum: add the amounts up; max: the largest one (for figures that restate one another, such as a wage and the contribution base it sets). Ignored when restating is given.
   */
  aggregate?: 'sum' | 'max';
  restating?: Kinds1;
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
   * The subject's register household has a member with one of these disability grades or health codes, or (seriouslyIll) a seriously ill member.
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
    /**
     * A member who is seriously ill (重病) in the one meaning gateway/store/serious-illness.ts gives it: a 卫健 major-illness fact about the member, or the household's current 刚性支出困难家庭 enrolment (650).
     */
    seriouslyIll?: true;
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
/**
 * 资格自测 (seed 002 task 2: 线上社会救助申办、资格自测、信息查询): a household as its members describe it, for an estimate of the programmes it may qualify for. Nothing in it is stored: no name, no ID number is asked for.
 */
export interface SelfCheckRequest {
  regionCode: RegionCode7;
  month?: Period4;
  /**
   * 城市 (true) or 农村 (false) 低保 standard.
   */
  urban: boolean;
  /**
   * 家庭月收入 in fen (default: the sum of the members' incomes).
   */
  householdIncomeFen?: number;
  /**
   * Monthly 刚性支出 paid by the household itself (medical, education), in fen.
   */
  rigidExpenditureFen?: number;
  /**
   * @minItems 1
   * @maxItems 20
   */
  members: [SelfCheckMember, ...SelfCheckMember[]];
}
export interface SelfCheckMember {
  birthDate: CalendarDate2;
  employed?: boolean;
  /**
   * The member's own monthly income, part of the household's.
   */
  incomeFen?: number;
  /**
   * 残疾等级 of a disability certificate (1–2 重度).
   */
  disabilityGrade?: '1' | '2' | '3' | '4' | null;
  seriousIllness?: boolean;
  /**
   * 劳动能力: 完全, 部分, 无.
   */
  labourAbility?: 'full' | 'partial' | 'none';
  /**
   * Has a legal supporter (法定赡养、抚养、扶养义务人) able to support them.
   */
  supporterAble?: boolean;
  /**
   * 生活自理能力: 1 全自理, 2 半护理, 3 全护理 (for the 特困 care estimate).
   */
  selfCareAbility?: '1' | '2' | '3';
}
/**
 * What the self-check estimates, programme by programme, with the reasons in words and the standards used. An estimate only: eligibility is decided on application after the household's finances are checked (家庭经济状况核对).
 */
export interface SelfCheckResult {
  month: Period;
  standards: {
    region: string;
    regionName: string;
    effectiveFrom: Period;
    /**
     * The region's standards file is an example, not its published standards: the estimate says nothing real.
     */
    example: boolean;
  };
  programmes: SelfCheckProgramme[];
  note: string;
}
export interface SelfCheckProgramme {
  programme: 'dibao' | 'dibao-edge' | 'tekun' | 'rigid-expenditure';
  name: string;
  mayQualify: boolean;
  reasons: string[];
  /**
   * The monthly amount the same calculation as the payment roll gives; null where the programme pays no fixed monthly amount.
   */
  estimatedMonthlyFen: number | null;
}
/**
 * Why the lead unit reopens an approved progress sheet; kept with the sheet and in the audit log.
 */
export interface SheetReopening {
  reason: string;
}
/**
 * Body of POST /v1/spot-checks: draw a random sample (抽查) of a region's population for a period.
 */
export interface SpotCheckDrawInput {
  regionCode: RegionCode8;
  population: SpotCheckPopulation;
  period: SpotCheckPeriodText;
  size?: SpotCheckSize;
  seed?: SpotCheckSeed;
}
/**
 * Answer of GET /v1/spot-checks: the draws of regions within or around the key's region, without their items.
 */
export interface SpotCheckList {
  items: SpotCheck[];
}
/**
 * A spot-check draw (抽查): how it was drawn (seed, population rule, period, size, the population's count and SM3), who drew it, whether it was superseded, and — when shown whole — its sampled items within the key's region with their results and history.
 */
export interface SpotCheck {
  id: number;
  region: {
    code: string;
    name: string;
  };
  population: SpotCheckPopulation;
  period: {
    text: string;
    from: CalendarDate2;
    to: CalendarDate2;
  };
  size: SpotCheckSize;
  /**
   * The 128-bit seed, hex: re-running the draw with it gives the same sample.
   */
  seed: string;
  /**
   * Whether the seed was given by the caller rather than drawn fresh.
   */
  seedGiven: boolean;
  populationCount: number;
  /**
   * SM3 of the population's references, sorted and joined by newlines.
   */
  populationSm3: string;
  sampleSize: number;
  drawnBy: string;
  drawnAt: Timestamp1;
  /**
   * The draw this one replaced.
   */
  redrawOf: number | null;
  superseded: null | {
    by: string;
    at: Timestamp1;
    reason: string;
    byDraw: number | null;
  };
  /**
   * Counts over the items the key sees.
   */
  totals: {
    items: number;
    passed: number;
    problem: number;
    unverifiable: number;
    unchecked: number;
  };
  /**
   * The population read again now: its count and SM3, whether it is the one drawn from, and whether the stored seed picks the stored sample from it.
   */
  verification?: {
    populationCount: number;
    populationSm3: string;
    populationUnchanged: boolean;
    sampleReproduced: boolean;
  };
  items?: SpotCheckItem[];
}
export interface SpotCheckItem {
  id: number;
  /**
   * Place in the sample, 1 first.
   */
  position: number;
  /**
   * household:<number>, warning:<id> or application:<id>.
   */
  ref: string;
  /**
   * SM3(seed ‖ ref), hex.
   */
  sortKey: string;
  township: {
    code: string;
    name: string;
  };
  household: null | {
    id: number;
    householdNo: string;
    headName: string;
  };
  result: null | SpotCheckResult;
  /**
   * Every result recorded, oldest first; the last is the current one.
   */
  history: SpotCheckResult[];
}
export interface SpotCheckResult {
  version: number;
  result: SpotCheckOutcome;
  findings: string | null;
  checker: string;
  checkedOn: CalendarDate2;
  correctionReason: string | null;
  recordedBy: string;
  recordedAt: Timestamp1;
}
/**
 * Body of POST /v1/spot-checks/{id}/redraw: draw again, with the same population rule, period and size, and say why. The old draw is kept, marked superseded.
 */
export interface SpotCheckRedrawInput {
  /**
   * Why the draw is replaced (kept with the old draw).
   */
  reason: string;
  seed?: SpotCheckSeed;
}
/**
 * Body of POST /v1/spot-checks/{id}/items/{itemId}/result: what checking a sampled item found. A result already recorded is corrected only with a reason; the earlier one is kept.
 */
export interface SpotCheckResultInput {
  result: SpotCheckOutcome;
  /**
   * What was found; required when the result is problem (存在问题).
   */
  findings?: string;
  /**
   * Who checked (the staff member or team), as they sign the check.
   */
  checker: string;
  checkedOn: CalendarDate2;
  /**
   * Why an earlier result is corrected; required when the item has one.
   */
  reason?: string;
}
/**
 * GET /v1/supervision/assessment: for 年度目标考核, the items listed in a written reminder issued that year, still not done and with no reason recorded (seed 004: "凡是通过书面提醒后，又无正当理由仍未办理的").
 */
export interface SupervisionAssessment {
  year: number;
  items: {
    /**
     * warning 预警处置, visit 走访, referral 转介, application-step 申请办理 (one step of the procedure), progress-sheet 进度报送 (a unit's monthly 落实进度表).
     */
    itemKind: 'warning' | 'visit' | 'referral' | 'application-step' | 'progress-sheet';
    itemRef: string;
    townshipCode: string;
    reminderNumber: string;
    remindedOn: CalendarDate2;
  }[];
}
/**
 * Body of POST /v1/supervision/orders: a county's 督办 (seed 001: "区级预警督办") on one overdue item. The township it goes to is the one that owes the item.
 */
export interface SupervisionOrderInput {
  /**
   * warning 预警处置, visit 走访, referral 转介, application-step 申请办理 (one step of the procedure), progress-sheet 进度报送 (a unit's monthly 落实进度表).
   */
  itemKind: 'warning' | 'visit' | 'referral' | 'application-step' | 'progress-sheet';
  /**
   * What names the item: a warning or referral id; `application:step` (123:investigated); `household@due date` (17@2026-11-30); `programme:period:unit` (yongning-2024:2026-11:mz).
   */
  itemRef: string;
  /**
   * What is asked, e.g. 请于限期内完成入户核查并反馈处置结果.
   */
  request: string;
  /**
   * Working days the township is given from today (5 is an example of local practice; no seed sets one).
   */
  workingDays?: number;
}
/**
 * GET /v1/supervision/orders: the 督办 addressed inside a region, oldest first.
 */
export interface SupervisionOrderList {
  items: SupervisionOrder[];
}
/**
 * A 督办: the item, who owes it, what is asked and by when, who issued it; its state read from the item itself (done), or from the township's reason (reason-recorded), else open.
 */
export interface SupervisionOrder {
  id: number;
  /**
   * warning 预警处置, visit 走访, referral 转介, application-step 申请办理 (one step of the procedure), progress-sheet 进度报送 (a unit's monthly 落实进度表).
   */
  itemKind: 'warning' | 'visit' | 'referral' | 'application-step' | 'progress-sheet';
  itemRef: string;
  townshipCode: string;
  request: string;
  issuedOn: CalendarDate2;
  dueOn: CalendarDate2;
  issuedBy: string;
  /**
   * 正当理由, as the township recorded it.
   */
  reason: string | null;
  reasonBy: string | null;
  state: 'open' | 'done' | 'reason-recorded';
}
/**
 * GET /v1/supervision/overdue: everything of a county or township past its deadline today, by township then due date — what a 督办 or a written reminder may name.
 */
export interface SupervisionOverdueList {
  asOf: CalendarDate2;
  items: {
    /**
     * warning 预警处置, visit 走访, referral 转介, application-step 申请办理 (one step of the procedure), progress-sheet 进度报送 (a unit's monthly 落实进度表).
     */
    kind: 'warning' | 'visit' | 'referral' | 'application-step' | 'progress-sheet';
    /**
     * What names the item: a warning or referral id; `application:step` (123:investigated); `household@due date` (17@2026-11-30); `programme:period:unit` (yongning-2024:2026-11:mz).
     */
    ref: string;
    /**
     * Who owes the item: its township, or the county for a warning not yet pushed and for a unit's progress sheet.
     */
    townshipCode: string;
    /**
     * The person, the household head or the unit.
     */
    subject: string;
    /**
     * The item in a reader's words, e.g. 预警「在保对象死亡」待核查, 走访（特困供养人员）.
     */
    what: string;
    dueOn: CalendarDate2;
    /**
     * Working days past dueOn, on the official holiday calendar.
     */
    workingDaysLate: number;
  }[];
}
/**
 * Body of POST /v1/supervision/orders/{id}/reason: the township's 正当理由 for an item it cannot finish, recorded once.
 */
export interface SupervisionReasonInput {
  reason: string;
}
/**
 * Body of POST /v1/supervision/reminders: issue a township's written reminder (书面提醒) of everything it has overdue today.
 */
export interface SupervisionReminderInput {
  township: string;
}
/**
 * GET /v1/supervision/reminders: the written reminders issued inside a region, newest first.
 */
export interface SupervisionReminderList {
  items: SupervisionReminder[];
}
/**
 * A written reminder as issued: its number, date, township, the SM3 of the document and the items it listed (a snapshot). The document itself: GET /v1/supervision/reminders/{id}/document.
 */
export interface SupervisionReminder {
  id: number;
  /**
   * Local practice: county, year and sequence, e.g. 640121督〔2026〕3号.
   */
  number: string;
  issuedOn: CalendarDate2;
  townshipCode: string;
  documentSm3: string;
  issuedBy?: string;
  items: {
    /**
     * warning 预警处置, visit 走访, referral 转介, application-step 申请办理 (one step of the procedure), progress-sheet 进度报送 (a unit's monthly 落实进度表).
     */
    itemKind: 'warning' | 'visit' | 'referral' | 'application-step' | 'progress-sheet';
    itemRef: string;
    what?: string;
    subject?: string;
    dueOn?: CalendarDate2;
    workingDaysLate?: number;
    townshipCode?: string;
  }[];
}
/**
 * Time limits of casework, config/time-limits/<id>.json: how long a department has for a referral (转介, 首问负责制), and the steps, order and limits of an application's procedure (社会救助审核确认, 一城通办). Local policy sets these numbers; a value not found in a published source is marked example. What a schema cannot say (department codes agree with the department code table, each step once, the decision last but for its archiving, 民主评议 between the notice and the decision) is checked when the file is loaded.
 */
export interface TimeLimits {
  /**
   * Equals the file name without .json.
   */
  id: string;
  title: string;
  referrals: {
    /**
     * The departments a first-responder unit refers needs to, with how many working days each has to handle one.
     *
     * @minItems 1
     */
    departments: [ReferralDepartment, ...ReferralDepartment[]];
    /**
     * Limit of a referral marked urgent, whatever the department (seed 003: 重要的或者紧急的求助事项 … 一个工作日内赶到现场).
     */
    urgentWorkingDays: number;
    basis?: string;
  };
  applications: {
    /**
     * Procedure id (kebab-case) → its steps and limits.
     */
    procedures: {
      [k: string]: ApplicationProcedure | undefined;
    };
    oneCity: OneCityScheme;
    basis?: string;
  };
  publicNotices: {
    /**
     * full: the name as village notice boards show it (people can only object to a notice that says whom it is about); masked: the middle characters hidden (张*明), where local practice publishes that way.
     */
    nameDisplay: 'full' | 'masked';
    basis?: string;
    /**
     * Assistance categories whose own name would tell neighbours something private (刚性支出困难家庭 650 implies serious illness or disability costs): on a notice they appear under `shownAs`, without their code.
     */
    generalisedCategories: {
      categories: ('110' | '120' | '130' | '131' | '132' | '500' | '600' | '650' | '660')[];
      shownAs: string;
      basis?: string;
    };
  };
  /**
   * 定期核查 (seed 001 step 3.3): how often the registration township checks the economic situation of an enrolled household registered with it but living outside it. The seed says only 按照相关规定: the frequency is local practice.
   */
  periodicChecks: {
    /**
     * A check is due this many months after the last one (or after the enrolment began, when none is on record).
     */
    everyMonths: number;
    example?: boolean;
    basis?: string;
  };
}
export interface ReferralDepartment {
  /**
   * Short stable id; where the department is in the department code table, the same code and name.
   */
  code: string;
  name: string;
  /**
   * Working days from sending to done or declined.
   */
  workingDays: number;
  example?: boolean;
}
/**
 * An application procedure: its steps in order, and `total`, the limit from acceptance to the decision.
 */
export interface ApplicationProcedure {
  title: string;
  /**
   * Business codes an application under this procedure may ask for; approval enrols the covered members in it from the approval date. Empty: the decision enrols no one in the register (e.g. anti-poverty identification, recorded in the agriculture department's system).
   */
  categories: ('110' | '120' | '130' | '131' | '132' | '500' | '600' | '650' | '660')[];
  /**
   * @minItems 2
   */
  steps: [ProcedureStep, ProcedureStep, ...ProcedureStep[]];
  total: TimeLimitDuration;
  /**
   * How much longer a complicated case may take (特殊情况), granted once with a reason. Absent: no extension.
   */
  extension?: {
    days: number;
    unit: 'working' | 'calendar';
    example?: boolean;
    basis?: string;
  };
  basis?: string;
}
/**
 * One step of a procedure, due `within` after the step before it (after acceptance for the first, or with `fromAcceptance`; after the notice's last day for the step following the notice). The notice also has `length`: how long it stays posted.
 */
export interface ProcedureStep {
  /**
   * check-started 家庭经济状况核对 started; investigation-started 入户调查 started; investigated 入户调查 done; forwarded 传至户籍地 (skipped when the investigating township is the registration township); reviewed 初审 (by the registration township); notice 公示 (started); deliberated 民主评议 (only when the notice drew an objection); decided 审核确认 (approved or rejected); archived 档案归档, after the decision. The first five are the investigating township's.
   */
  step:
    | 'check-started'
    | 'investigation-started'
    | 'investigated'
    | 'forwarded'
    | 'reviewed'
    | 'notice'
    | 'deliberated'
    | 'decided'
    | 'archived';
  within: TimeLimitDuration;
  /**
   * true: `within` counts from the day of acceptance, not from the step before (seed 001: 居住地受理3个工作日内启动…入户调查).
   */
  fromAcceptance?: boolean;
  length?: TimeLimitDuration;
}
/**
 * A length of time: working days on the official holiday calendar, or calendar days. Counted as the Civil Code counts periods: the starting day is not counted.
 */
export interface TimeLimitDuration {
  days: number;
  unit: 'working' | 'calendar';
  /**
   * true: a plausible value, not taken from a published source; set it from local policy.
   */
  example?: boolean;
  /**
   * The source of the value.
   */
  basis?: string;
}
/**
 * 一城通办 (seed 001): where and from when a household may apply in its township of residence as well as in its township of registration, the residence township investigating. Outside every scheme (another city, or an application accepted before the scheme's start) only the registration township accepts and investigates.
 */
export interface OneCityScheme {
  schemes: {
    /**
     * The division that runs the scheme: a province-level code (120000, the whole municipality), a prefecture-level city (640100) or a county (640121). Both townships must lie inside it.
     */
    areaCode: string;
    name: string;
    startsOn: CalendarDate26;
    basis?: string;
  }[];
  /**
   * 民主评议 after an objection to the notice: which township organises it.
   */
  deliberation: {
    /**
     * registration: the workflow's 户籍地负责组织民主评议,居住地配合; residence: the same seed's 将民主评议放到居住地进行. Outside the scheme the registration township does it either way.
     */
    by: 'registration' | 'residence';
    basis?: string;
  };
  basis?: string;
}
/**
 * How often which households must be visited (走访联系), as configuration a city changes without code (config/visits/default.json). A household in several categories follows the one that makes its next visit due soonest.
 */
export interface VisitPolicy {
  $schema?: string;
  name: string;
  /**
   * The document the frequencies come from.
   */
  source: string;
  /**
   * How everyMonths is read. calendar-periods (the default, as seed 000 words it: 每月, 每季度): at least one visit in each calendar month (1), quarter (3), half-year (6) …, the first period counted being the first whole one the household spends in the category; visits on 5 January and 28 June meet 每季度 for Q1 and Q2. months-since-last-visit (local practice, stricter): no more than everyMonths months from the last visit to the next.
   */
  frequencyReading?: 'calendar-periods' | 'months-since-last-visit';
  /**
   * Which kinds of contact satisfy a required visit (seed 000 says 走访联系: a visit or a contact).
   *
   * @minItems 1
   */
  countedKinds: [VisitKind, ...VisitKind[]];
  keyGroup?: KeyGroupVisits;
  /**
   * @minItems 1
   */
  categories: [VisitCategory, ...VisitCategory[]];
}
/**
 * How often households on the 重点人群花名册 (gateway/oversight/key-group-roster.ts) are visited.
 */
export interface KeyGroupVisits {
  title: string;
  /**
   * The document the frequency comes from, quoted.
   */
  source: string;
  frequency: {
    everyMonths: number;
  };
}
export interface VisitCategory {
  id: string;
  /**
   * The category as the source names it.
   */
  title: string;
  /**
   * How the category is read from the register, and what it cannot tell.
   */
  note?: string;
  frequency: VisitFrequency;
  match: VisitMatch;
}
export interface MemberCondition {
  /**
   * disability-grade codes (GB/T 26341)
   *
   * @minItems 1
   */
  disabilityGrades?: [string, ...string[]];
  /**
   * labour-ability codes
   *
   * @minItems 1
   */
  labourAbility?: [string, ...string[]];
  /**
   * health codes (GB/T 2261.3)
   *
   * @minItems 1
   */
  health?: [string, ...string[]];
  /**
   * Age in whole years on the day asked about, at least.
   */
  minAge?: number;
  /**
   * The member is seriously ill (重病) as gateway/store/serious-illness.ts defines it: a 卫健 major-illness fact about them by the day asked about.
   */
  seriouslyIll?: true;
}
/**
 * A page of GET /v1/warnings, oldest first (keyset: pass `next` as `after`).
 */
export interface WarningList {
  items: Warning[];
  /**
   * Pass as `after` for the next page; null on the last page.
   */
  next: number | null;
}
/**
 * A warning (预警) raised by a comparison run and pushed to a township or county to verify (核查) and handle (处置): pending → verifying → resolved with an outcome. The subject's ID number is masked unless the role's policy shows it in full. GET /v1/warnings/{id} adds the evidence and the transitions; lists leave them out.
 */
export interface Warning {
  id: number;
  /**
   * The comparison run that raised it.
   */
  runId: number;
  /**
   * The rule (config/rules/*.json) that raised it.
   */
  ruleId: string;
  period: Period5;
  subject: WarningSubject;
  /**
   * Where it was pushed: the township of residence, or a county; null while unassigned (a person outside the register whose ID number was issued in none of the register's counties, with several counties in the register).
   */
  regionCode: RegionCode1 | null;
  handlingUnit: 'township' | 'county';
  severity: 'high' | 'medium' | 'low';
  /**
   * The rule's suggested action (rule.schema.json suggestedAction).
   */
  suggestedAction: string;
  /**
   * For referrals: the department code.
   */
  referTo: string | null;
  /**
   * Amount rules: the total found (fen, or m² for housing area).
   */
  measured: number | null;
  /**
   * Amount rules: the threshold it reached.
   */
  threshold: number | null;
  status: WarningStatus;
  outcome: WarningOutcome | null;
  /**
   * Why it was resolved so (required when resolving).
   */
  outcomeReason: string | null;
  raisedOn: CalendarDate27;
  dueOn: CalendarDate28;
  /**
   * dueOn runs into a year whose holiday notice was not yet in the calendar (counted Monday to Friday there); it is recomputed when the year is added.
   */
  dueProvisional: boolean;
  /**
   * The rule's time limit when the warning was raised; null for warnings raised before it was recorded.
   */
  deadlineWorkingDays: number | null;
  resolvedOn: CalendarDate2 | null;
  /**
   * Open warnings past dueOn (Asia/Shanghai): working days from dueOn to today, dueOn left out and today counted — 0 on rest days right after the deadline. null when not past due or resolved.
   */
  overdueWorkingDays: number | null;
  evidence?: WarningEvidence[];
  transitions?: WarningTransition[];
}
export interface WarningSubject {
  idNumber: CanonicalIdNumber;
  idNumberMasked: boolean;
  /**
   * As in the register when the subject is in it, else as the feed gave it.
   */
  name: string | null;
  /**
   * null when the subject is not in the register (active discovery).
   */
  personId: number | null;
  householdId: number | null;
}
/**
 * A fact behind the warning, as the feed delivered it. Attribute values that are ID numbers are masked like the subject's.
 */
export interface WarningEvidence {
  factId: number;
  /**
   * fact.schema.json kind.
   */
  kind: string;
  /**
   * The feed it came from.
   */
  source: string;
  occurredOn: CalendarDate2 | null;
  period: Period | null;
  amountFen: number | null;
  /**
   * The fact's attributes, flattened: lists joined with '、', nested objects left out.
   */
  attributes: {
    [k: string]: (string | number | boolean) | undefined;
  };
}
/**
 * One change of status: who (the API key's label and id, or the command line), when and why.
 */
export interface WarningTransition {
  id: number;
  from: WarningStatus;
  to: WarningStatus;
  outcome: WarningOutcome | null;
  reason: string | null;
  actor: string | null;
  actorKeyId: number | null;
  at: Timestamp1;
}
/**
 * Body of POST /v1/warnings/{id}/transitions: pending → verifying (核查), then verifying → resolved (处置) with an outcome. Every warning is verified before it is resolved. stopped ends current basic-living enrolments on the resolution date; benefit-adjusted sets their monthly amount; both say whether they act on the subject alone or the whole household, and act only on enrolments granted within the key's region (the registration place decides and pays). Which fields go together (outcome only when resolving, appliesTo with stopped and benefit-adjusted, newAmountFen and effectiveMonth with benefit-adjusted, enrolmentId with either) is checked with the request, field by field.
 */
export interface WarningTransitionRequest {
  to: 'verifying' | 'resolved';
  /**
   * Why: what was checked, what was found, what was decided.
   */
  reason: string;
  outcome?: WarningOutcome;
  /**
   * stopped and benefit-adjusted: the subject's current basic-living enrolment only, or every current basic-living enrolment in the subject's household (低保 is granted per household).
   */
  appliesTo?: 'person' | 'household';
  newAmountFen?: NonNegativeFen3;
  /**
   * stopped and benefit-adjusted: the one enrolment to act on, among the current basic-living enrolments the key's region granted for the person or household. Required to stop on a resolve-conflict warning (重复享受), where the county ends the enrolment that must not stand rather than every one.
   */
  enrolmentId?: number;
  householdIncomeFen?: NonNegativeFen4;
  effectiveMonth?: Period6;
}
