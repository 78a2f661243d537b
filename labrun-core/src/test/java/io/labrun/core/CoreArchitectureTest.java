package io.labrun.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The core knows no framework: only the JDK. Adapters depend on it, never the other way. */
class CoreArchitectureTest {
  private final JavaClasses core =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.labrun.core");

  @Test
  void coreDependsOnTheJdkOnly() {
    noClasses()
        .that()
        .resideInAPackage("io.labrun.core..")
        .should()
        .dependOnClassesThat()
        .resideOutsideOfPackages("java..", "javax.crypto..", "io.labrun.core..")
        .because("the domain and its ports must stay free of adapter libraries")
        .check(core);
  }

  @Test
  void coreDoesNotUseJdbcOrHttp() {
    noClasses()
        .that()
        .resideInAPackage("io.labrun.core..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("java.sql..", "java.net.http..", "javax.sql..")
        .check(core);
  }

  @Test
  void corePackagesHaveNoCycles() {
    slices()
        .matching("io.labrun.core.(*)..")
        .should()
        .beFreeOfCycles()
        .because(
            "the run's path reads one way: plan, snapshot, environment, launch, follow, finish,"
                + " with retries and sweeps above")
        .check(core);
  }

  @Test
  void theRunsPathPointsForward() {
    // Each stage may use the stages before it, never one after it.
    String[] path = {
      "plan", "snapshot", "environment", "launch", "follow", "finish", "retry", "sweep"
    };
    for (int i = 0; i < path.length; i++) {
      String[] later = new String[path.length - i - 1];
      for (int j = i + 1; j < path.length; j++) {
        later[j - i - 1] = "io.labrun.core." + path[j] + "..";
      }
      if (later.length > 0) {
        noClasses()
            .that()
            .resideInAPackage("io.labrun.core." + path[i] + "..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(later)
            .check(core);
      }
    }
  }
}
