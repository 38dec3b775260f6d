// The coordinator's side of the OffsetStore: appends as values (NONE or the GroupError a client
// acts on, never an exception), and the appends in flight, which close() waits for.
import { LogErrorCode } from '../../log/log-errors.js';
import { isWharfError } from '../../util/wharf-error.js';
import { GroupError } from './group-errors.js';
import type { OffsetStore, OffsetStoreEntry } from './offset-store.js';

export class StoreWriter {
  private readonly store: OffsetStore;
  private readonly onError: (error: unknown, action: string) => void;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(store: OffsetStore, onError: (error: unknown, action: string) => void) {
    this.store = store;
    this.onError = onError;
  }

  /**
   * Appends and resolves NONE once the entries are durable. A batch too large for the log is
   * INVALID_COMMIT_OFFSET_SIZE; any other failure (disk, closed log) COORDINATOR_NOT_AVAILABLE,
   * which clients retry after finding the coordinator again (Kafka answers a storage error on
   * its offsets partition with NOT_COORDINATOR; a single node has no other coordinator to offer).
   */
  async append(entries: readonly OffsetStoreEntry[], action: string): Promise<GroupError> {
    if (entries.length === 0) return GroupError.NONE;
    let appended: Promise<void>;
    try {
      appended = this.store.append(entries);
    } catch (err) {
      appended = Promise.reject(err);
    }
    this.inFlight.add(appended);
    try {
      await appended;
      return GroupError.NONE;
    } catch (err) {
      this.onError(err, action);
      return isWharfError(err, LogErrorCode.BATCH_TOO_LARGE) ? GroupError.INVALID_COMMIT_OFFSET_SIZE : GroupError.COORDINATOR_NOT_AVAILABLE;
    } finally {
      this.inFlight.delete(appended);
    }
  }

  /** Settles once every append started so far has. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
