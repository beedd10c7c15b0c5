package io.spillway.api;

/**
 * Thrown when a spill would take the manager's store past its quota ({@link SpillConfig#maxStoreBytes()},
 * {@link SpillManager#setMaxStoreBytes(long)}). The message names the segment, the store and the quota: its limit,
 * what the store holds, what spills under way have reserved, and the bytes this spill wanted. Nothing was written;
 * the segment stays resident, as after any failed spill ({@link SpillStoreException}).
 */
public class StoreQuotaExceededException extends SpillStoreException {
  private static final long serialVersionUID = 1L;

  private final long maxStoreBytes;
  private final long storeUsage;
  private final long reservedBytes;
  private final long requestedBytes;

  /**
   * @param store the store's name, for the message
   * @param maxStoreBytes the quota
   * @param storeUsage what the store held ({@link io.spillway.api.spi.SpillStore#usage()})
   * @param reservedBytes what other spills under way had reserved
   * @param requestedBytes the stored size (frame included) this spill wanted
   */
  public StoreQuotaExceededException(String segment, String store, long maxStoreBytes, long storeUsage,
      long reservedBytes, long requestedBytes) {
    super("Cannot spill segment '" + segment + "' to store '" + store + "': its " + requestedBytes
        + " bytes would pass the store quota (maxStoreBytes) of " + maxStoreBytes + " bytes; the store holds "
        + storeUsage + " bytes and spills under way have reserved " + reservedBytes + " more", segment, null, null);
    this.maxStoreBytes = maxStoreBytes;
    this.storeUsage = storeUsage;
    this.reservedBytes = reservedBytes;
    this.requestedBytes = requestedBytes;
  }

  /** The quota in force when the spill was refused. */
  public long maxStoreBytes() {
    return maxStoreBytes;
  }

  /** The bytes the store held then. */
  public long storeUsage() {
    return storeUsage;
  }

  /** The bytes other spills under way had reserved then. */
  public long reservedBytes() {
    return reservedBytes;
  }

  /** The bytes this spill would have stored (frame included). */
  public long requestedBytes() {
    return requestedBytes;
  }
}
