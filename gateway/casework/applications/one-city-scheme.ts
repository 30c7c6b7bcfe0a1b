/**
 * 一城通办 (seed 001) as configuration reads it: which city areas run the scheme and from when, and so, for one
 * household on one day, which townships may take its application and which township investigates.
 */
import type { OneCityScheme } from '../../../schemas/types/index.js';

/** Where an application for a household goes, worked out on the day of acceptance. */
export interface ApplicationRoute {
  /** The scheme the application falls under, or null: only the registration township takes it then. */
  scheme: string | null;
  /** The townships that may accept: the residence and the registration township under the scheme, else the registration township. */
  mayAccept: string[];
  /** The township that starts the 核对 and the investigation and forwards the materials. */
  investigating: string;
}

/** The prefix every division code inside an area shares: 120000 → 12 (the municipality), 640100 → 6401, 640121 → 640121. */
export function areaPrefix(areaCode: string): string {
  let prefix = areaCode;
  while (prefix.length > 2 && prefix.endsWith('00')) prefix = prefix.slice(0, -2);
  return prefix;
}

/** The scheme that covers a township on a day: its area holds the township and the day is on or after its start. */
export function schemeCovering(oneCity: OneCityScheme, township: string, on: string): OneCityScheme['schemes'][number] | undefined {
  return oneCity.schemes.find((s) => township.startsWith(areaPrefix(s.areaCode)) && on >= s.startsOn);
}

/**
 * Under the scheme the household chooses: "申请人可选择居住地或户籍地提交社会救助申请", and the residence township
 * investigates ("由居住地配合户籍地就近进行入户调查"). The scheme is the registration township's city's, so it
 * applies when that city runs it on the day of acceptance and the household lives inside the same area; a household
 * living outside it (or any household before the scheme, or in a city without one) applies where it is registered,
 * as before the reform ("申请低保等救助须在户籍地提交申请"), and that township investigates.
 */
export function routeApplication(oneCity: OneCityScheme, household: { registrationTownship: string; residenceTownship: string }, acceptedOn: string): ApplicationRoute {
  const { registrationTownship, residenceTownship } = household;
  const scheme = schemeCovering(oneCity, registrationTownship, acceptedOn);
  if (!scheme || !residenceTownship.startsWith(areaPrefix(scheme.areaCode))) {
    return { scheme: null, mayAccept: [registrationTownship], investigating: registrationTownship };
  }
  const mayAccept = residenceTownship === registrationTownship ? [registrationTownship] : [residenceTownship, registrationTownship];
  return { scheme: scheme.name, mayAccept, investigating: residenceTownship };
}
