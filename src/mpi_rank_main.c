/*
 * amdahl-mpi-rank: the program mpirun starts for the mpi backend. It is apart
 * from amdahl so that only the ranks map libmpi and its dependencies; the
 * harness, which forks for every point and every process worker, stays small.
 */
#include "cmd/cmd.h"

int main(int argc, char **argv)
{
	return cmd_mpi_rank(argc, argv);
}
