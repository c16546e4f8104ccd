/**
 * The page-wide period in the browser: window.__twinPeriod for the widgets of this page, sessionStorage
 * 'twin-period' for a reload and the detail pages, the window event 'twin-period' for each change.
 */
import { Period, asPeriod } from './period';

const KEY = 'twin-period';
const EVENT = 'twin-period';

declare global {
  interface Window {
    __twinPeriod?: Period;
  }
}

/** The period chosen on this page or earlier in this tab, if any. */
export function savedPeriod(): Period | null {
  if (window.__twinPeriod) return window.__twinPeriod;
  try {
    return asPeriod(JSON.parse(sessionStorage.getItem(KEY) || 'null'));
  } catch {
    return null;
  }
}

/** Every widget follows; a reload keeps it. */
export function publishPeriod(p: Period): void {
  const detail = { preset: p.preset, from: p.from, to: p.to };
  window.__twinPeriod = detail;
  try {
    sessionStorage.setItem(KEY, JSON.stringify(detail));
  } catch {
    /* private mode: this page still follows */
  }
  window.dispatchEvent(new CustomEvent(EVENT, { detail }));
}

/** Calls `fn` on each change of the period; returns the function that stops it. */
export function onPeriod(fn: (p: Period) => void): () => void {
  const listener = (e: Event) => {
    const p = asPeriod((e as CustomEvent).detail);
    if (p) fn(p);
  };
  window.addEventListener(EVENT, listener);
  return () => window.removeEventListener(EVENT, listener);
}
