import { RegisterMap } from './register-map';
import basler from './presets/basler-dgc2020.json';
import template from './presets/template.json';

/** Register maps shipped with the twin, by the id the poller's form uses. */
export const PRESETS: Record<string, RegisterMap> = {
  'basler-dgc2020': basler as RegisterMap,
  template: template as RegisterMap,
};

/** The map a node is configured with: a preset id, or "custom" with its JSON. */
export function mapFromConfig(preset: string, customJson: string): RegisterMap {
  if (!preset) throw new Error('не выбрана карта регистров: выберите готовую или «своя карта» / no register map selected');
  if (preset !== 'custom') {
    const m = PRESETS[preset];
    if (!m) throw new Error(`карта «${preset}» не найдена, есть: ${Object.keys(PRESETS).join(', ')} / unknown preset`);
    return m;
  }
  try {
    return JSON.parse(customJson || '');
  } catch (err) {
    throw new Error(`своя карта регистров — не JSON: ${(err as Error).message} / the custom map is not valid JSON`);
  }
}
