package io.labrun.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.AccessTarget;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.labrun.core.history.RunStore;
import io.labrun.core.run.Run;
import org.junit.jupiter.api.Test;

/**
 * Only the core changes a run's status (and the store that keeps it): the CLI, the server, the
 * application module and the compute targets ask the core to, so every front end moves a run
 * through its states the same way. Checked on every labrun class, which only this module sees.
 */
class RunStatusOwnerTest {
  private static final JavaClasses LABRUN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.labrun");

  /** A call that records a run in a state: RunStore.create or update, or Run.withStatus. */
  private static final DescribedPredicate<JavaCall<?>> CHANGES_STATUS =
      new DescribedPredicate<>("record or change a run's status") {
        @Override
        public boolean test(JavaCall<?> call) {
          AccessTarget target = call.getTarget();
          boolean store =
              target.getOwner().isAssignableTo(RunStore.class)
                  && (target.getName().equals("update") || target.getName().equals("create"));
          return store
              || target.getOwner().isEquivalentTo(Run.class)
                  && target.getName().equals("withStatus");
        }
      };

  @Test
  void onlyTheCoreChangesARunsStatus() {
    noClasses()
        .that()
        .resideOutsideOfPackages("io.labrun.core..", "io.labrun.store..")
        .should()
        .callCodeUnitWhere(CHANGES_STATUS)
        .because(
            "a run's states are the core's: front ends and adapters ask it (Cancellation,"
                + " RunFinisher, Submitter...)")
        .check(LABRUN);
  }

  @Test
  void theRuleSeesTheCallsItForbids() {
    // The core does make these calls: were the predicate or the import wrong, the rule above would
    // pass on nothing.
    assertThat(
            LABRUN.stream()
                .filter(c -> c.getPackageName().startsWith("io.labrun.core"))
                .flatMap(c -> c.getMethodCallsFromSelf().stream())
                .filter(CHANGES_STATUS))
        .isNotEmpty();
    assertThat(LABRUN.stream().map(c -> c.getPackageName()))
        .contains(
            "io.labrun.cli.run",
            "io.labrun.server",
            "io.labrun.app",
            "io.labrun.compute.local",
            "io.labrun.compute.remote");
  }
}
