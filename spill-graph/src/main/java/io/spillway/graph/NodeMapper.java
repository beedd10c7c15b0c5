package io.spillway.graph;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Maps the nodes of a {@link SpillingGraph} to the {@code long} ids its partitions store, and back. The mapping must
 * be injective and stable for the graph's life; {@link #NO_ID} is never an id.
 *
 * <p>{@link #longs()} and {@link #integers()} are the identity and keep nothing in memory: only they make a graph
 * fully compact. {@link #interning()} handles any node type by numbering nodes as they are added; its table of
 * nodes stays on the heap (outside the budget) while the adjacency spills.
 *
 * <p>Implementations must be safe for concurrent {@link #fromId} and {@code toId(node, false)} calls while one
 * thread calls {@code toId(node, true)}.
 *
 * @param <N> the node type
 */
public interface NodeMapper<N> {
  /** The value {@link #toId} returns for a node that has no id; {@code Long.MIN_VALUE}, never a node's id. */
  long NO_ID = Long.MIN_VALUE;

  /**
   * The id of {@code node}. When it has none yet, returns {@link #NO_ID} unless {@code assign}, in which case a
   * mapper that numbers nodes gives it one.
   *
   * @throws IllegalArgumentException if {@code assign} and the node cannot be mapped (for {@link #longs()}:
   *     {@code Long.MIN_VALUE})
   */
  long toId(Object node, boolean assign);

  /** The node of {@code id}, which {@link #toId} returned. */
  N fromId(long id);

  /** The identity on {@code Long}; {@code Long.MIN_VALUE} is not a valid node. */
  static NodeMapper<Long> longs() {
    return LongMapper.INSTANCE;
  }

  /** The identity on {@code Integer}. */
  static NodeMapper<Integer> integers() {
    return IntegerMapper.INSTANCE;
  }

  /** Numbers nodes of any type 0, 1, 2, … as they are first added, holding the two-way table on the heap. */
  static <N> NodeMapper<N> interning() {
    return new InterningMapper<>();
  }
}

/** {@link NodeMapper#longs()}. Internal, may change. */
final class LongMapper implements NodeMapper<Long> {
  static final LongMapper INSTANCE = new LongMapper();

  @Override
  public long toId(Object node, boolean assign) {
    if (!(node instanceof Long)) {
      return NO_ID;
    }
    long id = (Long) node;
    if (id == NO_ID && assign) {
      throw new IllegalArgumentException("Long.MIN_VALUE cannot be a node of a SpillingGraph");
    }
    return id;
  }

  @Override
  public Long fromId(long id) {
    return id;
  }
}

/** {@link NodeMapper#integers()}. Internal, may change. */
final class IntegerMapper implements NodeMapper<Integer> {
  static final IntegerMapper INSTANCE = new IntegerMapper();

  @Override
  public long toId(Object node, boolean assign) {
    return node instanceof Integer ? (Integer) node : NO_ID;
  }

  @Override
  public Integer fromId(long id) {
    return (int) id;
  }
}

/** {@link NodeMapper#interning()}. Internal, may change. */
final class InterningMapper<N> implements NodeMapper<N> {
  private final ConcurrentHashMap<Object, Long> ids = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Long, N> nodes = new ConcurrentHashMap<>();
  private final AtomicLong next = new AtomicLong();

  @Override
  @SuppressWarnings("unchecked")
  public long toId(Object node, boolean assign) {
    Long id = ids.get(node);
    if (id != null) {
      return id;
    }
    if (!assign) {
      return NO_ID;
    }
    return ids.computeIfAbsent(node, n -> {
      long fresh = next.getAndIncrement();
      nodes.put(fresh, (N) n);
      return fresh;
    });
  }

  @Override
  public N fromId(long id) {
    N node = nodes.get(id);
    if (node == null) {
      throw new IllegalArgumentException("no node has id " + id);
    }
    return node;
  }
}
