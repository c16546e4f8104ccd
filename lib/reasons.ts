/**
 * The plant's own stop reasons (issue 18): a code, a Russian name and the category it puts a stop
 * in. The list is data (stored in the database, edited by the admin); the five of the first start
 * are DEFAULT_REASONS. A reason some stop already has cannot be deleted, only retired: hidden from
 * new tagging, still named in the journal and the export.
 */

/** The categories an operator's reason may give (forced also covers a fault; unplanned and nodata are no reason's). */
export type ReasonCategory = 'planned' | 'forced' | 'reserve' | 'external';

export const REASON_CATEGORIES: Readonly<Record<ReasonCategory, string>> = {
  planned: 'плановый',
  forced: 'аварийный',
  reserve: 'резерв',
  external: 'внешний',
};

export interface Reason {
  code: string;
  name: string;
  category: ReasonCategory;
  /** hidden from new tagging; stops tagged with it keep its name */
  retired: boolean;
}

export const DEFAULT_REASONS: readonly Reason[] = [
  { code: 'planned_maintenance', name: 'Плановое ТО', category: 'planned', retired: false },
  { code: 'emergency', name: 'Аварийный останов', category: 'forced', retired: false },
  { code: 'reserve', name: 'Резерв / нет нагрузки', category: 'reserve', retired: false },
  { code: 'no_gas', name: 'Нет газа', category: 'external', retired: false },
  { code: 'grid', name: 'Сеть / внешнее', category: 'external', retired: false },
];

/** Codes are Latin like unit ids: they go into URLs, CSV and BI tools unchanged. */
export const REASON_CODE = /^[a-z][a-z0-9_]{0,39}$/;
export const REASON_NAME_MAX = 80;
export const REASONS_MAX = 100;

/** A forced stop (a breakdown) must say what broke: the rule of the former «Аварийный останов». */
export function needsComment(reason: Pick<Reason, 'category'>): boolean {
  return reason.category === 'forced';
}

/** Lookups by code through a Map: `constructor` or `__proto__` is no reason. */
export class ReasonList {
  private readonly byCode: Map<string, Reason>;

  constructor(readonly all: readonly Reason[]) {
    this.byCode = new Map(all.map((r) => [r.code, r]));
  }

  get(code: unknown): Reason | undefined {
    return typeof code === 'string' ? this.byCode.get(code) : undefined;
  }

  /** The name to show for a stored code; a code no longer in the list shows as itself. */
  nameOf(code: string): string {
    return this.get(code)?.name ?? code;
  }

  /** What a new stop may be tagged with. */
  active(): Reason[] {
    return this.all.filter((r) => !r.retired);
  }
}

/** A refused edit: `inUse` when it would delete reasons that stops have (409), else the input was wrong (400). */
export class ReasonEditError extends Error {
  constructor(message: string, readonly inUse: boolean) {
    super(message);
  }
}

/**
 * Checks the admin's whole new list against the current one and the number of stops per code.
 * Returns the list to store; a reason left out is deleted, which is refused for one in use.
 */
export function checkReasonEdit(incoming: unknown, current: readonly Reason[], usage: ReadonlyMap<string, number>): Reason[] {
  if (!Array.isArray(incoming) || incoming.length === 0 || incoming.length > REASONS_MAX) {
    throw new ReasonEditError(`reasons — список из 1–${REASONS_MAX} причин [{code, name, category, retired}] / reasons must be a list of 1..${REASONS_MAX} items`, false);
  }
  const problems: string[] = [];
  const list: Reason[] = [];
  const codes = new Set<string>();
  const names = new Set<string>();
  incoming.forEach((item, i) => {
    const r = (item !== null && typeof item === 'object' ? item : {}) as Record<string, unknown>;
    const where = `причина ${i + 1}`;
    const code = typeof r.code === 'string' ? r.code.trim() : '';
    const name = typeof r.name === 'string' ? r.name.trim() : '';
    if (!REASON_CODE.test(code)) return void problems.push(`${where}: код «${String(r.code ?? '').slice(0, 40)}» — латиница, цифры и «_», с буквы, до 40 знаков (например gas_station_repair)`);
    if (!name || name.length > REASON_NAME_MAX || name.includes('\u0000')) return void problems.push(`${where} (${code}): название — текст до ${REASON_NAME_MAX} символов`);
    if (typeof r.category !== 'string' || !Object.hasOwn(REASON_CATEGORIES, r.category)) {
      return void problems.push(`${where} (${code}): категория — одна из ${Object.entries(REASON_CATEGORIES).map(([k, v]) => `${k} (${v})`).join(', ')}`);
    }
    if (r.retired !== undefined && typeof r.retired !== 'boolean') return void problems.push(`${where} (${code}): retired — true или false`);
    if (codes.has(code)) return void problems.push(`${where}: код ${code} повторяется — оставьте один`);
    if (names.has(name.toLowerCase())) return void problems.push(`${where}: название «${name}» повторяется — в журнале их не различить`);
    codes.add(code);
    names.add(name.toLowerCase());
    list.push({ code, name, category: r.category as ReasonCategory, retired: r.retired === true });
  });
  if (problems.length) throw new ReasonEditError(`причины не сохранены, исправьте: ${problems.slice(0, 10).join('; ')} / reasons not saved`, false);
  if (!list.some((r) => !r.retired)) throw new ReasonEditError('нужна хотя бы одна действующая причина / at least one reason must not be retired', false);
  const deletedInUse = current.filter((r) => !codes.has(r.code) && (usage.get(r.code) ?? 0) > 0);
  if (deletedInUse.length) {
    const which = deletedInUse.map((r) => `«${r.name}» (${r.code}, простоев: ${usage.get(r.code)})`).join(', ');
    throw new ReasonEditError(
      `нельзя удалить причину, которая уже указана в журнале: ${which}. Выведите её из употребления (retired: true, «Не использовать») — она исчезнет из выбора, но останется в истории / a reason in use cannot be deleted, retire it instead`,
      true,
    );
  }
  return list;
}
