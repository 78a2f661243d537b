package io.labrun.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaFieldAccess;
import com.tngtech.archunit.core.domain.PackageMatcher;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import io.labrun.core.config.TargetType;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The adapters around the core stand alone: no compute module uses another (a target built on
 * another kind gets it through the core's {@code TargetContext}), and the store, the object store,
 * the server, the SSH library and the compute modules use none of one another, except that compute
 * modules may use the SSH library (a library for reaching hosts, not an adapter of a port); no
 * class outside the target modules and the project format names one kind of target; and no two
 * classes share a simple name. Checked here because this module's class path holds every module.
 */
class ModuleArchitectureTest {
  private static final ImportOption MAIN_CODE_ONLY =
      new ImportOption() {
        @Override
        public boolean includes(Location location) {
          return ImportOption.Predefined.DO_NOT_INCLUDE_TESTS.includes(location)
              && !location.contains("-tests.jar");
        }
      };
  private static final JavaClasses ALL =
      new ClassFileImporter().withImportOption(MAIN_CODE_ONLY).importPackages("io.labrun");

  private static final String SSH = "io.labrun.ssh..";
  private static final List<String> ADAPTERS =
      List.of(
          "io.labrun.store..",
          "io.labrun.objects..",
          "io.labrun.server..",
          SSH,
          "io.labrun.compute..");

  @Test
  void noComputeModuleDependsOnAnother() {
    slices()
        .matching("io.labrun.compute.(*)..")
        .should()
        .notDependOnEachOther()
        .because(
            "a new target is one module: it must not need, or be needed by, another target's"
                + " module")
        .check(ALL);
  }

  @Test
  void adaptersDoNotDependOnEachOtherButComputeModulesMayUseTheSshLibrary() {
    for (String adapter : ADAPTERS) {
      String[] others =
          ADAPTERS.stream()
              .filter(a -> !a.equals(adapter))
              .filter(a -> !(adapter.equals("io.labrun.compute..") && a.equals(SSH)))
              .toArray(String[]::new);
      noClasses()
          .that()
          .resideInAPackage(adapter)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(others)
          .because("only the assembly (labrun-cli) connects adapters")
          .check(ALL);
    }
  }

  /** The kinds of target the original defined, as constants of {@link TargetType}. */
  private static final List<String> KINDS =
      List.of("LOCAL", "DOCKER", "REMOTE_DOCKER", "REMOTE", "CLUSTER");

  @Test
  void onlyTargetModulesAndTheProjectFormatNameAKindOfTarget() {
    noClasses()
        .that()
        .resideOutsideOfPackages(
            "io.labrun.compute..", "io.labrun.format..", "io.labrun.core.config..")
        .should()
        .accessFieldWhere(
            new DescribedPredicate<JavaFieldAccess>("TargetType." + String.join("/", KINDS)) {
              @Override
              public boolean test(JavaFieldAccess access) {
                return access.getTargetOwner().isEquivalentTo(TargetType.class)
                    && KINDS.contains(access.getName());
              }
            })
        .because(
            "a new target is one module: what a command does for a kind (clean, log in, attach,"
                + " show) is asked of the kind or its provider, never decided by comparing it with"
                + " one; only the format that reads the original's files and the types themselves"
                + " (core.config) name them")
        .check(ALL);
  }

  @Test
  void theRulesSeeEveryModule() {
    // a rule over packages with no classes would pass for nothing
    for (String module :
        Stream.concat(
                ADAPTERS.stream(),
                Stream.of(
                    "io.labrun.compute.local..",
                    "io.labrun.compute.docker..",
                    "io.labrun.compute.remote..",
                    "io.labrun.compute.cluster.."))
            .toList()) {
      PackageMatcher matcher = PackageMatcher.of(module);
      assertThat(ALL.stream().anyMatch(c -> matcher.matches(c.getPackageName())))
          .as("classes in " + module)
          .isTrue();
    }
  }

  @Test
  void eachClassNameIsUsedOnce() {
    // one name, one class: a reader (or a stack trace) never has to ask which Json or RemoteFiles
    // is meant
    Map<String, List<String>> byName =
        ALL.stream()
            .filter(JavaClass::isTopLevelClass)
            .collect(
                Collectors.groupingBy(
                    JavaClass::getSimpleName,
                    TreeMap::new,
                    Collectors.mapping(JavaClass::getName, Collectors.toList())));
    byName.values().removeIf(names -> names.size() < 2);
    assertThat(byName).as("simple names used by more than one class of main code").isEmpty();
  }
}
