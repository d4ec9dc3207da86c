// The few parts of the `ws` package (8.x) the classroom client uses (no @types/ws in the kit).
declare module "ws" {
  import { EventEmitter } from "node:events";
  export default class WebSocket extends EventEmitter {
    constructor(url: string, options?: { headers?: Record<string, string> });
    send(data: string): void;
    close(): void;
  }
}
