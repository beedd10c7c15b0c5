package io.spillway.arch;

import static com.tngtech.archunit.lang.conditions.ArchConditions.dependOnClassesThat;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import io.spillway.api.spi.ChecksumCodecProvider;
import io.spillway.api.spi.SpillPolicyProvider;
import io.spillway.api.spi.SpillStoreProvider;
import java.util.ServiceLoader;

/**
 * Holds the module table of DESIGN.md: what each module may depend on, no cycles, no reaching into another module's
 * {@code internal} package, the AWS SDK confined to the S3 store, and providers fit for {@link ServiceLoader}.
 */
@AnalyzeClasses(packages = "io.spillway", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule apiDependsOnTheJdkOnly = classes()
      .that().resideInAPackage("io.spillway.api..")
      .should().onlyDependOnClassesThat().resideInAnyPackage(
          "java..", "javax.crypto..", "io.spillway.api..", "org.jspecify.annotations..")
      .because("a plugin author who depends on spill-api must pull in nothing else (DESIGN.md module table;"
          + " javax.crypto is the JDK's, in java.base)");

  @ArchTest
  static final ArchRule layers = layeredArchitecture()
      .consideringOnlyDependenciesInLayers()
      .withOptionalLayers(true)
      .layer("Api").definedBy("io.spillway.api..")
      .layer("Core").definedBy("io.spillway.core..")
      .layer("Codecs").definedBy("io.spillway.codec..")
      .layer("Compression").definedBy("io.spillway.compress..")
      .layer("Policies").definedBy("io.spillway.policy..")
      .layer("Stores").definedBy("io.spillway.store..")
      .layer("Graph").definedBy("io.spillway.graph..")
      .layer("Micrometer").definedBy("io.spillway.micrometer..")
      .layer("Config").definedBy("io.spillway.config..")
      .layer("Testkit").definedBy("io.spillway.testkit..")
      .layer("Bench").definedBy("io.spillway.bench..")
      .layer("Examples").definedBy("io.spillway.examples..")
      .layer("Cli").definedBy("io.spillway.cli..")
      .whereLayer("Core").mayOnlyBeAccessedByLayers("Bench", "Examples", "Cli")
      .whereLayer("Codecs").mayOnlyBeAccessedByLayers("Bench", "Examples")
      .whereLayer("Compression").mayOnlyBeAccessedByLayers("Bench", "Examples")
      .whereLayer("Policies").mayOnlyBeAccessedByLayers("Bench", "Examples")
      .whereLayer("Stores").mayOnlyBeAccessedByLayers("Bench", "Examples")
      .whereLayer("Graph").mayOnlyBeAccessedByLayers("Bench", "Examples")
      .whereLayer("Micrometer").mayOnlyBeAccessedByLayers("Bench", "Examples")
      // Reading a configuration is the application's step before the core: nothing of Spillway's needs it.
      .whereLayer("Config").mayOnlyBeAccessedByLayers("Bench", "Examples")
      .whereLayer("Testkit").mayNotBeAccessedByAnyLayer()
      // The examples' GraphDemo builds its graph with the benchmarks' Graph500 generator (bench.graph500).
      .whereLayer("Bench").mayOnlyBeAccessedByLayers("Examples")
      .whereLayer("Examples").mayNotBeAccessedByAnyLayer()
      .whereLayer("Cli").mayNotBeAccessedByAnyLayer()
      .because("plugins and codecs need spill-api alone, the core sits above the api, and the graph module runs on "
          + "any manager (DESIGN.md module table)");

  @ArchTest
  static final ArchRule coreDependsOnTheApiAndSlf4jOnly = classes()
      .that().resideInAPackage("io.spillway.core..")
      .should().onlyDependOnClassesThat().resideInAnyPackage(
          "java..", "javax.crypto..", "jdk.jfr..", "io.spillway.api..", "io.spillway.core..", "org.slf4j..",
          "org.jspecify.annotations..")
      .because("spill-core's compile dependencies are spill-api and SLF4J (DESIGN.md module table; javax.crypto is"
          + " the JDK's, in java.base, and jdk.jfr the JDK's Flight Recorder, for its events); JSON lives in"
          + " spill-codec-jackson");

  @ArchTest
  static final ArchRule jacksonCodecDependsOnTheApiAndJacksonOnly = classes()
      .that().resideInAPackage("io.spillway.codec.jackson..")
      .should().onlyDependOnClassesThat().resideInAnyPackage(
          "java..", "io.spillway.api..", "io.spillway.codec.jackson..", "org.jspecify.annotations..",
          "com.fasterxml.jackson..")
      .because("spill-codec-jackson may depend on spill-api and Jackson only (DESIGN.md module table)");

  @ArchTest
  static final ArchRule jacksonOnlyInTheJacksonCodec = noClasses()
      .that().resideOutsideOfPackages("io.spillway.codec.jackson..", "io.spillway.config..", "io.spillway.examples..",
          "io.spillway.bench..")
      .should().dependOnClassesThat().resideInAPackage("com.fasterxml.jackson..")
      .because("Jackson is the JSON codec's and the config reader's business; the core and the plugins carry no JSON"
          + " or YAML library");

  @ArchTest
  static final ArchRule configDependsOnTheApiAndJacksonOnly = classes()
      .that().resideInAPackage("io.spillway.config..")
      .should().onlyDependOnClassesThat().resideInAnyPackage(
          "java..", "io.spillway.api..", "io.spillway.config..", "org.jspecify.annotations..",
          "com.fasterxml.jackson.core..", "com.fasterxml.jackson.dataformat.yaml..")
      .because("spill-config reads files with Jackson's streaming parsers and knows plugins through the SPIs only,"
          + " never the core (DESIGN.md module table: spill-api + its library)");

  @ArchTest
  static final ArchRule noModuleButTheApplicationsUsesTheConfigReader = noClasses()
      .that().resideInAnyPackage("io.spillway.api..", "io.spillway.core..", "io.spillway.policy..",
          "io.spillway.store..", "io.spillway.compress..", "io.spillway.codec..", "io.spillway.graph..",
          "io.spillway.testkit..")
      .should().dependOnClassesThat().resideInAPackage("io.spillway.config..")
      .because("spill-config is not core: the core and the plugins work without it and without Jackson");

  @ArchTest
  static final ArchRule graphDependsOnTheApiAndGuavaOnly = classes()
      .that().resideInAPackage("io.spillway.graph..")
      .should().onlyDependOnClassesThat().resideInAnyPackage(
          "java..", "io.spillway.api..", "io.spillway.graph..", "org.jspecify.annotations..", "com.google.common..")
      .because("spill-graph needs spill-api and Guava; spill-core is a test dependency only, so that the graph "
          + "runs on any manager (DESIGN.md module table)");

  @ArchTest
  static final ArchRule micrometerBinderDependsOnTheApiAndMicrometerOnly = classes()
      .that().resideInAPackage("io.spillway.micrometer..")
      .should().onlyDependOnClassesThat().resideInAnyPackage(
          "java..", "io.spillway.api..", "io.spillway.micrometer..", "org.jspecify.annotations..",
          "io.micrometer..")
      .because("spill-micrometer publishes any SpillManager's stats: spill-api and Micrometer only, so that it needs"
          + " no core (DESIGN.md module table: spill-api, + core where needed, and its library)");

  @ArchTest
  static final ArchRule micrometerOnlyInSpillMicrometer = noClasses()
      .that().resideOutsideOfPackages("io.spillway.micrometer..", "io.spillway.examples..", "io.spillway.bench..")
      .should().dependOnClassesThat().resideInAPackage("io.micrometer..")
      .because("metrics libraries stay out of the core and the plugins; the binder module is the one place for "
          + "Micrometer");

  @ArchTest
  static final ArchRule pluginsDependOnTheApiOnly = classes()
      .that().resideInAnyPackage("io.spillway.policy..", "io.spillway.store..")
      .should().onlyDependOnClassesThat().resideInAnyPackage(
          "java..", "io.spillway.api..", "org.jspecify.annotations..",
          // The LFU module may use Caffeine's building blocks (DESIGN.md allows it there).
          "com.github.benmanes.caffeine..",
          // Only the S3 store may use the AWS SDK; the rule below keeps it there.
          "software.amazon.awssdk..",
          // Each plugin module uses its own package.
          "io.spillway.policy..", "io.spillway.store..")
      .because("a bundled plugin obeys the rule a user's plugin does: spill-api only");

  @ArchTest
  static final ArchRule compressionDependsOnTheApiAndItsLibrariesOnly = classes()
      .that().resideInAPackage("io.spillway.compress..")
      .should().onlyDependOnClassesThat().resideInAnyPackage(
          "java..", "io.spillway.api..", "io.spillway.compress..", "org.jspecify.annotations..",
          "net.jpountz.lz4..", "com.github.luben.zstd..")
      .because("spill-compress is a plugin: spill-api, lz4-java and zstd-jni only (DESIGN.md module table)");

  @ArchTest
  static final ArchRule compressionLibrariesOnlyInSpillCompress = noClasses()
      .that().resideOutsideOfPackages("io.spillway.compress..")
      .should().dependOnClassesThat().resideInAnyPackage("net.jpountz..", "com.github.luben..")
      .because("the native compression libraries stay out of spill-core and every other module");

  @ArchTest
  static final ArchRule cliDependsOnTheApiTheCoreAndPicocliOnly = classes()
      .that().resideInAPackage("io.spillway.cli..")
      .should().onlyDependOnClassesThat().resideInAnyPackage(
          "java..", "io.spillway.api..", "io.spillway.core", "io.spillway.cli..", "org.jspecify.annotations..",
          "picocli..")
      .because("spill-cli reads stores through SpillStoreProvider.inspect and frames through spill-core's exported"
          + " package (DESIGN.md module table): it knows no store's layout, and the stores stay run-time plugins");

  @ArchTest
  static final ArchRule policiesAreIndependentOfEachOther = slices().matching("io.spillway.policy.(*)..")
      .should().notDependOnEachOther()
      .because("each policy module is a plugin of its own, loadable without the others");

  @ArchTest
  static final ArchRule storesAreIndependentOfEachOther = slices().matching("io.spillway.store.(*)..")
      .should().notDependOnEachOther()
      .because("each store module is a plugin of its own, loadable without the others");

  @ArchTest
  static final ArchRule awsSdkOnlyInTheS3Store = noClasses()
      .that().resideOutsideOfPackages("io.spillway.store.s3..", "io.spillway.bench..")
      .should().dependOnClassesThat().resideInAPackage("software.amazon.awssdk..")
      .because("the AWS SDK is the S3 store's business alone; the benchmarks compare against it");

  @ArchTest
  static final ArchRule testkitDependsOnApiAndTestLibrariesOnly = classes()
      .that().resideInAPackage("io.spillway.testkit..")
      .should().onlyDependOnClassesThat().resideInAnyPackage(
          "java..", "io.spillway.api..", "io.spillway.testkit..", "org.jspecify.annotations..",
          "org.junit..", "org.assertj..", "org.opentest4j..")
      .because("plugin authors run the contract suites without the core on their class path");

  @ArchTest
  static final ArchRule noCycles = slices().matching("io.spillway.(*)..")
      .should().beFreeOfCycles()
      .because("modules form a directed graph, as the module table says");

  @ArchTest
  static final ArchRule noAccessToAnotherModulesInternals = classes()
      .should(notReachIntoForeignInternals())
      .because("an .internal package may change at any time; only its own module may use it");

  @ArchTest
  static final ArchRule providersAreServiceLoaderReady = classes()
      .that().implement(SpillPolicyProvider.class)
      .or().implement(SpillStoreProvider.class)
      .or().implement(ChecksumCodecProvider.class)
      .should().bePublic()
      .andShould().haveModifier(JavaModifier.FINAL)
      .andShould(havePublicNoArgConstructor())
      .andShould(beRegisteredWithServiceLoader())
      .because("ServiceLoader instantiates providers reflectively from META-INF/services (CONVENTIONS.md)");

  @ArchTest
  static final ArchRule heavyLibrariesStayOutOfTheApi = noClasses()
      .that().resideInAPackage("io.spillway.api..")
      .should(dependOnClassesThat(DescribedPredicate.describe("Guava, Caffeine, Jackson or SLF4J",
          (JavaClass c) -> c.getPackageName().startsWith("com.google.")
              || c.getPackageName().startsWith("com.github.benmanes.")
              || c.getPackageName().startsWith("com.fasterxml.")
              || c.getPackageName().startsWith("org.slf4j"))))
      .because("spill-api depends on the JDK only");

  private static ArchCondition<JavaClass> notReachIntoForeignInternals() {
    return new ArchCondition<>("not depend on another module's .internal package") {
      @Override
      public void check(JavaClass origin, ConditionEvents events) {
        for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
          String target = dependency.getTargetClass().getPackageName();
          int internal = target.indexOf(".internal");
          if (!target.startsWith("io.spillway.") || internal < 0) {
            continue;
          }
          String owner = target.substring(0, internal);
          if (!origin.getPackageName().startsWith(owner)) {
            events.add(SimpleConditionEvent.violated(dependency, dependency.getDescription()));
          }
        }
      }
    };
  }

  private static ArchCondition<JavaClass> havePublicNoArgConstructor() {
    return new ArchCondition<>("have a public no-arg constructor") {
      @Override
      public void check(JavaClass provider, ConditionEvents events) {
        boolean ok = provider.getConstructors().stream()
            .anyMatch(c -> c.getRawParameterTypes().isEmpty() && c.getModifiers().contains(JavaModifier.PUBLIC));
        events.add(new SimpleConditionEvent(provider, ok,
            provider.getName() + (ok ? " has" : " lacks") + " a public no-arg constructor"));
      }
    };
  }

  private static ArchCondition<JavaClass> beRegisteredWithServiceLoader() {
    return new ArchCondition<>("be registered in META-INF/services") {
      @Override
      public void check(JavaClass provider, ConditionEvents events) {
        boolean registered = registered(provider, SpillPolicyProvider.class)
            || registered(provider, SpillStoreProvider.class)
            || registered(provider, ChecksumCodecProvider.class);
        events.add(new SimpleConditionEvent(provider, registered,
            provider.getName() + (registered ? " is" : " is not") + " listed in META-INF/services"));
      }

      private boolean registered(JavaClass provider, Class<?> service) {
        return provider.isAssignableTo(service)
            && ServiceLoader.load(service).stream().anyMatch(p -> p.type().getName().equals(provider.getName()));
      }
    };
  }
}
