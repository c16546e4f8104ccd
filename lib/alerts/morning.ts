/** When the morning summary goes out: once a day, as the site's local clock passes a set time. */
import { localDate, instantOfLocal } from '../calendar';

export interface Clock {
  hour: number;
  minute: number;
}

/** "07:30" → {7, 30}, or an error saying what is allowed. */
export function parseClock(text: string): Clock {
  const m = /^\s*(\d{1,2}):(\d{2})\s*$/.exec(text);
  const hour = m ? Number(m[1]) : NaN;
  const minute = m ? Number(m[2]) : NaN;
  if (!(hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59)) {
    throw new Error(`время сводки «${text}»: нужно ЧЧ:ММ, например 07:30 / summary time must be HH:MM`);
  }
  return { hour, minute };
}

/**
 * Says "due" once when the local clock passes the time between two calls. A twin started after
 * the time sends that day's summary only the next day: a restart never sends it twice.
 */
export class MorningSummary {
  constructor(private at: Clock, private tz: string, private last: number) {}

  due(now: number): boolean {
    const today = localDate(now, this.tz);
    const [y, mo, d] = today.split('-').map(Number);
    const target = instantOfLocal({ year: y, month: mo, day: d, hour: this.at.hour, minute: this.at.minute }, this.tz);
    const passed = this.last < target && target <= now;
    this.last = now;
    return passed;
  }
}
