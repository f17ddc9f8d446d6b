/*
 * The backend registry. Add a backend here: one line, in the order --help
 * and `amdahl info` should list it.
 */
#include "../api/backend.h"

#include <string.h>

extern const struct backend backend_cmd;
extern const struct backend backend_gil;
extern const struct backend backend_green;
extern const struct backend backend_mpi;
extern const struct backend backend_openmp;
extern const struct backend backend_process;
extern const struct backend backend_thread;

const struct backend *const backend_registry[] = {
	&backend_thread,
	&backend_process,
	&backend_openmp,
	&backend_gil,
	&backend_green,
	&backend_mpi,
	&backend_cmd,
	NULL,
};

const struct backend *backend_find(const char *name)
{
	for (const struct backend *const *b = backend_registry; *b; b++)
		if (strcmp((*b)->name, name) == 0)
			return *b;
	return NULL;
}
