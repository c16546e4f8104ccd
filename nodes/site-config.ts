/**
 * The site as a node sees it with the config nodes it references: twin-economics (fixed costs) and
 * twin-maintenance-program (a program). Config nodes keep what they hold; they write nothing into
 * the twin-site node. A node saved before the reference existed (property empty) takes every such
 * config node of its site, with a warning saying to pick one.
 */
import { NodeAPI, Node, requireConfig, requireSite } from './red';
import { SiteNode } from './config-types';
import { SiteModel, Economics } from '../lib/site';
import type { MaintenanceProgram } from '../lib/maintenance';

export interface EconomicsNode extends Node {
  /** the fixed costs the node holds (absent when its form has an error) */
  costs?: Partial<Economics>;
  siteId?: string;
}

export interface ProgramNode extends Node {
  program?: MaintenanceProgram;
  siteId?: string;
}

interface Refs {
  site: string;
  economics?: string;
  program?: string;
}

const TYPES = {
  economics: { type: 'twin-economics', what: 'затраты (twin-economics)', field: 'Затраты' },
  program: { type: 'twin-maintenance-program', what: 'программа ТО (twin-maintenance-program)', field: 'Программа ТО' },
} as const;

/**
 * The ids of the config nodes a node uses for `kind`: the one it references (checked to exist and
 * to belong to its site), else, for an old flow, a function listing every one of its site (read at
 * each use) after a warning.
 */
function configIds(RED: NodeAPI, node: Node, refs: Refs, kind: keyof typeof TYPES): () => string[] {
  const t = TYPES[kind];
  const id = refs[kind];
  if (id) {
    const n = requireConfig<EconomicsNode | ProgramNode>(RED, id, t.what);
    if (n.siteId !== undefined && n.siteId !== refs.site) throw new Error(`${t.what} «${n.name || id}» настроена для другой площадки: выберите узел своей площадки / the ${t.type} node belongs to another site`);
    return () => [id];
  }
  const ofSite = () => {
    const ids: string[] = [];
    RED.nodes.eachNode((n) => {
      if (n.type === t.type && n.site === refs.site) ids.push(n.id);
    });
    return ids;
  };
  const found = ofSite();
  if (found.length) {
    node.warn(`не выбран узел «${t.field}»: взяты все узлы ${t.type} площадки (${found.length}); выберите узел в свойствах и разверните поток / no ${t.type} selected, using every one of the site`);
  }
  return ofSite;
}

/** The node's site with the economics and/or programs of the config nodes it references. */
export function siteWithConfig(RED: NodeAPI, node: Node, refs: Refs, uses: { economics?: boolean; programs?: boolean }): SiteModel {
  const site = requireSite<SiteNode>(RED, refs.site);
  const economics = uses.economics ? configIds(RED, node, refs, 'economics') : undefined;
  const programs = uses.programs ? configIds(RED, node, refs, 'program') : undefined;
  const nodes = <T>(ids: string[]) => ids.map((id) => RED.nodes.getNode(id) as T | null).filter((n): n is NonNullable<T> => Boolean(n));
  return site.scoped({
    economics:
      economics &&
      (() => {
        const out: Partial<Economics> = {};
        for (const n of nodes<EconomicsNode>(economics())) for (const [k, v] of Object.entries(n.costs ?? {})) out[k as keyof Economics] = [...(out[k as keyof Economics] ?? []), ...(v ?? [])];
        return out;
      }),
    programs: programs && (() => nodes<ProgramNode>(programs()).flatMap((n) => (n.program ? [n.program] : []))),
  });
}
