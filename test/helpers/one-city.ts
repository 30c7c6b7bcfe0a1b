import { defaultCaseworkSettings, type CaseworkSettings } from '../../gateway/casework/casework-settings.js';
import type { OneCityScheme } from '../../schemas/types/index.js';

/**
 * The bundled casework settings with 一城通办 switched on for one more area (银川市 640100 by default, which holds the
 * test county 永宁 640121): the default configuration runs it only in 天津, so tests that need it say so here.
 */
export function caseworkWithOneCity(
  options: { areaCode?: string; startsOn?: string; deliberation?: OneCityScheme['deliberation']['by'] } = {},
): CaseworkSettings {
  const settings = defaultCaseworkSettings();
  const { oneCity } = settings.limits.applications;
  return {
    ...settings,
    limits: {
      ...settings.limits,
      applications: {
        ...settings.limits.applications,
        oneCity: {
          ...oneCity,
          schemes: [...oneCity.schemes, { areaCode: options.areaCode ?? '640100', name: '银川市 (test)', startsOn: options.startsOn ?? '2023-11-01' }],
          deliberation: { ...oneCity.deliberation, by: options.deliberation ?? oneCity.deliberation.by },
        },
      },
    },
  };
}
