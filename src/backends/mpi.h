/*
 * The protocol between the mpi backend (src/backends/mpi.c, which runs in
 * the measurement child and starts mpirun) and its ranks (src/cmd/mpi_rank.c,
 * the `amdahl-mpi-rank` binary that mpirun starts N times).
 *
 * The ranks get their job on the command line:
 *
 *   amdahl-mpi-rank --workload NAME --p P --units W --phases K
 *                     --scaling strong|weak --seed S [--param NAME=VALUE]...
 *
 * and rank 0 answers with one line on its standard output, which mpirun
 * forwards from whichever host rank 0 ran on:
 *
 *   amdahl-mpi-result wall=S cpu=S ready=T setup=S boot=ID [bytes=B] [lost=L]
 *
 * wall: from the barrier after start-up to the end, the slowest rank (MAX
 * reduction); cpu: CPU seconds of all ranks over the same span (SUM
 * reduction); ready: CLOCK_MONOTONIC on rank 0 as it left a barrier right
 * after MPI_Init (before the workload's setup), and boot: its kernel boot
 * id, so the launcher can tell whether that clock is its own; setup: from
 * there to the start barrier (the workload's setup), for when it is not.
 * bytes and lost are the workload's report on rank 0, when it makes one. A rank that cannot run prints `amdahl-mpi-error TEXT` instead and
 * aborts the job.
 */
#ifndef AMDAHL_MPI_H
#define AMDAHL_MPI_H

/* The ranks' binary, installed beside amdahl (src/mpi_rank_main.c). */
#define AMDAHL_MPI_RANK_BIN "amdahl-mpi-rank"
/*
 * Rank 0's one result line: AMDAHL_MPI_RESULT, then space-separated key=value
 * pairs: wall, cpu, ready, setup and boot always, then every plugin column
 * the workload filled, by its column name (column.h), e.g. "gbps=3.2".
 */
#define AMDAHL_MPI_RESULT "amdahl-mpi-result"
#define AMDAHL_MPI_ERROR "amdahl-mpi-error"
#define AMDAHL_MPI_BOOT_ID "/proc/sys/kernel/random/boot_id"
/* How waiting ranks wait (the backend's --mpi-wait, which the ranks read). */
#define AMDAHL_MPI_WAIT_PARAM "mpi-wait"
#define AMDAHL_MPI_WAIT_DEFAULT "passive"

#endif
