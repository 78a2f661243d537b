package io.labrun.compute.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JobInfoTest {
  // scontrol show job --oneliner of Slurm 22.05 (Debian 12), for a job preempted on the test
  // cluster
  static final String PREEMPTED =
      "JobId=16 JobName=wrap UserId=root(0) GroupId=root(0) MCS_label=N/A Priority=4294901744"
          + " Nice=0 Account=(null) QOS=(null) JobState=PREEMPTED Reason=None Dependency=(null)"
          + " Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=0:0 RunTime=00:00:03"
          + " TimeLimit=UNLIMITED TimeMin=N/A SubmitTime=2026-12-07T01:05:52 Partition=scavenger"
          + " AllocNode:Sid=localhost:16197 NodeList=localhost CPUs/Task=2"
          + " TRES=cpu=2,node=1,billing=2 Command=(null) WorkDir=/tmp StdErr=/dev/null"
          + " StdIn=/dev/null StdOut=/dev/null Power= ";

  @Test
  void readsTheStateReasonAndExitCode() {
    JobInfo job = JobInfo.parse(PREEMPTED).orElseThrow();
    assertThat(job.id()).isEqualTo("16");
    assertThat(job.state()).isEqualTo("PREEMPTED");
    assertThat(job.reason()).as("Reason=None is no reason").isNull();
    assertThat(job.exitCode()).isEqualTo("0:0");
    assertThat(job.going()).isFalse();
  }

  @Test
  void aPendingJobGivesItsReason() {
    JobInfo job =
        JobInfo.parse(
                "JobId=15 JobName=wrap JobState=PENDING Reason=Resources Dependency=(null)"
                    + " ExitCode=0:0")
            .orElseThrow();
    assertThat(job.pending()).isTrue();
    assertThat(job.going()).isTrue();
    assertThat(job.reason()).isEqualTo("Resources");
  }

  @Test
  void aCompletingJobStillGoes() {
    assertThat(JobInfo.parse("JobId=3 JobState=COMPLETING Reason=None").orElseThrow().going())
        .isTrue();
  }

  @Test
  void aLineWithoutAJobStateIsNoJob() {
    assertThat(JobInfo.parse("slurm_load_jobs error: Invalid job id specified")).isEmpty();
    assertThat(JobInfo.parse("")).isEmpty();
  }
}
