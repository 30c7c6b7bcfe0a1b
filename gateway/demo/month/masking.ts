import { maskIdNumber } from '../../identity/id-number.js';

/** What the summary shows of a person: the ID number masked (region and last four), the name reduced to its surname. */
export interface MaskedPerson {
  idNumber: string;
  name: string;
}

/** 马建国 → 马**: enough to tell cases apart in a summary that may be passed around, not enough to name anyone. */
export function maskName(name: string | null): string {
  const characters = [...(name ?? '')];
  return characters.length <= 1 ? '*' : `${characters[0]}${'*'.repeat(characters.length - 1)}`;
}

export function maskPerson(idNumber: string, name: string | null): MaskedPerson {
  return { idNumber: maskIdNumber(idNumber), name: maskName(name) };
}
