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

  // the same Slurm's records of job array 1017 (--array=0-4%2), two elements started, the rest
  // waiting together as one record
  static final String WAITING_ELEMENTS =
      "JobId=1017 ArrayJobId=1017 ArrayTaskId=2-4%2 ArrayTaskThrottle=2 JobName=wrap"
          + " JobState=PENDING Reason=JobArrayTaskLimit Dependency=(null) ExitCode=0:0";
  static final String STARTED_ELEMENT =
      "JobId=1019 ArrayJobId=1017 ArrayTaskId=1 ArrayTaskThrottle=2 JobName=wrap"
          + " JobState=RUNNING Reason=None Dependency=(null) ExitCode=0:0";

  @Test
  void anArrayElementIsNamedByItsArrayAndTaskNotByTheJobIdSlurmGaveIt() {
    JobInfo job = JobInfo.parse(STARTED_ELEMENT).orElseThrow();
    assertThat(job.id()).isEqualTo("1017_1");
    assertThat(job.covers("1017_1")).isTrue();
    assertThat(job.covers("1019")).isFalse();
    assertThat(job.covers("1017_2")).isFalse();
  }

  @Test
  void theRecordOfElementsWaitingTogetherCoversEachOfThem() {
    JobInfo waiting = JobInfo.parse(WAITING_ELEMENTS).orElseThrow();
    assertThat(waiting.id()).isEqualTo("1017_[2-4%2]");
    assertThat(waiting.covers("1017_2")).isTrue();
    assertThat(waiting.covers("1017_4")).isTrue();
    assertThat(waiting.covers("1017_1")).isFalse();
    assertThat(waiting.covers("1017_5")).isFalse();
    assertThat(waiting.covers("1018_3")).isFalse();
    JobInfo element = waiting.as("1017_3");
    assertThat(element.pending()).isTrue();
    assertThat(element.reason()).isEqualTo("JobArrayTaskLimit");
  }

  @Test
  void taskListsWithCommasAndStepsAreRead() {
    JobInfo waiting =
        JobInfo.parse("JobId=7 ArrayJobId=7 ArrayTaskId=1,5-9:2,12 JobState=PENDING Reason=None")
            .orElseThrow();
    assertThat(waiting.covers("7_1")).isTrue();
    assertThat(waiting.covers("7_7")).isTrue();
    assertThat(waiting.covers("7_8")).isFalse();
    assertThat(waiting.covers("7_12")).isTrue();
    assertThat(waiting.covers("7_2")).isFalse();
  }
}
