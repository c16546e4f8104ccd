/** The site's configuration (GET /api/v1/site): asked once per page load, shared by every widget. */
import { api } from './api';

export interface SiteUnit {
  unit: string;
  name: string;
  kind: 'gpu' | 'upg' | string;
  [k: string]: unknown;
}

export interface Site {
  tz: string;
  units: SiteUnit[];
  [k: string]: unknown;
}

let pending: Promise<Site> | null = null;

/**
 * The site; a failed request is forgotten so the next widget asks again. `fresh` asks again after a change
 * to it (a price saved): every widget of the page then gets the new copy.
 */
export function siteConfig(fresh = false): Promise<Site> {
  if (!pending || fresh) {
    pending = api<Site>('/api/v1/site');
    pending.catch(() => {
      pending = null;
    });
  }
  return pending;
}

/** A unit's name from the site's list, its id when it is not there, «Площадка» for none (site-wide). */
export function unitName(site: Site | null, unit: string | null | undefined): string {
  if (!unit) return 'Площадка';
  return site?.units.find((u) => u.unit === unit)?.name ?? unit;
}
