package io.spillway.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The module descriptors of the shipped modules, read from the jars (or class folders) on this test's class path:
 * each is named after its root package, exports no {@code .internal} package, and declares with {@code provides}
 * exactly the providers its {@code META-INF/services} files list (the files stay, for class-path users). The BOM
 * manages every shipped artifact.
 */
class ModuleDescriptorsTest {

  /** Artifact → module name, for every shipped module (DESIGN.md module table). */
  static final Map<String, String> SHIPPED = shipped();

  private static Map<String, String> shipped() {
    Map<String, String> modules = new LinkedHashMap<>();
    modules.put("spill-api", "io.spillway.api");
    modules.put("spill-core", "io.spillway.core");
    modules.put("spill-compress", "io.spillway.compress");
    modules.put("spill-codec-jackson", "io.spillway.codec.jackson");
    modules.put("spill-policy-lru", "io.spillway.policy.lru");
    modules.put("spill-policy-lfu", "io.spillway.policy.lfu");
    modules.put("spill-store-file", "io.spillway.store.file");
    modules.put("spill-store-s3", "io.spillway.store.s3");
    modules.put("spill-graph", "io.spillway.graph");
    modules.put("spill-micrometer", "io.spillway.micrometer");
    modules.put("spill-config", "io.spillway.config");
    modules.put("spill-testkit", "io.spillway.testkit");
    modules.put("spill-cli", "io.spillway.cli");
    return modules;
  }

  static List<String> moduleNames() {
    return List.copyOf(SHIPPED.values());
  }

  private static final Map<String, ModuleReference> ON_CLASS_PATH = modulesOnClassPath();

  private static Map<String, ModuleReference> modulesOnClassPath() {
    Map<String, ModuleReference> found = new TreeMap<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path path = Path.of(entry);
      if (!Files.isRegularFile(path.resolve("module-info.class")) && !entry.endsWith(".jar")) {
        continue;
      }
      try {
        for (ModuleReference reference : ModuleFinder.of(path).findAll()) {
          if (!reference.descriptor().isAutomatic()) {
            found.putIfAbsent(reference.descriptor().name(), reference);
          }
        }
      } catch (FindException e) {
        // Not a valid module (an odd jar name): none of Spillway's.
      }
    }
    return found;
  }

  private static ModuleReference module(String name) {
    ModuleReference reference = ON_CLASS_PATH.get(name);
    assertThat(reference).as("module %s (a module-info.class) on the class path", name).isNotNull();
    return reference;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("moduleNames")
  void module_isNamedAfterItsRootPackageAndHoldsOnlyItsPackages(String name) {
    ModuleDescriptor descriptor = module(name).descriptor();
    assertThat(descriptor.packages()).isNotEmpty()
        .allSatisfy(p -> assertThat(p.equals(name) || p.startsWith(name + ".")).as("package %s", p).isTrue());
    assertThat(descriptor.packages()).contains(name);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("moduleNames")
  void module_exportsNoInternalPackageAndOpensNothingButTheTestkit(String name) {
    ModuleDescriptor descriptor = module(name).descriptor();
    assertThat(descriptor.exports()).isNotEmpty()
        .allSatisfy(e -> assertThat(e.source()).doesNotContain("internal"))
        .allSatisfy(e -> assertThat(e.isQualified()).as("export of %s to named modules", e.source()).isFalse());
    assertThat(descriptor.isOpen()).isFalse();
    if (name.equals("io.spillway.cli")) {
      // picocli sets the commands' option fields reflectively: the tool's package opens to it, and to nothing else.
      assertThat(descriptor.opens()).allSatisfy(o -> assertThat(o.targets()).containsExactly("info.picocli"));
    } else if (!name.equals("io.spillway.testkit")) {
      assertThat(descriptor.opens()).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("moduleNames")
  void module_providesExactlyWhatItsServiceFilesList(String name) throws IOException {
    ModuleReference reference = module(name);
    Map<String, Set<String>> provided = new TreeMap<>();
    for (ModuleDescriptor.Provides provides : reference.descriptor().provides()) {
      provided.put(provides.service(), new TreeSet<>(provides.providers()));
    }
    assertThat(provided).isEqualTo(serviceFiles(reference));
  }

  @Test
  void core_providesAndUsesEveryBuiltInService() {
    ModuleDescriptor core = module("io.spillway.core").descriptor();
    assertThat(core.uses()).containsExactlyInAnyOrder("io.spillway.api.spi.SpillPolicyProvider",
        "io.spillway.api.spi.SpillStoreProvider", "io.spillway.api.spi.ChecksumCodecProvider",
        "io.spillway.api.spi.CompressionCodecProvider", "io.spillway.api.spi.SpillKeyProvider");
    assertThat(core.exports()).extracting(ModuleDescriptor.Exports::source).containsExactly("io.spillway.core");
    assertThat(core.requires()).extracting(ModuleDescriptor.Requires::name)
        .containsExactlyInAnyOrder("java.base", "io.spillway.api", "org.slf4j", "jdk.jfr");
  }

  @Test
  void bom_managesEveryShippedArtifactAtTheProjectVersion() throws Exception {
    Path bom = Path.of(System.getProperty("spillway.root", "..")).resolve("spill-bom/pom.xml");
    Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(bom.toFile());
    NodeList dependencies = pom.getElementsByTagName("dependency");
    Map<String, String> managed = new TreeMap<>();
    for (int i = 0; i < dependencies.getLength(); i++) {
      Element dependency = (Element) dependencies.item(i);
      assertThat(text(dependency, "groupId")).isEqualTo("io.spillway");
      managed.put(text(dependency, "artifactId"), text(dependency, "version"));
    }
    assertThat(managed.keySet()).containsExactlyInAnyOrderElementsOf(SHIPPED.keySet());
    assertThat(managed.values()).containsOnly("${project.version}");
    assertThat(text(pom.getDocumentElement(), "version")).isEqualTo(System.getProperty("spillway.version"));
  }

  private static String text(Element parent, String child) {
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      if (nodes.item(i) instanceof Element e && e.getTagName().equals(child)) {
        return e.getTextContent().trim();
      }
    }
    throw new AssertionError("no <" + child + "> in <" + parent.getTagName() + ">");
  }

  private static Map<String, Set<String>> serviceFiles(ModuleReference reference) throws IOException {
    Map<String, Set<String>> listed = new TreeMap<>();
    try (ModuleReader reader = reference.open()) {
      List<String> files = reader.list().filter(n -> n.startsWith("META-INF/services/") && !n.endsWith("/"))
          .collect(Collectors.toList());
      for (String file : files) {
        Optional<InputStream> in = reader.open(file);
        String content;
        try (InputStream stream = in.orElseThrow()) {
          content = new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        }
        Set<String> providers = content.lines().map(l -> l.replaceAll("#.*", "").trim()).filter(l -> !l.isEmpty())
            .collect(Collectors.toCollection(TreeSet::new));
        listed.put(file.substring("META-INF/services/".length()), providers);
      }
    }
    return listed;
  }
}
