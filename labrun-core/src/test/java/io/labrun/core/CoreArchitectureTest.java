package io.labrun.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The core knows no framework: only the JDK. Adapters depend on it, never the other way. */
class CoreArchitectureTest {
  private final JavaClasses core =
      new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.labrun.core");

  @Test
  void coreDependsOnTheJdkOnly() {
    noClasses()
        .that().resideInAPackage("io.labrun.core..")
        .should().dependOnClassesThat().resideOutsideOfPackages("java..", "javax.crypto..", "io.labrun.core..")
        .because("the domain and its ports must stay free of adapter libraries")
        .check(core);
  }

  @Test
  void coreDoesNotUseJdbcOrHttp() {
    noClasses()
        .that().resideInAPackage("io.labrun.core..")
        .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "java.net.http..", "javax.sql..")
        .check(core);
  }
}
