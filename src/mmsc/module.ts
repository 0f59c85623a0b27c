import type { MmscCore } from './mmsc-core.ts';
import type { MmscEndpoint, RoutedModule } from './routed-module.ts';

export type {
  DeliveryOutcome,
  MmscEndpoint,
  OriginReport,
  OutboundDelivery,
  RoutedModule,
} from './routed-module.ts';

/**
 * An interface module of the reference MMSC (see routed-module.ts). The core routes to a module
 * through RoutedModule alone, so the core does not import this file (no cycle).
 */
export interface MmscModule extends RoutedModule {
  /** Starts listening; `core` gives access to config, store, routing and the timeline. */
  start(core: MmscCore): Promise<MmscEndpoint[]>;
}
