package io.spillway.core.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.verifier.QuiescentConsistencyVerifier;
import org.jetbrains.lincheck.datastructures.verifier.QuiescentConsistent;
import org.junit.jupiter.api.Test;

/**
 * Lincheck checks the lossy access buffer's invariant under concurrent offers and one draining thread: a drained
 * item was offered, none is handed out twice, and no recorded offer is lost (every item recorded comes out of
 * exactly one drain, at the latest the last one, running after all threads finished). The drain is in a
 * non-parallel group, as the buffer allows only one drainer at a time (the manager drains under its policy lock).
 *
 * <p>The buffer may refuse an offer only when a stripe is full or every compare-and-set attempt is lost to other
 * producers. The stripes here are roomy enough that none fills in these short scenarios, and the buffer is made with
 * unbounded attempts, so that every offer must be recorded and the specification is a plain bag; refusals when full
 * or contended are {@link AccessBufferTest}'s concern (including a concurrent run with the lossy attempt bound,
 * checking that exactly the recorded items come out, once each).
 *
 * <p>Drains are compared sorted: the buffer keeps order only within a stripe, and which stripe a thread records into
 * depends on its id and on contention. Offers are checked for quiescent consistency, not linearizability: a drain
 * walks the stripes one by one, and stops at a slot claimed but not yet written, so it may miss an offer that
 * completed before another one it does return. The manager needs only that each recorded access reaches the policy
 * once, at some drain.
 */
class AccessBufferLincheckTest {

  @Test
  void modelChecking_drainsEveryOfferExactlyOnce() {
    new ModelCheckingOptions().iterations(10).invocationsPerIteration(20).threads(3).actorsPerThread(2)
        .actorsBefore(1).actorsAfter(1).sequentialSpecification(Bag.class)
        .verifier(QuiescentConsistencyVerifier.class).check(Buffer.class);
  }

  @Test
  void stress_drainsEveryOfferExactlyOnce() {
    new StressOptions().iterations(5).invocationsPerIteration(300).threads(3).actorsPerThread(3)
        .actorsBefore(1).actorsAfter(1).sequentialSpecification(Bag.class)
        .verifier(QuiescentConsistencyVerifier.class).check(Buffer.class);
  }

  /** The buffer under test: four stripes, so that threads record into different ones. */
  @Param(name = "item", gen = IntGen.class, conf = "1:3")
  public static class Buffer {
    private final AccessBuffer buffer = new AccessBuffer(4, 16, Integer.MAX_VALUE);

    @Operation
    @QuiescentConsistent
    public boolean offer(@Param(name = "item") int item) {
      return buffer.offer(item) == AccessBuffer.RECORDED;
    }

    @Operation(nonParallelGroup = "drainer")
    public List<Integer> drain() {
      List<Integer> drained = new ArrayList<>();
      buffer.drainTo(drained::add);
      Collections.sort(drained);
      return drained;
    }
  }

  /** The sequential specification: a bag that takes every item and hands all of them out on a drain. */
  @Param(name = "item", gen = IntGen.class, conf = "1:3")
  public static class Bag {
    private final List<Integer> items = new ArrayList<>();

    @Operation
    public boolean offer(@Param(name = "item") int item) {
      return items.add(item);
    }

    @Operation(nonParallelGroup = "drainer")
    public List<Integer> drain() {
      List<Integer> drained = new ArrayList<>(items);
      items.clear();
      Collections.sort(drained);
      return drained;
    }
  }
}
