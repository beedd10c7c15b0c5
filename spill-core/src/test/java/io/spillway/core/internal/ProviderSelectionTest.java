package io.spillway.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import io.spillway.api.spi.SpillPolicyProvider;
import io.spillway.api.spi.SpillStore;
import io.spillway.api.spi.SpillStoreProvider;
import io.spillway.core.ColdnessPolicyProvider;
import io.spillway.core.Spillway;
import io.spillway.core.testing.InMemorySpillStoreProvider;
import io.spillway.core.testing.RecordingPolicyProvider;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.ServiceConfigurationError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class ProviderSelectionTest {
  @TempDir Path tmp;
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(ProviderSelection.class);

  @BeforeEach
  void captureLog() {
    log.start();
    logger.addAppender(log);
  }

  @AfterEach
  void releaseLog() {
    logger.detachAppender(log);
  }

  @Test
  void noName_picksTheHighestPriority_adaptiveAndFileOverColdnessAndTheTestPlugins() {
    SpillPolicyProvider policy = ProviderSelection.policy(SpillConfig.defaults());
    SpillStoreProvider store = ProviderSelection.store(SpillConfig.defaults());

    // spill-policy-lfu comes with spill-core at run time; its class is not visible to spill-core's code.
    assertThat(policy.getClass().getName()).isEqualTo("io.spillway.policy.lfu.AdaptivePolicyProvider");
    assertThat(policy.name()).isEqualTo("adaptive");
    assertThat(policy.priority()).isGreaterThan(new ColdnessPolicyProvider().priority());
    assertThat(store.getClass().getName()).isEqualTo("io.spillway.store.file.FileSpillStoreProvider");
    assertThat(store.name()).isEqualTo("file");
  }

  @Test
  void noName_withoutSpillPolicyLfu_fallsBackToColdness() {
    List<SpillPolicyProvider> providers = List.of(new RecordingPolicyProvider(), new ColdnessPolicyProvider());

    assertThat(ProviderSelection.select(ProviderSelection.POLICY, null, providers.iterator()))
        .isInstanceOf(ColdnessPolicyProvider.class);
  }

  @Test
  void coldness_byName_isRedDbsPolicy() {
    SpillPolicyProvider policy = ProviderSelection.policy(SpillConfig.builder().policy("coldness").build());

    assertThat(policy).isInstanceOf(ColdnessPolicyProvider.class);
    assertThat(policy.create(SpillConfig.defaults())).isInstanceOf(ColdnessPolicy.class);
  }

  @Test
  void explicitName_winsOverPriority() {
    SpillStoreProvider store = ProviderSelection.store(SpillConfig.builder().store("memory").build());

    assertThat(store).isInstanceOf(InMemorySpillStoreProvider.class);
  }

  @Test
  void unknownName_listsTheNamesFoundAndTheArtifactToAdd() {
    assertThatThrownBy(() -> ProviderSelection.store(SpillConfig.builder().store("s3").build()))
        .isInstanceOf(SpillConfigurationException.class)
        .hasMessage("No SpillStoreProvider named 's3' on the class path (found: file, memory, persistent-memory, "
            + "tiered). Add io.spillway:spill-store-s3.");
    assertThatThrownBy(() -> ProviderSelection.policy(SpillConfig.builder().policy("lru").build()))
        .hasMessage("No SpillPolicyProvider named 'lru' on the class path (found: adaptive, coldness, gdsf, lfu,"
            + " recording, w-tinylfu). Add io.spillway:spill-policy-lru.");
    // spill-policy-lfu is on spill-core's class path at run time; without it, its policies are missing like lru.
    List<SpillPolicyProvider> withoutLfu = List.of(new ColdnessPolicyProvider(), new RecordingPolicyProvider());
    assertThatThrownBy(() -> ProviderSelection.select(ProviderSelection.POLICY, "w-tinylfu", withoutLfu.iterator()))
        .hasMessageEndingWith("(found: coldness, recording). Add io.spillway:spill-policy-lfu.");
    assertThatThrownBy(() -> ProviderSelection.policy(SpillConfig.builder().policy("clock-pro").build()))
        .hasMessageEndingWith(
            "(found: adaptive, coldness, gdsf, lfu, recording, w-tinylfu). Add the plugin that provides it.");
  }

  @Test
  void unknownName_throughSpillway_isAConfigurationError() {
    SpillConfig config = SpillConfig.builder().store("s3").spillDir(tmp).build();

    assertThatThrownBy(() -> Spillway.newManager(config)).isInstanceOf(SpillConfigurationException.class)
        .hasMessageContaining("spill-store-s3");
    assertThat(tmp).isEmptyDirectory();
  }

  @Test
  void tieAtTheTop_isAnErrorNamingBothClasses() {
    List<SpillStoreProvider> providers = List.of(new Low(), new TieA(), new TieB());

    assertThatThrownBy(() -> ProviderSelection.select(ProviderSelection.STORE, null, providers.iterator()))
        .isInstanceOf(SpillConfigurationException.class)
        .hasMessageContaining(TieA.class.getName())
        .hasMessageContaining(TieB.class.getName())
        .hasMessageContaining("priority 5")
        .hasMessageContaining("store(\"");
    // Naming one of them settles it.
    assertThat(ProviderSelection.select(ProviderSelection.STORE, "tie-b", providers.iterator()))
        .isInstanceOf(TieB.class);
  }

  @Test
  void noTie_whenOneIsHigher() {
    List<SpillStoreProvider> providers = List.of(new Low(), new TieA());

    assertThat(ProviderSelection.select(ProviderSelection.STORE, null, providers.iterator()))
        .isInstanceOf(TieA.class);
  }

  @Test
  void errorsFromTheIterator_areSkippedAndLogged() {
    Iterator<SpillStoreProvider> flaky = new Iterator<>() {
      private int step;

      @Override
      public boolean hasNext() {
        step++;
        if (step == 1) {
          throw new ServiceConfigurationError("io.spillway.api.spi.SpillStoreProvider: Provider com.example.Gone"
              + " not found");
        }
        return step <= 4;
      }

      @Override
      public SpillStoreProvider next() {
        if (step == 2) {
          throw new ServiceConfigurationError("io.spillway.api.spi.SpillStoreProvider: Provider"
              + " com.example.Throws could not be instantiated", new IllegalStateException("boom"));
        }
        if (step == 3) {
          return new Low();
        }
        if (step == 4) {
          return new TieA();
        }
        throw new NoSuchElementException();
      }
    };

    assertThat(ProviderSelection.select(ProviderSelection.STORE, null, flaky)).isInstanceOf(TieA.class);
    assertThat(warnings()).hasSize(2).anyMatch(m -> m.contains("com.example.Gone"))
        .anyMatch(m -> m.contains("com.example.Throws"));
  }

  @Test
  void brokenPlugin_isReportedButNotFatal() throws IOException {
    try (URLClassLoader loader = loaderListing(BrokenSpillStoreProvider.class.getName())) {
      SpillStoreProvider chosen = ProviderSelection.select(ProviderSelection.STORE, "memory", loader);

      assertThat(chosen).isInstanceOf(InMemorySpillStoreProvider.class);
      assertThat(warnings()).singleElement().asString().contains(BrokenSpillStoreProvider.class.getName());
      // With no name, the healthy providers still compete.
      assertThat(ProviderSelection.select(ProviderSelection.STORE, null, loader)).isNotNull();
    }
  }

  @Test
  void brokenPlugin_askedForByName_isFatalWithTheCause() throws IOException {
    try (URLClassLoader loader = loaderListing(BrokenSpillStoreProvider.class.getName())) {
      assertThatThrownBy(() -> ProviderSelection.select(ProviderSelection.STORE, "broken", loader))
          .isInstanceOf(SpillConfigurationException.class)
          .hasMessageContaining("'broken' could not be loaded")
          .hasMessageContaining(BrokenSpillStoreProvider.class.getName())
          .cause().isInstanceOf(ServiceConfigurationError.class)
          .rootCause().hasMessageContaining("broken on purpose");
    }
  }

  @Test
  void brokenPlugin_thatIsNotTheOneAskedFor_stillYieldsTheUnknownNameError() throws IOException {
    try (URLClassLoader loader = loaderListing(BrokenSpillStoreProvider.class.getName())) {
      assertThatThrownBy(() -> ProviderSelection.select(ProviderSelection.STORE, "s3", loader))
          .isInstanceOf(SpillConfigurationException.class)
          .hasMessageContaining("No SpillStoreProvider named 's3'")
          .hasMessageContaining("1 failed to load: " + BrokenSpillStoreProvider.class.getName())
          .hasMessageEndingWith("Add io.spillway:spill-store-s3.");
    }
  }

  @Test
  void contextClassLoader_isUsed() throws IOException {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    try (URLClassLoader loader = loaderListing(BrokenSpillStoreProvider.class.getName())) {
      thread.setContextClassLoader(loader);
      assertThatThrownBy(() -> ProviderSelection.store(SpillConfig.builder().store("broken").build()))
          .hasMessageContaining("'broken' could not be loaded");
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  @Test
  void contextClassLoader_thatSeesNoProvider_fallsBackToTheCoresOwnLoader() throws IOException {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    try (URLClassLoader blind = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader())) {
      thread.setContextClassLoader(blind);
      assertThat(ProviderSelection.store(SpillConfig.defaults()).name()).isEqualTo("file");
      // The core's own loader sees spill-policy-lfu too: it is a run-time dependency of spill-core.
      assertThat(ProviderSelection.policy(SpillConfig.defaults()).name()).isEqualTo("adaptive");
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  @Test
  void providerClass_isReadFromTheErrorMessage() {
    assertThat(ProviderSelection.providerClass(
        "io.spillway.api.spi.SpillStoreProvider: Provider com.acme.S3SpillStoreProvider could not be instantiated"))
        .isEqualTo("com.acme.S3SpillStoreProvider");
    assertThat(ProviderSelection.providerClass("something else")).isNull();
  }

  /** A class loader over the test class path that also lists {@code providers} as store providers. */
  private URLClassLoader loaderListing(String... providers) throws IOException {
    Path services = tmp.resolve("META-INF/services");
    Files.createDirectories(services);
    Files.write(services.resolve(SpillStoreProvider.class.getName()), List.of(providers));
    return new URLClassLoader(new URL[] {tmp.toUri().toURL()}, getClass().getClassLoader());
  }

  private List<String> warnings() {
    return log.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  /** Test providers handed to the selection directly, never registered. */
  public static final class TieA extends Stub {
    public TieA() {
      super("tie-a", 5);
    }
  }

  public static final class TieB extends Stub {
    public TieB() {
      super("tie-b", 5);
    }
  }

  public static final class Low extends Stub {
    public Low() {
      super("low", 1);
    }
  }

  abstract static class Stub implements SpillStoreProvider {
    private final String name;
    private final int priority;

    Stub(String name, int priority) {
      this.name = name;
      this.priority = priority;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public int priority() {
      return priority;
    }

    @Override
    public SpillStore create(SpillConfig config) {
      throw new UnsupportedOperationException();
    }
  }
}
