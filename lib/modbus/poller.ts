import ModbusRTU from 'modbus-serial';
import { ResolvedSignal, ReadBlock, ReadResult, planReads, decode, WordOrder } from './register-map';

export interface PollerOptions {
  host: string;
  port: number;
  unitId: number;
  intervalMs: number;
  timeoutMs: number;
  signals: ResolvedSignal[];
  wordOrder?: WordOrder;
  maxGap?: number;
  /** a poll's decoded values, stamped with the time the poll began (epoch ms) */
  onValues: (ts: number, values: Record<string, number>) => void;
  /** connection state for the node's status: ok, or what is wrong in words */
  onStatus: (ok: boolean, text: string, retryMs?: number) => void;
}

/** The part of modbus-serial's client the poller uses (a fake stands in for it in tests). */
export interface ModbusClient {
  connectTCP(host: string, options: { port: number }): Promise<void>;
  setID(id: number): void;
  setTimeout(ms: number): void;
  readHoldingRegisters(address: number, length: number): Promise<{ data: number[] }>;
  readInputRegisters(address: number, length: number): Promise<{ data: number[] }>;
  readCoils(address: number, length: number): Promise<{ data: boolean[] }>;
  readDiscreteInputs(address: number, length: number): Promise<{ data: boolean[] }>;
  close(cb: () => void): void;
  isOpen: boolean;
}

/** What went wrong, in words the engineer can act on. */
export function describeModbusError(err: Error & { code?: string; errno?: string; modbusCode?: number }, o: { host: string; port: number; timeoutMs: number }): string {
  if (err.code === 'ECONNREFUSED') return `соединение отклонено ${o.host}:${o.port}: проверьте адрес, порт и питание шлюза / connection refused`;
  if (err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH') return `узел ${o.host} недоступен: проверьте сеть / host unreachable`;
  if (err.modbusCode === 2) return 'неверный адрес регистра (исключение Modbus 2): проверьте карту регистров / illegal data address';
  if (err.modbusCode === 1) return 'функция не поддерживается (исключение Modbus 1): holding/input в карте перепутаны? / illegal function';
  if (err.modbusCode === 10 || err.modbusCode === 11) {
    return `шлюз не получил ответа от устройства (исключение Modbus ${err.modbusCode}): проверьте unit id и линию за шлюзом / gateway target did not respond`;
  }
  if (err.modbusCode !== undefined) return `исключение Modbus ${err.modbusCode}: ${err.message} / Modbus exception`;
  if (err.name === 'TransactionTimedOutError' || err.errno === 'ETIMEDOUT' || err.code === 'ETIMEDOUT' || /timed out/i.test(err.message)) {
    return `нет ответа за ${o.timeoutMs} мс: проверьте unit id и связь / timeout`;
  }
  if (err.code === 'ECONNRESET' || /port not open|closed/i.test(err.message)) return 'соединение разорвано, переподключение / connection lost';
  return err.message;
}

const MAX_BACKOFF_MS = 30_000;

/** Wait before reconnect attempt n (1-based): 1 s, 2 s, 4 s … at most 30 s. */
export function backoffMs(failures: number): number {
  return Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (failures - 1));
}

/**
 * Polls one controller: the reads of its register map in as few requests as the protocol allows,
 * decoded into canonical values. A controller that does not answer is reconnected with backoff
 * (1 s, 2 s, 4 s … 30 s); no values are sent meanwhile, so the twin sees «Нет связи».
 */
export class ModbusPoller {
  readonly blocks: ReadBlock[];
  private client?: ModbusClient;
  private timer?: NodeJS.Timeout;
  private failures = 0;
  private stopped = false;
  /** requests sent, for the node's status and the benchmark */
  requests = 0;

  constructor(private o: PollerOptions, private newClient: () => ModbusClient = () => new ModbusRTU() as unknown as ModbusClient) {
    this.blocks = planReads(o.signals, o.maxGap ?? 0);
  }

  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.dropClient();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.poll(), ms);
  }

  private async dropClient(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (c?.isOpen) await new Promise<void>((r) => c.close(() => r()));
  }

  private async read(c: ModbusClient, b: ReadBlock): Promise<ReadResult> {
    this.requests++;
    switch (b.fn) {
      case 'holding':
        return { ...b, data: (await c.readHoldingRegisters(b.start, b.count)).data };
      case 'input':
        return { ...b, data: (await c.readInputRegisters(b.start, b.count)).data };
      case 'coil':
        return { ...b, data: (await c.readCoils(b.start, b.count)).data.slice(0, b.count).map(Number) };
      case 'discrete':
        return { ...b, data: (await c.readDiscreteInputs(b.start, b.count)).data.slice(0, b.count).map(Number) };
    }
  }

  private async poll(): Promise<void> {
    const started = Date.now();
    try {
      if (!this.client) {
        const c = this.newClient();
        c.setTimeout(this.o.timeoutMs);
        await c.connectTCP(this.o.host, { port: this.o.port });
        if (this.stopped) {
          // stop() came while connecting: this socket is ours to close (gateways allow few clients).
          await new Promise<void>((r) => c.close(() => r()));
          return;
        }
        c.setID(this.o.unitId);
        this.client = c;
      }
      const results: ReadResult[] = [];
      for (const b of this.blocks) results.push(await this.read(this.client, b));
      if (this.stopped) return;
      this.o.onValues(started, decode(this.o.signals, results, this.o.wordOrder));
      if (this.failures > 0) this.failures = 0;
      this.o.onStatus(true, `${this.o.host}:${this.o.port} #${this.o.unitId}: ${this.blocks.length} запр./опрос`);
      this.schedule(Math.max(0, started + this.o.intervalMs - Date.now()));
    } catch (err) {
      if (this.stopped) return;
      this.failures++;
      const retryMs = backoffMs(this.failures);
      this.o.onStatus(false, describeModbusError(err as Error, this.o), retryMs);
      await this.dropClient().catch(() => undefined);
      this.schedule(retryMs);
    }
  }
}
