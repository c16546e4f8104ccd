/** The twin's REST API from the browser: one place for the request, its error text and the query string. */

/** An error the API sent ({"error": "ru / en"}) or the HTTP status when it sent none. */
export class ApiError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

export type Query = Record<string, string | number | boolean | null | undefined>;

/** '/api/v1/oee' + {from, to} → '/api/v1/oee?from=…&to=…' (empty values left out). */
export function withQuery(url: string, query?: Query): string {
  if (!query) return url;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== null && v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${url}?${s}` : url;
}

export interface ApiInit {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** sent as JSON unless it is a string (then as text/csv: the plan upload) */
  body?: unknown;
  query?: Query;
}

export async function api<T = any>(url: string, init: ApiInit = {}): Promise<T> {
  const headers: Record<string, string> = {};
  let body: string | undefined;
  if (init.body !== undefined) {
    const text = typeof init.body === 'string';
    headers['Content-Type'] = text ? 'text/csv; charset=utf-8' : 'application/json';
    body = text ? (init.body as string) : JSON.stringify(init.body);
  }
  const method = init.method ?? (body === undefined ? 'GET' : 'POST');
  const r = await fetch(withQuery(url, init.query), { method, headers, body });
  const out = await r.json().catch(() => ({}));
  if (!r.ok) throw new ApiError((out && out.error) || `HTTP ${r.status}`, r.status);
  return out as T;
}
