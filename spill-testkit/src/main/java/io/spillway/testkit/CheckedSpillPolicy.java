package io.spillway.testkit;

import io.spillway.api.spi.SpillPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A {@link SpillPolicy} that forwards every call to the policy under test and checks each answer of
 * {@link #selectVictims} against the contract, using its own simple model of which segments exist, which are
 * resident and how large they are; and a driver that numbers segment names as the core does, so that a test can
 * speak of segments by name.
 *
 * <p><b>Names and ids.</b> The name-level methods ({@link #onAdmit(String, long)}, {@link #onAccess(String)},
 * {@link #victims(long, Predicate)}, {@link #admit}, {@link #ranking()}, ...) give each admitted name an id the way
 * the core does (the most recently freed id first, else the lowest never used) and call the policy by id; answers
 * come back as names. The {@link SpillPolicy} methods take ids, as the core gives them; both kinds may be mixed, and
 * {@link #idOf} tells a name's id.
 *
 * <p>The model checks the contract, never the ranking: it accepts any choice of victims that a correct policy
 * could make. What it checks on every {@code selectVictims(bytesToFree, eligible)}:
 * <ul>
 *   <li>the array is not null and, when {@code bytesToFree <= 0}, empty;
 *   <li>every id is known (admitted and not removed since), resident (not spilled), accepted by {@code eligible},
 *       and appears once;
 *   <li>when the eligible resident segments together hold fewer than {@code bytesToFree} bytes, all of them are
 *       returned;
 *   <li>otherwise the victims' sizes add up to at least {@code bytesToFree}, and without the last victim they
 *       would not: the policy stopped as soon as the target was reached.
 * </ul>
 * A batch of accesses reaches the policy in a copy that is overwritten after the call, as the core reuses its
 * array, so that a policy that keeps the array shows it. Sizes are those of the latest {@link #onAdmit} or
 * {@link #onResize}, whether the resize happened while the segment was resident or spilled. A broken contract fails
 * with an {@link AssertionError} that names the request, the answer and the model's view.
 *
 * <p>The events themselves must follow the lifecycle {@link SpillPolicy} describes, as the core guarantees: an
 * admitted id and name are not in use, the id is below the largest number of segments known at once, only resident
 * segments are accessed or spilled, only spilled ones are reloaded, a resize states the current size as
 * {@code oldSize}. A call that breaks it is a mistake in the test, reported with {@link IllegalStateException}
 * before the policy under test sees it. {@code eligible} must be a pure function of the id, because the model asks
 * it again.
 *
 * <p>Not thread-safe, like the policies it wraps. The array returned by {@link #selectVictims} is the wrapped
 * policy's own, unchanged, so that a test can check that the policy does not change it later.
 */
public final class CheckedSpillPolicy implements SpillPolicy {
  private final SpillPolicy delegate;
  private final SegmentNumbering numbering = new SegmentNumbering();
  /** By id: the size of each known segment. */
  private final Map<Integer, Long> sizes = new HashMap<>();
  private final Set<Integer> resident = new HashSet<>();
  /** The most segments known at once. */
  private int peak;
  private int[] batch = new int[0];

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

  // ------------------------------------------------------------------------------------------ SpillPolicy, by id

  @Override
  public void onAdmit(int segment, String name, long size) {
    Objects.requireNonNull(name, "name");
    if (segment < 0) {
      throw new IllegalStateException("test mistake: negative id " + segment + " for " + name);
    }
    if (sizes.containsKey(segment)) {
      throw new IllegalStateException("test mistake: id " + segment + " is already " + label(segment)
          + "'s; remove it first");
    }
    if (numbering.idOf(name) >= 0) {
      throw new IllegalStateException("test mistake: " + name + " is already known; remove it first");
    }
    if (size < 0) {
      throw new IllegalStateException("test mistake: negative size " + size + " for " + name);
    }
    int peakAfter = Math.max(peak, sizes.size() + 1);
    if (segment >= peakAfter) {
      throw new IllegalStateException("test mistake: id " + segment + " for " + name + ", but ids stay below the"
          + " largest number of segments known at once (" + peakAfter + "), as the core reuses freed ids first");
    }
    numbering.claim(segment, name);
    peak = peakAfter;
    sizes.put(segment, size);
    resident.add(segment);
    delegate.onAdmit(segment, name, size);
  }

  @Override
  public void onAccess(int segment) {
    requireResident(segment, "accessed");
    delegate.onAccess(segment);
  }

  @Override
  public void onAccess(int[] segments, int count) {
    for (int i = 0; i < count; i++) {
      requireResident(segments[i], "accessed");
    }
    if (batch.length < count) {
      batch = new int[count];
    }
    System.arraycopy(segments, 0, batch, 0, count);
    delegate.onAccess(batch, count);
    // The core reuses its array: a policy that kept this one sees ids no segment has.
    Arrays.fill(batch, 0, count, -1);
  }

  @Override
  public void onResize(int segment, long oldSize, long newSize) {
    Long current = sizes.get(segment);
    if (current == null) {
      throw new IllegalStateException("test mistake: resize of unknown segment " + label(segment));
    }
    if (current != oldSize) {
      throw new IllegalStateException("test mistake: " + label(segment) + " has size " + current + ", not "
          + oldSize + " as the resize states");
    }
    if (newSize < 0) {
      throw new IllegalStateException("test mistake: negative size " + newSize + " for " + label(segment));
    }
    sizes.put(segment, newSize);
    delegate.onResize(segment, oldSize, newSize);
  }

  @Override
  public void onSpill(int segment) {
    requireResident(segment, "spilled");
    resident.remove(segment);
    delegate.onSpill(segment);
  }

  @Override
  public void onReload(int segment) {
    if (!sizes.containsKey(segment) || resident.contains(segment)) {
      throw new IllegalStateException("test mistake: only a spilled segment can be reloaded, not "
          + describe(segment) + " " + label(segment));
    }
    resident.add(segment);
    delegate.onReload(segment);
  }

  @Override
  public void onReloadCost(int segment, long nanos) {
    requireResident(segment, "given a reload cost");
    if (nanos < 0) {
      throw new IllegalStateException("test mistake: negative reload time " + nanos + " for " + label(segment));
    }
    delegate.onReloadCost(segment, nanos);
  }

  @Override
  public void onRemove(int segment) {
    if (sizes.remove(segment) == null) {
      throw new IllegalStateException("test mistake: remove of unknown segment " + label(segment));
    }
    resident.remove(segment);
    numbering.release(Objects.requireNonNull(numbering.nameOf(segment)));
    delegate.onRemove(segment);
  }

  /**
   * Asks the wrapped policy for victims and checks its answer against the contract.
   *
   * @throws AssertionError if the answer breaks the contract of {@link SpillPolicy#selectVictims}
   */
  @Override
  public int[] selectVictims(long bytesToFree, IntPredicate eligible) {
    int[] victims = delegate.selectVictims(bytesToFree, eligible);
    check(bytesToFree, eligible, victims);
    return victims;
  }

  // ------------------------------------------------------------------------------------------ by name

  /** Admits {@code segment} with {@code size} bytes, under the id the core would give it; returns that id. */
  public int onAdmit(String segment, long size) {
    int id = numbering.next();
    onAdmit(id, segment, size);
    return id;
  }

  /** Accesses a known segment by name. */
  public void onAccess(String segment) {
    onAccess(known(segment, "accessed"));
  }

  /** Resizes a known segment by name. */
  public void onResize(String segment, long oldSize, long newSize) {
    onResize(known(segment, "resized"), oldSize, newSize);
  }

  /** Spills a known segment by name. */
  public void onSpill(String segment) {
    onSpill(known(segment, "spilled"));
  }

  /** Reloads a known segment by name. */
  public void onReload(String segment) {
    onReload(known(segment, "reloaded"));
  }

  /** Tells the cost of the reload of a known, resident segment by name. */
  public void onReloadCost(String segment, long nanos) {
    onReloadCost(known(segment, "given a reload cost"), nanos);
  }

  /** Removes a known segment by name. */
  public void onRemove(String segment) {
    onRemove(known(segment, "removed"));
  }

  /**
   * Checked {@link #selectVictims} with eligibility by name; the victims as names, in the policy's order.
   *
   * @throws AssertionError if the answer breaks the contract of {@link SpillPolicy#selectVictims}
   */
  public List<String> victims(long bytesToFree, Predicate<String> eligible) {
    Objects.requireNonNull(eligible, "eligible");
    int[] victims = selectVictims(bytesToFree, id -> {
      String name = numbering.nameOf(id);
      return name != null && eligible.test(name);
    });
    List<String> names = new ArrayList<>(victims.length);
    for (int id : victims) {
      names.add(Objects.requireNonNull(numbering.nameOf(id)));
    }
    return names;
  }

  /** Admits each of {@code segments} with {@code size} bytes, in order. */
  public void admit(long size, String... segments) {
    for (String segment : segments) {
      onAdmit(segment, size);
    }
  }

  /** Accesses each of {@code segments}, in order, one call each. */
  public void access(String... segments) {
    for (String segment : segments) {
      onAccess(segment);
    }
  }

  /** Accesses {@code segments}, in order, in one batch ({@link #onAccess(int[], int)}), as the core delivers them. */
  public void accessBatch(String... segments) {
    int[] ids = new int[segments.length];
    for (int i = 0; i < segments.length; i++) {
      ids[i] = known(segments[i], "accessed");
    }
    onAccess(ids, ids.length);
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
    int id = known(segment, "resized");
    onResize(id, Objects.requireNonNull(sizes.get(id)), newSize);
  }

  /** Checked victims with every segment eligible, as names. */
  public List<String> victims(long bytesToFree) {
    return victims(bytesToFree, segment -> true);
  }

  /**
   * The order in which the policy would spill every resident segment: checked victims for
   * {@link Long#MAX_VALUE} bytes, with every segment eligible.
   */
  public List<String> ranking() {
    return victims(Long.MAX_VALUE);
  }

  /** The id of a known segment, or -1 if {@code segment} is not known. */
  public int idOf(String segment) {
    return numbering.idOf(segment);
  }

  /** The name of the segment holding {@code id}, or null if no known segment does. */
  public @Nullable String nameOf(int id) {
    return numbering.nameOf(id);
  }

  /** Whether {@code segment} was admitted and not removed since. */
  public boolean isKnown(String segment) {
    return numbering.idOf(segment) >= 0;
  }

  /** Whether {@code segment} is known and resident. */
  public boolean isResident(String segment) {
    return resident.contains(numbering.idOf(segment));
  }

  /** Whether {@code segment} is known and spilled. */
  public boolean isSpilled(String segment) {
    int id = numbering.idOf(segment);
    return id >= 0 && !resident.contains(id);
  }

  /**
   * The size the model holds for {@code segment}.
   *
   * @throws IllegalStateException if the segment is not known
   */
  public long size(String segment) {
    Long size = sizes.get(numbering.idOf(segment));
    if (size == null) {
      throw new IllegalStateException("unknown segment " + segment);
    }
    return size;
  }

  /** A sorted snapshot of the resident segments' names. */
  public Set<String> residentSegments() {
    Set<String> names = new TreeSet<>();
    for (int id : resident) {
      names.add(Objects.requireNonNull(numbering.nameOf(id)));
    }
    return Collections.unmodifiableSet(names);
  }

  /** A sorted snapshot of the spilled segments' names. */
  public Set<String> spilledSegments() {
    Set<String> names = new TreeSet<>();
    for (int id : sizes.keySet()) {
      if (!resident.contains(id)) {
        names.add(Objects.requireNonNull(numbering.nameOf(id)));
      }
    }
    return Collections.unmodifiableSet(names);
  }

  // ------------------------------------------------------------------------------------------ checks

  private void check(long bytesToFree, IntPredicate eligible, int @Nullable [] victims) {
    if (victims == null) {
      throw new AssertionError("SpillPolicy contract broken by " + delegate.getClass().getName() + ": selectVictims("
          + bytesToFree + ", ...) returned null instead of an array");
    }
    if (bytesToFree <= 0) {
      if (victims.length > 0) {
        throw failure(bytesToFree, victims, "nothing must be chosen when bytesToFree <= 0");
      }
      return;
    }
    Set<Integer> seen = new HashSet<>();
    for (int victim : victims) {
      if (!seen.add(victim)) {
        throw failure(bytesToFree, victims, "victim " + label(victim) + " appears more than once");
      }
      if (!resident.contains(victim)) {
        throw failure(bytesToFree, victims, "victim " + label(victim) + " is " + describe(victim));
      }
      if (!eligible.test(victim)) {
        throw failure(bytesToFree, victims, "victim " + label(victim)
            + " is not accepted by the eligibility predicate");
      }
    }
    List<Integer> candidates = new ArrayList<>();
    long eligibleTotal = 0;
    for (int segment : resident) {
      if (eligible.test(segment)) {
        candidates.add(segment);
        eligibleTotal = saturatedAdd(eligibleTotal, sizeOf(segment));
      }
    }
    if (eligibleTotal < bytesToFree) {
      if (seen.size() != candidates.size()) {
        Set<String> missing = new TreeSet<>();
        for (int candidate : candidates) {
          if (!seen.contains(candidate)) {
            missing.add(label(candidate));
          }
        }
        throw failure(bytesToFree, victims, "the eligible resident segments hold only " + eligibleTotal
            + " bytes, so all of them must be returned; missing " + missing);
      }
      return;
    }
    long freed = 0;
    for (int victim : victims) {
      freed = saturatedAdd(freed, sizeOf(victim));
    }
    if (freed < bytesToFree) {
      throw failure(bytesToFree, victims, "the victims free only " + freed + " bytes although the eligible "
          + "resident segments hold " + eligibleTotal);
    }
    int last = victims[victims.length - 1];
    long beforeLast = freed == Long.MAX_VALUE ? sumWithout(victims, victims.length - 1) : freed - sizeOf(last);
    if (beforeLast >= bytesToFree) {
      throw failure(bytesToFree, victims, "the victims before " + label(last) + " already free " + beforeLast
          + " bytes: the policy must stop once the target is reached");
    }
  }

  private long sumWithout(int[] victims, int skipped) {
    long sum = 0;
    for (int i = 0; i < victims.length; i++) {
      if (i != skipped) {
        sum = saturatedAdd(sum, sizeOf(victims[i]));
      }
    }
    return sum;
  }

  /** The size the model holds for {@code segment}, which it must know (every resident segment, so every victim). */
  private long sizeOf(int segment) {
    return Objects.requireNonNull(sizes.get(segment), "segment unknown to the model");
  }

  private AssertionError failure(long bytesToFree, int[] victims, String problem) {
    List<String> answer = new ArrayList<>();
    for (int victim : victims) {
      answer.add(label(victim));
    }
    StringBuilder view = new StringBuilder();
    for (int segment : new TreeSet<>(sizes.keySet())) {
      if (view.length() > 0) {
        view.append(", ");
      }
      if (view.length() > 2_000) {
        view.append("...");
        break;
      }
      view.append(label(segment)).append('=').append(sizes.get(segment))
          .append(resident.contains(segment) ? "" : "(spilled)");
    }
    return new AssertionError("SpillPolicy contract broken by " + delegate.getClass().getName() + ": " + problem
        + "\n  selectVictims(" + bytesToFree + ") returned " + answer + "\n  segments: {" + view + "}");
  }

  /** A segment as messages show it: its name and id, or the id alone if no known segment holds it. */
  private String label(int id) {
    String name = numbering.nameOf(id);
    return name == null ? "#" + id : name + "#" + id;
  }

  private String describe(int id) {
    if (!sizes.containsKey(id)) {
      return "unknown (never admitted, or removed)";
    }
    return resident.contains(id) ? "resident" : "spilled";
  }

  private int known(String segment, String event) {
    int id = numbering.idOf(segment);
    if (id < 0) {
      throw new IllegalStateException("test mistake: only a known segment can be " + event + ", not unknown "
          + segment);
    }
    return id;
  }

  private void requireResident(int segment, String event) {
    if (!resident.contains(segment)) {
      throw new IllegalStateException("test mistake: only a resident segment can be " + event + ", not "
          + describe(segment) + " " + label(segment));
    }
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    // Both operands are non-negative, so overflow shows as a negative sum.
    return sum < 0 ? Long.MAX_VALUE : sum;
  }
}
