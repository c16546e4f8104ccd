/**
 * The part of the Node-RED runtime API our node shells use, typed just enough to catch mistakes,
 * plus small helpers every shell shares (so no shell repeats them).
 */
export interface NodeMessage {
  [key: string]: unknown;
  topic?: string;
  payload?: unknown;
}

export type Send = (msg: NodeMessage | (NodeMessage | NodeMessage[] | null)[]) => void;
export type Done = (err?: Error) => void;

export interface Node {
  id: string;
  name?: string;
  credentials?: Record<string, string | undefined>;
  on(event: 'input', cb: (msg: NodeMessage, send: Send, done: Done) => void): void;
  on(event: 'close', cb: (removed: boolean, done: () => void) => void): void;
  send: Send;
  status(s: { fill?: 'red' | 'green' | 'yellow' | 'blue' | 'grey'; shape?: 'ring' | 'dot'; text?: string } | Record<string, never>): void;
  log(msg: string): void;
  warn(msg: string): void;
  error(msg: string | Error, m?: NodeMessage): void;
}

export interface NodeAPI {
  nodes: {
    createNode(node: unknown, config: unknown): void;
    registerType(type: string, ctor: Function, opts?: { credentials?: Record<string, { type: 'text' | 'password' }> }): void;
    getNode(id: string): unknown;
    /** every node and config node of the deployed flows, as saved (type, id and its properties) */
    eachNode(cb: (n: { id: string; type: string; [key: string]: unknown }) => void): void;
  };
  httpNode: {
    get(path: string, ...handlers: Function[]): void;
    post(path: string, ...handlers: Function[]): void;
    _router?: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
  };
  settings: Record<string, unknown>;
}

/** Resolves a config node a node refers to, or says which one is missing. */
export function requireConfig<T>(RED: NodeAPI, id: string | undefined, what: string): T {
  const n = id ? (RED.nodes.getNode(id) as T | null) : null;
  if (!n) throw new Error(`не выбран узел конфигурации «${what}» / no ${what} config node selected`);
  return n;
}

export { parseNumberField as numberField } from '../lib/units';

/** Shows a configuration error on the node and in the log; the node then stays idle. */
export function failConfig(node: Node, err: unknown): void {
  const text = err instanceof Error ? err.message : String(err);
  node.status({ fill: 'red', shape: 'ring', text: text.split(' / ')[0].slice(0, 60) });
  node.error(`ошибка настройки / configuration error: ${text}`);
}

/** Rate meter for a node's status line: counts events, reports per-second over the last window. */
export class RateMeter {
  private count = 0;
  private since = Date.now();
  total = 0;
  add(n = 1): void {
    this.count += n;
    this.total += n;
  }
  /** events per second since the last call */
  take(): number {
    const now = Date.now();
    const rate = (this.count * 1000) / Math.max(1, now - this.since);
    this.count = 0;
    this.since = now;
    return rate;
  }
}

/** Runs fn every ms while the node lives (status lines, housekeeping); stops on close. */
export function every(node: Node, ms: number, fn: () => void): void {
  const timer = setInterval(fn, ms);
  node.on('close', (_removed, done) => {
    clearInterval(timer);
    done();
  });
}

/** The site model of a node's twin-site config node, or an error saying what to fix. */
export function requireSite<T extends { model?: unknown }>(RED: NodeAPI, id: string | undefined): NonNullable<T['model']> {
  const site = requireConfig<T>(RED, id, 'площадка (twin-site)');
  if (!site.model) throw new Error('площадка настроена с ошибкой: откройте узел twin-site / the site config node has an error');
  return site.model as NonNullable<T['model']>;
}

/**
 * Registers a node type. setup runs in Node-RED's constructor; a configuration error it throws
 * shows on the node (red status) and in the log, and the node stays idle instead of crashing the flow.
 */
export function registerTwinNode<N extends Node, C>(
  RED: NodeAPI,
  type: string,
  setup: (node: N, config: C) => void,
  opts?: { credentials?: Record<string, { type: 'text' | 'password' }> },
): void {
  function TwinNode(this: N, config: C) {
    RED.nodes.createNode(this, config);
    try {
      setup(this, config);
    } catch (err) {
      failConfig(this, err);
    }
  }
  RED.nodes.registerType(type, TwinNode, opts);
}
