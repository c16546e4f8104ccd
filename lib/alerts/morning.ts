/** When the morning summary goes out: once a day, as the site's local clock passes a set time. */
import { parseMinuteOfDay, nextLocalTime } from '../calendar';

/** "07:30" → minutes of the day (450), or an error saying what is allowed. */
export function parseClock(text: string): number {
  const minute = parseMinuteOfDay(text);
  if (minute === undefined) throw new Error(`время сводки «${text}»: нужно ЧЧ:ММ, например 07:30 / summary time must be HH:MM`);
  return minute;
}

/**
 * Says "due" once when the local clock passes the time between two calls. A twin started after
 * the time sends that day's summary only the next day: a restart never sends it twice.
 */
export class MorningSummary {
  private next: number;

  constructor(private minuteOfDay: number, private tz: string, startedAt: number) {
    this.next = nextLocalTime(startedAt, minuteOfDay, tz);
  }

  due(now: number): boolean {
    if (now < this.next) return false;
    this.next = nextLocalTime(now, this.minuteOfDay, this.tz);
    return true;
  }
}
