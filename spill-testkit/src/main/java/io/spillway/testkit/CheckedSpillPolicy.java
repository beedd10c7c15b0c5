package io.spillway.testkit;

import io.spillway.api.spi.SpillPolicy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * A {@link SpillPolicy} that forwards every call to the policy under test and checks each answer of
 * {@link #selectVictims} against the contract, using its own simple model of which segments exist, which are
 * resident and how large they are.
 *
 * <p>The model checks the contract, never the ranking: it accepts any choice of victims that a correct policy
 * could make. What it checks on every {@code selectVictims(bytesToFree, eligible)}:
 * <ul>
 *   <li>the list is not null and, when {@code bytesToFree <= 0}, empty;
 *   <li>every name is known (admitted and not removed since), resident (not spilled), accepted by
 *       {@code eligible}, and appears once;
 *   <li>when the eligible resident segments together hold fewer than {@code bytesToFree} bytes, all of them are
 *       returned;
 *   <li>otherwise the victims' sizes add up to at least {@code bytesToFree}, and without the last victim they
 *       would not: the policy stopped as soon as the target was reached.
 * </ul>
 * It also checks each {@link #accessHandle} answer (see there) and refuses, as a test mistake, an access by a
 * handle that no known segment holds. Sizes are those of the latest {@link #onAdmit} or {@link #onResize}, whether the resize happened while the
 * segment was resident or spilled. A broken contract fails with an {@link AssertionError} that names the
 * request, the answer and the model's view.
 *
 * <p>The events themselves must follow the lifecycle {@link SpillPolicy} describes, as the core guarantees: an
 * admitted name is not known yet, only resident segments are accessed or spilled, only spilled ones are reloaded,
 * a resize states the current size as {@code oldSize}. A call that breaks it is a mistake in the test, reported
 * with {@link IllegalStateException} before the policy under test sees it. {@code eligible} must be a pure
 * function of the name, because the model asks it again.
 *
 * <p>Not thread-safe, like the policies it wraps. The list returned by {@link #selectVictims} is the wrapped
 * policy's own list, unchanged, so that a test can check that it stays valid while the victims are spilled.
 */
public final class CheckedSpillPolicy implements SpillPolicy {
  private final SpillPolicy delegate;
  private final Map<String, Long> sizes = new HashMap<>();
  private final Set<String> resident = new HashSet<>();
  /** The access handles the policy gave, by segment and by handle; a segment leaves both on removal. */
  private final Map<String, Integer> handles = new HashMap<>();
  private final Map<Integer, String> segmentsByHandle = new HashMap<>();

  /**
   * Wraps {@code delegate}, which must be a new policy that has not been told of any segment yet.
   *
   * @throws NullPointerException if {@code delegate} is null
   */
  public CheckedSpillPolicy(SpillPolicy delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** The policy under test. */
  public SpillPolicy delegate() {
    return delegate;
  }

  @Override
  public void onAdmit(String segment, long size) {
    if (sizes.containsKey(segment)) {
      throw new IllegalStateException("test mistake: " + segment + " is already known; remove it first");
    }
    if (size < 0) {
      throw new IllegalStateException("test mistake: negative size " + size + " for " + segment);
    }
    sizes.put(segment, size);
    resident.add(segment);
    delegate.onAdmit(segment, size);
  }

  @Override
  public void onAccess(String segment) {
    requireResident(segment, "accessed");
    delegate.onAccess(segment);
  }

  /**
   * Asks the wrapped policy for the segment's access handle and checks it: {@link #NO_HANDLE} or zero or more, the
   * same each time it is asked until the segment is removed, and held by no other known segment.
   *
   * @throws AssertionError if the answer breaks the contract of {@link SpillPolicy#accessHandle}
   */
  @Override
  public int accessHandle(String segment) {
    if (!sizes.containsKey(segment)) {
      throw new IllegalStateException("test mistake: access handle of unknown segment " + segment);
    }
    int handle = delegate.accessHandle(segment);
    if (handle < NO_HANDLE) {
      throw new AssertionError("access handle of " + segment + " is " + handle + ", neither NO_HANDLE nor >= 0");
    }
    Integer earlier = handles.get(segment);
    if (earlier != null && earlier != handle) {
      throw new AssertionError("access handle of " + segment + " changed from " + earlier + " to " + handle
          + " although the segment was not removed");
    }
    if (handle >= 0) {
      String holder = segmentsByHandle.putIfAbsent(handle, segment);
      if (holder != null && !holder.equals(segment)) {
        throw new AssertionError("access handle " + handle + " given to " + segment + " while " + holder
            + " still holds it");
      }
    }
    handles.put(segment, handle);
    return handle;
  }

  @Override
  public void onAccess(int handle) {
    requireResident(segmentOf(handle), "accessed");
    delegate.onAccess(handle);
  }

  @Override
  public void onAccess(int[] handles, int count) {
    for (int i = 0; i < count; i++) {
      requireResident(segmentOf(handles[i]), "accessed");
    }
    delegate.onAccess(handles, count);
  }

  private String segmentOf(int handle) {
    String segment = segmentsByHandle.get(handle);
    if (segment == null) {
      throw new IllegalStateException("test mistake: access by handle " + handle + ", which no known segment holds");
    }
    return segment;
  }

  @Override
  public void onResize(String segment, long oldSize, long newSize) {
    Long current = sizes.get(segment);
    if (current == null) {
      throw new IllegalStateException("test mistake: resize of unknown segment " + segment);
    }
    if (current != oldSize) {
      throw new IllegalStateException(
          "test mistake: " + segment + " has size " + current + ", not " + oldSize + " as the resize states");
    }
    if (newSize < 0) {
      throw new IllegalStateException("test mistake: negative size " + newSize + " for " + segment);
    }
    sizes.put(segment, newSize);
    delegate.onResize(segment, oldSize, newSize);
  }

  @Override
  public void onSpill(String segment) {
    requireResident(segment, "spilled");
    resident.remove(segment);
    delegate.onSpill(segment);
  }

  @Override
  public void onReload(String segment) {
    if (!isSpilled(segment)) {
      throw new IllegalStateException("test mistake: only a spilled segment can be reloaded, not " + describe(segment));
    }
    resident.add(segment);
    delegate.onReload(segment);
  }

  @Override
  public void onRemove(String segment) {
    if (sizes.remove(segment) == null) {
      throw new IllegalStateException("test mistake: remove of unknown segment " + segment);
    }
    resident.remove(segment);
    Integer handle = handles.remove(segment);
    if (handle != null) {
      segmentsByHandle.remove(handle);
    }
    delegate.onRemove(segment);
  }

  /**
   * Asks the wrapped policy for victims and checks its answer against the contract.
   *
   * @throws AssertionError if the answer breaks the contract of {@link SpillPolicy#selectVictims}
   */
  @Override
  public List<String> selectVictims(long bytesToFree, Predicate<String> eligible) {
    List<String> victims = delegate.selectVictims(bytesToFree, eligible);
    check(bytesToFree, eligible, victims);
    return victims;
  }

  /** Admits each of {@code segments} with {@code size} bytes, in order. */
  public void admit(long size, String... segments) {
    for (String segment : segments) {
      onAdmit(segment, size);
    }
  }

  /** Accesses each of {@code segments}, in order. */
  public void access(String... segments) {
    for (String segment : segments) {
      onAccess(segment);
    }
  }

  /** Spills each of {@code segments}, in order. */
  public void spill(String... segments) {
    for (String segment : segments) {
      onSpill(segment);
    }
  }

  /** Reloads each of {@code segments}, in order. */
  public void reload(String... segments) {
    for (String segment : segments) {
      onReload(segment);
    }
  }

  /** Resizes {@code segment} to {@code newSize}, stating the size the model knows as the old one. */
  public void resize(String segment, long newSize) {
    Long current = sizes.get(segment);
    if (current == null) {
      throw new IllegalStateException("test mistake: resize of unknown segment " + segment);
    }
    onResize(segment, current, newSize);
  }

  /** Checked {@link #selectVictims} with every segment eligible. */
  public List<String> victims(long bytesToFree) {
    return selectVictims(bytesToFree, segment -> true);
  }

  /**
   * The order in which the policy would spill every resident segment: checked victims for
   * {@link Long#MAX_VALUE} bytes, with every segment eligible.
   */
  public List<String> ranking() {
    return victims(Long.MAX_VALUE);
  }

  /** Whether {@code segment} was admitted and not removed since. */
  public boolean isKnown(String segment) {
    return sizes.containsKey(segment);
  }

  /** Whether {@code segment} is known and resident. */
  public boolean isResident(String segment) {
    return resident.contains(segment);
  }

  /** Whether {@code segment} is known and spilled. */
  public boolean isSpilled(String segment) {
    return sizes.containsKey(segment) && !resident.contains(segment);
  }

  /**
   * The size the model holds for {@code segment}.
   *
   * @throws IllegalStateException if the segment is not known
   */
  public long size(String segment) {
    Long size = sizes.get(segment);
    if (size == null) {
      throw new IllegalStateException("unknown segment " + segment);
    }
    return size;
  }

  /** A sorted snapshot of the resident segments. */
  public Set<String> residentSegments() {
    return Collections.unmodifiableSet(new TreeSet<>(resident));
  }

  /** A sorted snapshot of the spilled segments. */
  public Set<String> spilledSegments() {
    Set<String> spilled = new TreeSet<>(sizes.keySet());
    spilled.removeAll(resident);
    return Collections.unmodifiableSet(spilled);
  }

  private void check(long bytesToFree, Predicate<String> eligible, List<String> victims) {
    if (victims == null) {
      throw new AssertionError("SpillPolicy contract broken by " + delegate.getClass().getName() + ": selectVictims("
          + bytesToFree + ", ...) returned null instead of a list");
    }
    if (bytesToFree <= 0) {
      if (!victims.isEmpty()) {
        throw failure(bytesToFree, victims, "nothing must be chosen when bytesToFree <= 0");
      }
      return;
    }
    Set<String> seen = new LinkedHashSet<>();
    for (String victim : victims) {
      if (!seen.add(victim)) {
        throw failure(bytesToFree, victims, "victim " + victim + " appears more than once");
      }
      if (!isResident(victim)) {
        throw failure(bytesToFree, victims, "victim " + victim + " is " + describe(victim));
      }
      if (!eligible.test(victim)) {
        throw failure(bytesToFree, victims, "victim " + victim + " is not accepted by the eligibility predicate");
      }
    }
    List<String> candidates = new ArrayList<>();
    long eligibleTotal = 0;
    for (String segment : resident) {
      if (eligible.test(segment)) {
        candidates.add(segment);
        eligibleTotal = saturatedAdd(eligibleTotal, sizes.get(segment));
      }
    }
    if (eligibleTotal < bytesToFree) {
      if (seen.size() != candidates.size()) {
        Set<String> missing = new TreeSet<>(candidates);
        missing.removeAll(seen);
        throw failure(bytesToFree, victims, "the eligible resident segments hold only " + eligibleTotal
            + " bytes, so all of them must be returned; missing " + missing);
      }
      return;
    }
    long freed = 0;
    for (String victim : victims) {
      freed = saturatedAdd(freed, sizes.get(victim));
    }
    if (freed < bytesToFree) {
      throw failure(bytesToFree, victims, "the victims free only " + freed + " bytes although the eligible "
          + "resident segments hold " + eligibleTotal);
    }
    String last = victims.get(victims.size() - 1);
    long beforeLast = freed == Long.MAX_VALUE ? sumWithout(victims, victims.size() - 1) : freed - sizes.get(last);
    if (beforeLast >= bytesToFree) {
      throw failure(bytesToFree, victims, "the victims before " + last + " already free " + beforeLast
          + " bytes: the policy must stop once the target is reached");
    }
  }

  private long sumWithout(List<String> victims, int skipped) {
    long sum = 0;
    for (int i = 0; i < victims.size(); i++) {
      if (i != skipped) {
        sum = saturatedAdd(sum, sizes.get(victims.get(i)));
      }
    }
    return sum;
  }

  private AssertionError failure(long bytesToFree, List<String> victims, String problem) {
    StringBuilder view = new StringBuilder();
    for (String segment : new TreeSet<>(sizes.keySet())) {
      if (view.length() > 0) {
        view.append(", ");
      }
      if (view.length() > 2_000) {
        view.append("...");
        break;
      }
      view.append(segment).append('=').append(sizes.get(segment)).append(resident.contains(segment) ? "" : "(spilled)");
    }
    return new AssertionError("SpillPolicy contract broken by " + delegate.getClass().getName() + ": " + problem
        + "\n  selectVictims(" + bytesToFree + ") returned " + victims + "\n  segments: {" + view + "}");
  }

  private String describe(String segment) {
    if (!sizes.containsKey(segment)) {
      return "unknown (never admitted, or removed)";
    }
    return resident.contains(segment) ? "resident" : "spilled";
  }

  private void requireResident(String segment, String event) {
    if (!isResident(segment)) {
      throw new IllegalStateException(
          "test mistake: only a resident segment can be " + event + ", not " + describe(segment) + " " + segment);
    }
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    // Both operands are non-negative, so overflow shows as a negative sum.
    return sum < 0 ? Long.MAX_VALUE : sum;
  }
}
