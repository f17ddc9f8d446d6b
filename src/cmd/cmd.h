/*
 * The subcommands. Each lives in src/cmd/<name>.c and exports
 * cmd_<name>(argc, argv), whose return value is the exit status (util.h).
 * To add one: write the file, declare it here, add one line to the table in
 * src/main.c and one to the Makefile's SRC list, and test it in tests/.
 */
#ifndef AMDAHL_CMD_H
#define AMDAHL_CMD_H

int cmd_b5(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_fit(int argc, char **argv);
int cmd_info(int argc, char **argv);
/* The mpi backend's ranks (src/backends/mpi.c), not listed in --help. */
int cmd_mpi_rank(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_theory(int argc, char **argv);

#endif
