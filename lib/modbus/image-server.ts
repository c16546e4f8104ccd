import { ServerTCP } from 'modbus-serial';

/**
 * A Modbus TCP server answering from register images (one per unit id): the simulator serves its
 * gensets this way, and tests stand it in for a controller. Unmapped registers read 0.
 */
export class RegisterImageServer {
  private images = new Map<number, Map<string, number>>();
  private server?: ServerTCP;

  /** Replaces the image of one unit id (keys "holding:4835" as encode() makes them). */
  setImage(unitId: number, image: Map<string, number>): void {
    this.images.set(unitId, image);
  }

  private word(fn: string, addr: number, unitId: number): number {
    const img = this.images.get(unitId);
    if (!img) throw Object.assign(new Error(`unit id ${unitId} not served`), { modbusErrorCode: 0x0b });
    return img.get(`${fn}:${addr}`) ?? 0;
  }

  start(port: number, host = '127.0.0.1'): Promise<void> {
    return new Promise((resolve, reject) => {
      const many = (fn: string) => (addr: number, length: number, unitId: number) =>
        Array.from({ length }, (_, i) => this.word(fn, addr + i, unitId));
      this.server = new ServerTCP(
        {
          getHoldingRegister: (addr: number, unitId: number) => this.word('holding', addr, unitId),
          getInputRegister: (addr: number, unitId: number) => this.word('input', addr, unitId),
          getMultipleHoldingRegisters: many('holding'),
          getMultipleInputRegisters: many('input'),
          getCoil: (addr: number, unitId: number) => this.word('coil', addr, unitId) === 1,
          getDiscreteInput: (addr: number, unitId: number) => this.word('discrete', addr, unitId) === 1,
        },
        { host, port, unitID: 255 },
      );
      // The typings list only some of the events the server emits.
      const events = this.server as unknown as NodeJS.EventEmitter;
      events.on('initialized', () => resolve());
      events.on('serverError', (err: Error) => reject(err));
      events.on('socketError', () => undefined);
      events.on('error', () => undefined);
    });
  }

  close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    return new Promise((resolve) => (s ? s.close(() => resolve()) : resolve()));
  }
}
