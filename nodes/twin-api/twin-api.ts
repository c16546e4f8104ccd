import express, { Request, Response } from 'express';
import { NodeAPI, Node, registerTwinNode } from '../red';
import { DatabaseNode, DbLease } from '../config-types';
import { apiRoutes, ApiContext, FileReply } from '../../lib/api/routes';
import { ApiError } from '../../lib/api/params';
import { Role, atLeast } from '../../lib/runtime/auth';
import { roleRefusal, clientAddress } from '../../lib/runtime/http-auth';
import { userStore } from '../../lib/runtime/users';
import { auditTrail } from '../../lib/audit';
import { writeGuard } from '../../lib/runtime/write-guard';
import { errorAnswer } from '../../lib/runtime/http-errors';
import { siteWithConfig } from '../site-config';

interface ApiConfig {
  site: string;
  database: string;
  /** the twin-economics / twin-maintenance-program config nodes it uses (empty in flows saved before them) */
  economics?: string;
  program?: string;
}

/** Removes this node's routes from Node-RED's HTTP router (as the core http-in node does on close). */
function removeRoutes(RED: NodeAPI, paths: string[]): void {
  const router = RED.httpNode._router;
  if (!router) return;
  router.stack = router.stack.filter((layer) => !(layer.route && paths.includes(layer.route.path)));
}

const parseBody = [writeGuard, express.json({ limit: '1mb' }), express.text({ type: 'text/csv', limit: '2mb' })];

/** The REST API of DESIGN.md ("REST API (out)") for one site. */
export = (RED: NodeAPI) =>
  registerTwinNode<Node, ApiConfig>(RED, 'twin-api', (node, config) => {
    const site = siteWithConfig(RED, node, config, { economics: true, programs: true });
    const database = config.database ? (RED.nodes.getNode(config.database) as DatabaseNode | null) : null;
    const lease: DbLease | undefined = database?.lease();
    const ctx: ApiContext = {
      site,
      now: () => Date.now(),
      audit: (entry) => void auditTrail.record(entry),
      users: userStore,
      db: () =>
        lease
          ? lease.connect().catch((err: Error) => {
              throw new ApiError(503, `база данных недоступна, повторите позже: ${err.message} / database unavailable`);
            })
          : Promise.reject(new ApiError(503, 'база данных не выбрана в узле twin-api / no database configured')),
    };
    const routes = apiRoutes(ctx);
    for (const route of routes) {
      RED.httpNode[route.method](route.path, ...(route.method === 'post' ? parseBody : []), (req: Request, res: Response) => {
        const { twinUser, twinRole } = req as Request & { twinUser?: string; twinRole?: Role };
        // The route's own role decides, whatever case or form of its path matched (the login layer sets twinRole).
        if (twinRole !== undefined && !atLeast(twinRole, route.role)) {
          res.status(403).json({ error: roleRefusal(route.role, twinRole) });
          return;
        }
        const user = twinUser ?? 'anonymous';
        route.handle({ query: req.query as Record<string, unknown>, params: req.params, body: req.body, user, address: clientAddress(req) }).then(
          (body) => {
            if (body instanceof FileReply) {
              res.attachment(body.filename).type(body.contentType).send(body.body);
              return;
            }
            res.json(body);
          },
          (err: Error) => {
            if (err instanceof ApiError) {
              res.status(err.status).json({ error: err.message });
              return;
            }
            const answer = errorAnswer(err);
            if (answer.status >= 500) node.error(`${req.method} ${route.path}: ${err.message}`);
            else node.warn(`${req.method} ${route.path}: ${err.message}`);
            res.status(answer.status).json({ error: answer.error });
          },
        );
      });
    }
    node.status({ fill: 'green', shape: 'dot', text: `/api/v1: ${routes.length} маршрутов` });
    node.on('close', (_removed, done) => {
      removeRoutes(RED, routes.map((r) => r.path));
      void (lease?.release() ?? Promise.resolve()).then(() => done());
    });
  });
