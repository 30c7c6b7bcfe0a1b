import { defineWeightedTable, type SeededRandom, type WeightedTable } from './seeded-random.js';

/** A debit-card product a benefit account (惠民惠农一卡通) can be opened on. */
export interface CardProduct {
  bankName: string;
  /** The issuer identification number (卡 BIN) the card number starts with. */
  bin: string;
  /** The whole card number's length, check digit included. */
  length: number;
}

/**
 * BINs and lengths from the China UnionPay BIN list published with hexindai/bcbc (`data/bin.csv`, debit cards):
 * the big banks issue 19-digit cards; 重庆农村商业银行's debit cards are 16 digits long there, so its accounts are
 * generated at that length rather than forced to 19.
 */
const ABC: CardProduct = { bankName: '中国农业银行', bin: '622848', length: 19 };
const PSBC: CardProduct = { bankName: '中国邮政储蓄银行', bin: '621799', length: 19 };
const ICBC: CardProduct = { bankName: '中国工商银行', bin: '621226', length: 19 };
const CCB: CardProduct = { bankName: '中国建设银行', bin: '621700', length: 19 };
const BOC: CardProduct = { bankName: '中国银行', bin: '621661', length: 19 };

interface ProvincialBanks {
  /** The rural credit bank that pays most rural benefits in the province. */
  rural: CardProduct;
  /** The provincial city commercial bank, common in towns. */
  city?: CardProduct;
}

const BANKS_BY_PROVINCE: Readonly<Record<string, ProvincialBanks>> = {
  '64': {
    rural: { bankName: '宁夏黄河农村商业银行', bin: '623095', length: 19 },
    city: { bankName: '宁夏银行', bin: '621529', length: 19 },
  },
  '50': {
    rural: { bankName: '重庆农村商业银行', bin: '621528', length: 16 },
    city: { bankName: '重庆银行', bin: '623096', length: 19 },
  },
  '51': { rural: { bankName: '四川省农村信用社', bin: '621033', length: 19 } },
  '52': { rural: { bankName: '贵州省农村信用社', bin: '621779', length: 19 } },
  '53': { rural: { bankName: '云南省农村信用社', bin: '621017', length: 19 } },
  '62': { rural: { bankName: '甘肃省农村信用社', bin: '621061', length: 19 } },
  '13': { rural: { bankName: '河北省农村信用社', bin: '621021', length: 19 } },
};

/**
 * Rural benefits are paid mostly through the rural credit bank and the postal savings bank, which have branches
 * in every township; towns and cities spread over more banks (research §4's bank dropdown).
 */
function cardProductsFor(provinceCode: string, urban: boolean): WeightedTable<CardProduct> {
  const provincial = BANKS_BY_PROVINCE[provinceCode];
  if (!provincial) {
    return urban
      ? defineWeightedTable([[ICBC, 25], [CCB, 25], [ABC, 20], [BOC, 10], [PSBC, 20]])
      : defineWeightedTable([[ABC, 45], [PSBC, 45], [CCB, 10]]);
  }
  const { rural, city } = provincial;
  if (urban) {
    return defineWeightedTable([[rural, 30], [city ?? ICBC, 15], [ICBC, 15], [CCB, 15], [ABC, 10], [PSBC, 15]]);
  }
  return defineWeightedTable([[rural, 70], [PSBC, 15], [ABC, 15]]);
}

/** The Luhn (mod 10) check digit for the digits before it. */
export function computeLuhnCheckDigit(body: string): number {
  let sum = 0;
  let doubled = true;
  for (let index = body.length - 1; index >= 0; index -= 1) {
    let digit = body.charCodeAt(index) - 48;
    if (doubled) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    doubled = !doubled;
  }
  return (10 - (sum % 10)) % 10;
}

export function isLuhnValid(cardNumber: string): boolean {
  if (!/^\d{2,}$/.test(cardNumber)) return false;
  return computeLuhnCheckDigit(cardNumber.slice(0, -1)) === cardNumber.charCodeAt(cardNumber.length - 1) - 48;
}

/** 3^18 is coprime to 10^9, so multiplying by it modulo 10^9 permutes the serials: distinct in, distinct out. */
const SERIAL_SCRAMBLE_HIGH = 38_742;
const SERIAL_SCRAMBLE_LOW = 489;
const SERIAL_SPACE = 1_000_000_000;

/** (n × 3^18) mod 10^9, split in two products so that no intermediate passes 2^53. */
function scrambleSerial(n: number): number {
  const high = ((n * SERIAL_SCRAMBLE_HIGH) % SERIAL_SPACE) * 10_000;
  return (high + n * SERIAL_SCRAMBLE_LOW) % SERIAL_SPACE;
}

/**
 * Issues card numbers that are unique for the whole run without remembering them: the nine digits before the check
 * digit are a scrambled running number, so no two accounts collide, yet numbers look random. Digits between the
 * BIN and the serial are random (on real cards they encode the branch).
 */
export class BankAccountIssuer {
  private issued = 0;
  private readonly serialOffset: number;
  private readonly urbanProducts: WeightedTable<CardProduct>;
  private readonly ruralProducts: WeightedTable<CardProduct>;

  constructor(countyCode: string, random: SeededRandom) {
    this.urbanProducts = cardProductsFor(countyCode.slice(0, 2), true);
    this.ruralProducts = cardProductsFor(countyCode.slice(0, 2), false);
    this.serialOffset = random.integerBelow(SERIAL_SPACE);
  }

  issue(urban: boolean, random: SeededRandom): { bankName: string; accountNumber: string } {
    const product = random.pickWeighted(urban ? this.urbanProducts : this.ruralProducts);
    if (this.issued >= SERIAL_SPACE) throw new RangeError('[demo] The run has used up its bank account serials.');
    const serial = (scrambleSerial(this.issued) + this.serialOffset) % SERIAL_SPACE;
    this.issued += 1;
    let branch = '';
    for (let remaining = product.length - product.bin.length - 10; remaining > 0; remaining -= 1) {
      branch += String(random.integerBelow(10));
    }
    const body = product.bin + branch + String(serial).padStart(9, '0');
    return { bankName: product.bankName, accountNumber: body + String(computeLuhnCheckDigit(body)) };
  }
}
