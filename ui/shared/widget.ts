/**
 * What every Energy Twin widget is to Dashboard 2.0: the props its layout passes, the last message of its
 * node (kept by the dashboard's store, re-sent after a reconnect by $dataTracker), links through the
 * dashboard's router, and the ru-RU formatting. `periodWidget` adds the page-wide period and the site.
 */
import { defineComponent } from 'vue';
import * as format from './format';
import { Period, localDay, samePeriod } from './period';
import { onPeriod, savedPeriod } from './period-store';
import { Site, siteConfig, unitName } from './site';

/** A link's click inside the dashboard: its router (`$router`) opens the page, not a reload of the whole app. */
export function goInside(router: { push(href: string): unknown } | undefined, e: MouseEvent): void {
  const href = (e.currentTarget as HTMLElement | null)?.getAttribute('href');
  if (router && href) {
    e.preventDefault();
    router.push(href);
  }
}

export const twinWidget = defineComponent({
  inject: ['$socket', '$dataTracker'],
  props: {
    id: { type: String, required: true },
    props: { type: Object, default: () => ({}) },
    state: { type: Object, default: () => ({ enabled: false, visible: false }) },
  },
  computed: {
    /** the last message the widget's node received (null before the first) */
    msg(): any {
      return (this as any).$store.state.data.messages[this.id] ?? null;
    },
  },
  created() {
    // registers for this widget's messages, asks for the last one, and asks again after a reconnect
    (this as any).$dataTracker(this.id);
  },
  methods: {
    ...format,
    /** a link inside the dashboard: its router, not a reload of the whole app */
    go(e: MouseEvent) {
      goInside((this as any).$router, e);
    },
  },
});

export const periodWidget = defineComponent({
  mixins: [twinWidget],
  data() {
    return { period: null as Period | null, tz: undefined as string | undefined, site: null as Site | null, siteError: '', stopFollowing: null as null | (() => void) };
  },
  async mounted() {
    this.stopFollowing = onPeriod((p) => this.follow(p));
    this.follow(savedPeriod());
    try {
      this.site = await siteConfig();
      this.tz = this.site.tz;
      // nobody chose a period yet (the period bar is on another page): today at the site
      if (!this.period) this.follow(savedPeriod() ?? { preset: 'today', from: localDay(new Date(), this.tz), to: localDay(new Date(), this.tz) });
    } catch (err) {
      this.siteError = `Нет настроек станции: ${(err as Error).message}`;
    }
  },
  unmounted() {
    this.stopFollowing?.();
  },
  methods: {
    follow(p: Period | null) {
      if (p && !samePeriod(this.period, p)) this.period = { ...p };
    },
    unitName(unit: string | null | undefined): string {
      return unitName(this.site, unit);
    },
  },
});

/**
 * A block showing a report of the page-wide period. Its `load()` runs when the period changes, every
 * `refreshS` seconds (a component option, 60 by default) and a second after `reloadSoon()` (its node says new
 * data are in; bursts are grouped); `latest(request)` gives undefined for an answer a newer request overtook,
 * so a slow answer for the previous period never replaces the figures of the current one.
 */
export const periodReport = defineComponent({
  mixins: [periodWidget],
  data() {
    return { loaded: false, error: '', requestSeq: 0, refreshTimer: 0, reloadTimer: 0 };
  },
  watch: {
    period() {
      this.loaded = false; // the figures shown are of the previous period until the new ones come
      this.load();
    },
    siteError(e: string) {
      this.error = e;
    },
  },
  mounted() {
    const seconds = (this.$options as { refreshS?: number }).refreshS ?? 60;
    this.refreshTimer = window.setInterval(() => this.load(), seconds * 1000);
  },
  unmounted() {
    clearInterval(this.refreshTimer);
    clearTimeout(this.reloadTimer);
  },
  methods: {
    /** the component's own: fetch and show the period's report */
    load(): void | Promise<void> {},
    reloadSoon(ms = 1000) {
      clearTimeout(this.reloadTimer);
      this.reloadTimer = window.setTimeout(() => this.load(), ms);
    },
    async latest<T>(request: Promise<T>): Promise<T | undefined> {
      const seq = ++this.requestSeq;
      try {
        const answer = await request;
        return seq === this.requestSeq ? answer : undefined;
      } catch (err) {
        if (seq === this.requestSeq) throw err;
        return undefined;
      }
    },
  },
});
