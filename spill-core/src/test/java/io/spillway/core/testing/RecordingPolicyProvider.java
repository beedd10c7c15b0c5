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
import java.util.function.Predicate;

/**
 * Test-scope policy {@code recording}: logs every event it receives (as {@code "admit a 10"}, {@code "access a"},
 * ...) and checks the single-thread contract; its victims are the eligible resident segments in admission order.
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

    @Override
    public void onAdmit(String segment, long size) {
      enter("admit");
      try {
        record("admit " + segment + " " + size, segment, false, false);
        synchronized (this) {
          if (resident.containsKey(segment)) {
            violations.add("admit of a known segment " + segment);
          }
          resident.put(segment, true);
        }
      } finally {
        exit();
      }
    }

    @Override
    public void onAccess(String segment) {
      enter("access");
      try {
        record("access " + segment, segment, true, true);
      } finally {
        exit();
      }
    }

    @Override
    public void onResize(String segment, long oldSize, long newSize) {
      enter("resize");
      try {
        record("resize " + segment + " " + oldSize + " " + newSize, segment, true, false);
      } finally {
        exit();
      }
    }

    @Override
    public void onSpill(String segment) {
      enter("spill");
      try {
        record("spill " + segment, segment, true, true);
        synchronized (this) {
          resident.put(segment, false);
        }
      } finally {
        exit();
      }
    }

    @Override
    public void onReload(String segment) {
      enter("reload");
      try {
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
    public void onRemove(String segment) {
      enter("remove");
      try {
        record("remove " + segment, segment, true, false);
        synchronized (this) {
          resident.remove(segment);
        }
      } finally {
        exit();
      }
    }

    @Override
    public List<String> selectVictims(long bytesToFree, Predicate<String> eligible) {
      enter("select");
      try {
        record("select " + bytesToFree, "", false, false);
        List<String> victims = new ArrayList<>();
        synchronized (this) {
          for (Map.Entry<String, Boolean> e : resident.entrySet()) {
            if (e.getValue() && eligible.test(e.getKey())) {
              victims.add(e.getKey());
            }
          }
        }
        return victims;
      } finally {
        exit();
      }
    }
  }
}
