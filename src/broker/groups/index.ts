// Public surface of the group coordinator: what the Kafka handlers, the broker wiring and the CLI use.
export { GroupCoordinator } from './group-coordinator.js';
export { GROUP_COORDINATOR_DEFAULTS, type GroupCoordinatorOptions } from './coordinator-options.js';
export { GroupError, GroupErrorCode } from './group-errors.js';
export type * from './group-types.js';
export type { OffsetStore, OffsetStoreEntry, OffsetStoreReplay, OffsetValue, StoredGroup, StoredMember } from './offset-store.js';
export { MemoryOffsetStore } from './memory-offset-store.js';
export { LogOffsetStore, OFFSETS_LOG_CONFIG, OFFSETS_LOG_NAME, type LogOffsetStoreOptions } from './log-offset-store.js';
export { planOffsetReset, type OffsetResetSource, type OffsetResetSpec, type PartitionBounds, type PlannedOffset } from './offset-reset.js';
export { CONSUMER_PROTOCOL_TYPE, subscribedTopicsOf } from './consumer-subscription.js';
export { systemTimers, type Clock, type TimerDriver } from './deadline-queue.js';
export { ManualTime } from './manual-time.js';
