package io.labrun.core.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.TargetType;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.plan.RunPlan;
import io.labrun.core.run.Run;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A target module adds its kind of target by its provider alone. */
class TargetTypesTest {
  static final TargetType BATCH = new TargetType("batch", List.of("Batch-Queue"), false, true);

  /** A module serving a kind the original did not have, with a key of its own. */
  static final class BatchProvider implements ComputeTargetProvider {
    @Override
    public List<TargetType> types() {
      return List.of(BATCH);
    }

    @Override
    public List<TargetKey> keys() {
      return List.of(new TargetKey("queue", TargetKey.Kind.TEXT));
    }

    @Override
    public ComputeTarget create(ComputeTargetSpec spec, TargetContext context) {
      return new ComputeTarget() {
        @Override
        public Execution launch(RunPlan plan) {
          throw new UnsupportedOperationException();
        }

        @Override
        public Execution reattach(Run run, Path runDir) {
          throw new UnsupportedOperationException();
        }
      };
    }
  }

  @Test
  void theOriginalKindsAreKnownWithoutAnyModule() {
    TargetTypes none = TargetTypes.of(List.of());
    assertThat(none.parse(" LocalDocker ")).containsSame(TargetType.DOCKER);
    assertThat(none.allSpellings())
        .isEqualTo("local, docker, localdocker, remotedocker, remote, cluster");
    assertThat(none.parse("batch")).isEmpty();
  }

  @Test
  void aProviderAddsItsKindItsSpellingsAndItsKeys() {
    TargetTypes withBatch = TargetTypes.of(List.of(new BatchProvider()));
    assertThat(withBatch.parse("batch-queue")).contains(BATCH);
    assertThat(withBatch.parse("batch").orElseThrow().isRemote()).isTrue();
    assertThat(withBatch.allSpellings()).endsWith("cluster, batch, batch-queue");
    assertThat(withBatch.keys()).containsExactly(new TargetKey("queue", TargetKey.Kind.TEXT));
    assertThat(withBatch.targets(null).forSpec(ComputeTargetSpec.of("b", BATCH))).isNotNull();
  }

  @Test
  void aKindWithoutItsModuleIsOneClearError() {
    TargetTypes none = TargetTypes.of(List.of());
    assertThatThrownBy(
            () -> none.targets(null).forSpec(ComputeTargetSpec.of("gpu", TargetType.REMOTE)))
        .isInstanceOfSatisfying(
            LabrunException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT))
        .hasMessage(
            "compute target 'gpu' is of type remote, which this labrun cannot run yet; use a local,"
                + " docker or cluster target");
  }
}
