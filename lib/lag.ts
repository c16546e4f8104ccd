/**
 * How far behind the twin is: the lag of a unit is the wall time its newest sample reached the
 * state detector minus the sample's own time. It grows when messages queue anywhere on the way
 * (a gateway catching up, the broker, Node-RED's input queue). Only samples that advance a unit's
 * data time count, so a redelivered old sample does not make a lag; a unit not heard within its
 * timeout has no lag (it has no data, which is said elsewhere).
 * A device whose clock is off shows its offset as lag: that, too, makes its figures late or wrong.
 */

/** What the twin shows unless the twin-state node says otherwise. */
export const DEFAULT_LAG_THRESHOLD_S = 60;

/** A unit's lag as LiveFleet keeps it. */
export interface LagTrack {
  /** data time of the newest sample, epoch ms */
  lastTs?: number;
  /** wall time it arrived, epoch ms */
  lastArrival?: number;
  /** wall time the lag went past the threshold (undefined: not past it) */
  lagSince?: number;
}

/** The lag of the newest sample, ms (never below 0: a clock ahead is not "early data"). */
export function lagOf(t: LagTrack): number | undefined {
  return t.lastTs === undefined || t.lastArrival === undefined ? undefined : Math.max(0, t.lastArrival - t.lastTs);
}

/** Notes a sample that advances the unit's data time: when an episode of lag begins or ends. */
export function trackLag(t: LagTrack, ts: number, arrival: number, thresholdMs: number): void {
  t.lastTs = ts;
  t.lastArrival = arrival;
  if (arrival - ts > thresholdMs) t.lagSince ??= arrival;
  else t.lagSince = undefined;
}

/** The unit's lag now, or undefined when it has none: never heard, or silent past its timeout. */
export function currentLag(t: LagTrack, now: number, timeoutMs: number): number | undefined {
  if (t.lastArrival === undefined || now - t.lastArrival > timeoutMs) return undefined;
  return lagOf(t);
}

/** The site's lag: the largest of its units', and since when any heard unit has been past the threshold. */
export interface SiteLag {
  ms: number;
  /** the earliest start of a lag episode among the lagging units; undefined: none lags */
  since?: number;
}

export function siteLag(units: { track: LagTrack; timeoutMs: number }[], now: number): SiteLag {
  let ms = 0;
  let since: number | undefined;
  for (const u of units) {
    const lag = currentLag(u.track, now, u.timeoutMs);
    if (lag === undefined) continue;
    ms = Math.max(ms, lag);
    if (u.track.lagSince !== undefined) since = Math.min(since ?? Infinity, u.track.lagSince);
  }
  return { ms, since };
}

/** «данные запаздывают на 3 мин» (seconds below a minute), as the fleet block and the logs say it. */
export function lagText(ms: number): string {
  return ms < 60_000 ? `данные запаздывают на ${Math.round(ms / 1000)} с` : `данные запаздывают на ${Math.floor(ms / 60_000)} мин`;
}

/**
 * Turns the site's lag into episodes for the log: `start` once when it goes past the threshold,
 * `end` once when it is back, nothing in between (not a line per sample).
 */
export class LagEpisodes {
  private over = false;
  /** over: the site's lag is past the threshold now (SiteLag.since is set) */
  update(over: boolean): 'start' | 'end' | undefined {
    if (over === this.over) return undefined;
    this.over = over;
    return over ? 'start' : 'end';
  }
}
