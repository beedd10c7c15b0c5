package io.spillway.core.testing;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillPolicy;
import io.spillway.api.spi.SpillPolicyProvider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntPredicate;

/**
 * Test-scope policy {@code recording}: logs every event it receives, with the names it learnt on admission (as
 * {@code "admit a 10"}, {@code "access a"}, ...), and checks the single-thread and id contracts; its victims are the
 * eligible resident segments in admission order.
 * Sessions created with option {@value #ID_OPTION} can be found with {@link #session(String)}.
 */
public final class RecordingPolicyProvider implements SpillPolicyProvider {
  public static final String NAME = "recording";
  public static final String ID_OPTION = "recording.id";

  private static final Map<String, Recording> SESSIONS = new ConcurrentHashMap<>();

  public RecordingPolicyProvider() {}

  public static Recording session(String id) {
    return SESSIONS.get(id);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int priority() {
    return -100;
  }

  @Override
  public SpillPolicy create(SpillConfig config) {
    Recording recording = new Recording();
    config.option(ID_OPTION).ifPresent(id -> SESSIONS.put(id, recording));
    return recording;
  }

  /**
   * The policy. Its log is read by tests from another thread, hence the synchronization; a second thread entering
   * while one is inside is recorded as a violation of the SPI's single-thread contract.
   */
  public static final class Recording implements SpillPolicy {
    private final List<String> events = new ArrayList<>();
    private final Map<String, Boolean> resident = new LinkedHashMap<>();
    /** By id: the name of each known segment, in admission order. */
    private final Map<Integer, String> names = new LinkedHashMap<>();
    private final List<String> violations = new ArrayList<>();
    private final AtomicReference<Thread> inside = new AtomicReference<>();

    public synchronized List<String> events() {
      return List.copyOf(events);
    }

    public synchronized List<String> violations() {
      return List.copyOf(violations);
    }

    public synchronized void clear() {
      events.clear();
    }

    private void enter(String event) {
      if (!inside.compareAndSet(null, Thread.currentThread())) {
        synchronized (this) {
          violations.add("concurrent call: " + event);
        }
      }
    }

    private void exit() {
      inside.compareAndSet(Thread.currentThread(), null);
    }

    private synchronized void record(String event, String segment, boolean mustBeKnown, boolean mustBeResident) {
      events.add(event);
      Boolean state = resident.get(segment);
      if (mustBeKnown && state == null) {
        violations.add(event + " for an unknown segment");
      }
      if (mustBeResident && state != null && !state) {
        violations.add(event + " while spilled");
      }
    }

    /** The name of the segment holding {@code id}, as told on its admission; "#id" for an id no one holds. */
    private synchronized String name(int id) {
      String name = names.get(id);
      return name == null ? "#" + id : name;
    }

    @Override
    public void onAdmit(int id, String segment, long size) {
      enter("admit");
      try {
        record("admit " + segment + " " + size, segment, false, false);
        synchronized (this) {
          if (resident.containsKey(segment)) {
            violations.add("admit of a known segment " + segment);
          }
          if (names.containsKey(id)) {
            violations.add("admit of " + segment + " as id " + id + ", still held by " + names.get(id));
          }
          names.put(id, segment);
          resident.put(segment, true);
        }
      } finally {
        exit();
      }
    }

    @Override
    public void onAccess(int id) {
      enter("access");
      try {
        String segment = name(id);
        record("access " + segment, segment, true, true);
      } finally {
        exit();
      }
    }

    @Override
    public void onResize(int id, long oldSize, long newSize) {
      enter("resize");
      try {
        String segment = name(id);
        record("resize " + segment + " " + oldSize + " " + newSize, segment, true, false);
      } finally {
        exit();
      }
    }

    @Override
    public void onSpill(int id) {
      enter("spill");
      try {
        String segment = name(id);
        record("spill " + segment, segment, true, true);
        synchronized (this) {
          resident.put(segment, false);
        }
      } finally {
        exit();
      }
    }

    @Override
    public void onReload(int id) {
      enter("reload");
      try {
        String segment = name(id);
        record("reload " + segment, segment, true, false);
        synchronized (this) {
          if (Boolean.TRUE.equals(resident.get(segment))) {
            violations.add("reload of a resident segment " + segment);
          }
          resident.put(segment, true);
        }
      } finally {
        exit();
      }
    }

    @Override
    public void onRemove(int id) {
      enter("remove");
      try {
        String segment = name(id);
        record("remove " + segment, segment, true, false);
        synchronized (this) {
          resident.remove(segment);
          names.remove(id);
        }
      } finally {
        exit();
      }
    }

    @Override
    public int[] selectVictims(long bytesToFree, IntPredicate eligible) {
      enter("select");
      try {
        record("select " + bytesToFree, "", false, false);
        List<Integer> victims = new ArrayList<>();
        synchronized (this) {
          for (Map.Entry<Integer, String> e : names.entrySet()) {
            if (Boolean.TRUE.equals(resident.get(e.getValue())) && eligible.test(e.getKey())) {
              victims.add(e.getKey());
            }
          }
        }
        return victims.stream().mapToInt(Integer::intValue).toArray();
      } finally {
        exit();
      }
    }
  }
}
