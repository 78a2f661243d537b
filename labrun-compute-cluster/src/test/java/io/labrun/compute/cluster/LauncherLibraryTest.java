package io.labrun.compute.cluster;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** What labrun relies on in Spark's launcher library, and where Spark's types may appear. */
class LauncherLibraryTest {
  @Test
  void theLaunchersHandleKeepsItsChildProcessWhereSparkDriverReadsTheExitCode() throws Exception {
    // SparkDriver reads spark-submit's exit code from this field (the API has no getter); if a new
    // launcher version moves it, runs fall back to the application's state for their exit code.
    Class<?> handle = Class.forName("org.apache.spark.launcher.ChildProcAppHandle");
    assertThat(handle.getDeclaredField("childProc").getType()).isEqualTo(Process.class);
  }

  @Test
  void sparkTypesStayInsideTheDriverAndTheStateMapping() {
    noClasses()
        .that()
        .resideInAPackage("io.labrun.compute.cluster")
        .and()
        .haveNameNotMatching(".*\\.(SparkDriver|SparkStates|DriverCommand)(\\$.*)?")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.apache.spark..")
        .check(
            new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.labrun.compute.cluster"));
  }
}
