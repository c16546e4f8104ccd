/** The interfaces our config nodes offer to the nodes that use them. */
import type { MqttClient } from 'mqtt';
import type { Node } from './red';
import type { SiteModel } from '../lib/site';
import type { UnitConfig } from '../lib/units';
import type { OnecTransport } from '../lib/onec/contract';
import type { AckLedger } from '../lib/ack-ledger';
import type { DropWatch } from '../lib/broker-drops';
import type { DbLease } from '../lib/store/db-lease';

export interface SiteNode extends Node {
  model?: SiteModel;
}

export interface UnitNode extends Node {
  unit?: UnitConfig;
  /** id of the unit's site (for its telemetry topic) */
  siteId?: string;
}

/** A node's hold on the database (lib/store/db-lease.ts). */
export type { DbLease };

export interface DatabaseNode extends Node {
  lease(): DbLease;
}

export interface BrokerNode extends Node {
  client?: MqttClient;
  url?: string;
  /** nodes show the connection state through this (warning: connected, but the broker dropped messages lately); returns the unsubscribe */
  onStatus(cb: (connected: boolean, text: string, warning?: boolean) => void): () => void;
  /** messages an external broker reported dropped ($SYS), absent with the embedded broker */
  drops?: DropWatch;
  /** held QoS 1 acks (absent when acks go out on receipt) */
  acks?: AckLedger;
  /** a token for msg.ackId when the ack of this received packet waits for a store; undefined: acked on receipt */
  holdAck?(packet: { qos: number; messageId?: number }): number | undefined;
}

export interface OnecNode extends Node {
  /** the SOAP or folder transport, or why there is none (nothing configured) */
  transport(): { transport: OnecTransport; label: string } | { problem: string };
}
