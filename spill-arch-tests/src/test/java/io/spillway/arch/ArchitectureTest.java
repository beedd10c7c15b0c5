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
          "java..", "io.spillway.api..", "org.jspecify.annotations..")
      .because("a plugin author who depends on spill-api must pull in nothing else (DESIGN.md module table)");

  @ArchTest
  static final ArchRule layers = layeredArchitecture()
      .consideringOnlyDependenciesInLayers()
      .withOptionalLayers(true)
      .layer("Api").definedBy("io.spillway.api..")
      .layer("Core").definedBy("io.spillway.core..")
      .layer("Policies").definedBy("io.spillway.policy..")
      .layer("Stores").definedBy("io.spillway.store..")
      .layer("Graph").definedBy("io.spillway.graph..")
      .layer("Testkit").definedBy("io.spillway.testkit..")
      .layer("Bench").definedBy("io.spillway.bench..")
      .layer("Examples").definedBy("io.spillway.examples..")
      .whereLayer("Core").mayOnlyBeAccessedByLayers("Graph", "Bench", "Examples")
      .whereLayer("Policies").mayOnlyBeAccessedByLayers("Bench", "Examples")
      .whereLayer("Stores").mayOnlyBeAccessedByLayers("Bench", "Examples")
      .whereLayer("Graph").mayOnlyBeAccessedByLayers("Bench", "Examples")
      .whereLayer("Testkit").mayNotBeAccessedByAnyLayer()
      .whereLayer("Bench").mayNotBeAccessedByAnyLayer()
      .whereLayer("Examples").mayNotBeAccessedByAnyLayer()
      .because("plugins need spill-api alone and the core sits above the api (DESIGN.md module table)");

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
