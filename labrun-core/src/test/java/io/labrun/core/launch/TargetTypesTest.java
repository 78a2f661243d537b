package io.labrun.core.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.Framework;
import io.labrun.core.config.RunConfiguration;
import io.labrun.core.config.TargetType;
import io.labrun.core.environment.EnvironmentUse;
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

  @Test
  void eachModuleIsAskedOnceInTheOrderOfItsKinds() {
    ComputeTargetProvider twoKinds =
        new ComputeTargetProvider() {
          @Override
          public List<TargetType> types() {
            return List.of(TargetType.REMOTE, TargetType.REMOTE_DOCKER);
          }

          @Override
          public ComputeTarget create(ComputeTargetSpec spec, TargetContext context) {
            throw new UnsupportedOperationException();
          }
        };
    BatchProvider batch = new BatchProvider();
    TargetTypes types = TargetTypes.of(List.of(batch, twoKinds));
    assertThat(types.providers()).containsExactly(twoKinds, batch);
    assertThat(types.provider(TargetType.REMOTE_DOCKER)).containsSame(twoKinds);
    assertThat(types.provider(TargetType.LOCAL)).isEmpty();
    assertThat(types.kindsReading("queue")).containsExactly(BATCH);
  }

  @Test
  void aKindWithoutItsModuleGetsTheDefaultEnvironment() {
    TargetTypes none = TargetTypes.of(List.of());
    RunConfiguration prepares =
        new RunConfiguration(
            "docker", null, null, "docker", null, null, null, null, true, null, null, null);
    assertThat(none.environment(ComputeTargetSpec.of("docker", TargetType.DOCKER), prepares))
        .isEqualTo(EnvironmentUse.BUILT_WITH_THE_RUN);
    assertThat(none.environment(ComputeTargetSpec.of("gpu", TargetType.REMOTE), prepares))
        .isEqualTo(EnvironmentUse.AS_IS);
  }

  @Test
  void attachAsksOfTheKindWhatItNeedsAndWrites() {
    assertThat(TargetType.REMOTE.needsAddress()).isTrue();
    assertThat(TargetType.REMOTE.isUserManagedWhenAttached()).isTrue();
    assertThat(TargetType.REMOTE_DOCKER.isUserManagedWhenAttached()).isFalse();
    assertThat(TargetType.CLUSTER.needsAddress()).isFalse();
    assertThat(TargetType.CLUSTER.framework()).isEqualTo(Framework.PYSPARK);
    assertThat(BATCH.framework()).isEqualTo(Framework.PYTHON);
    assertThat(BATCH.needingAddress()).isEqualTo(BATCH).matches(TargetType::needsAddress);
  }
}
