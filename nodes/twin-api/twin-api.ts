import type { Request, Response } from 'express';
import { NodeAPI, Node, requireSite, registerTwinNode } from '../red';
import { SiteNode } from '../config-types';
import { localDate } from '../../lib/site';

interface ApiConfig {
  site: string;
}

const API_ROOT = '/api/v1';

/** Removes this node's routes from Node-RED's HTTP router (as the core http-in node does on close). */
function removeRoutes(RED: NodeAPI, paths: string[]): void {
  const router = RED.httpNode._router;
  if (!router) return;
  router.stack = router.stack.filter((layer) => !(layer.route && paths.includes(layer.route.path)));
}

/** The read-only REST API of DESIGN.md ("REST API (out)") for one site. */
export = (RED: NodeAPI) =>
  registerTwinNode<Node, ApiConfig>(RED, 'twin-api', (node, config) => {
    const model = requireSite<SiteNode>(RED, config.site);
    const routes: Record<string, (req: Request, res: Response) => void> = {
      [`${API_ROOT}/fleet`]: (_req, res) => {
        res.json(model.fleet(Date.now()));
      },
      [`${API_ROOT}/site`]: (_req, res) => {
        res.json(model.describe(localDate(Date.now(), model.tz)));
      },
    };
    for (const [path, handler] of Object.entries(routes)) {
      RED.httpNode.get(path, (req: Request, res: Response) => {
        try {
          handler(req, res);
        } catch (err) {
          node.error(`${path}: ${(err as Error).message}`);
          res.status(500).json({ error: 'внутренняя ошибка, подробности в журнале Node-RED / internal error, see the Node-RED log' });
        }
      });
    }
    node.status({ fill: 'green', shape: 'dot', text: `${API_ROOT}/fleet, /site` });
    node.on('close', (_removed, done) => {
      removeRoutes(RED, Object.keys(routes));
      done();
    });
  });
