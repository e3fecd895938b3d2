// The firewall simulator: packets through the tables a script builds (engine.ts), rule conditions
// compiled to closures (compile.ts), and knock verification on top (knock.ts). Pure; no network.
export { Simulator, defaultDst } from './engine';
export type { PacketCtx, CompiledRule } from './compile';
export * from './types';
export * from './knock';
export * from './spec';
export * from './format';
