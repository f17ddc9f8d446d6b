/*
 * The layers of docs/architecture.md, checked against the includes: every
 * `#include "../<dir>/..."` of a file in src/<layer>/ must name a layer that
 * layer may use. The plugin API includes nothing but itself and src/base, so
 * a plugin sees only the contract (no engine, results, models or command);
 * no layer below the subcommands includes one of them.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* What each checked layer may include (besides itself); ".h" rules apply to headers only. */
static const struct {
	const char *layer, *ext, *may;
} rules[] = {
	{ "api", "", "base" },
	{ "base", "", "" },
	{ "models", "", "api base" },
	{ "results", "", "api b5 base models" },	/* b5: the B5 CSV's types */
	{ "runtime", "", "api base" },
	{ "workloads", "", "api base runtime" },
	{ "backends", "", "api base runtime" },
	{ "b5", "", "api base runtime" },
	{ "demo", "", "api base runtime" },
	{ "engine", "", "api base models results runtime" },
};

static int word_in(const char *word, size_t len, const char *list)
{
	for (const char *w = list; *w;) {
		size_t n = strcspn(w, " ");
		if (n == len && strncmp(w, word, len) == 0)
			return 1;
		w += n + (w[n] == ' ');
	}
	return 0;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Every bad include of one file, appended to bad; how many. */
static int check_file(const char *layer, const char *dir, const char *name, const char *may, char *bad, size_t len)
{
	char path[4096], line[1024];
	FILE *fp;
	int n = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "r");
	cr_assert_not_null(fp, "cannot read %s", path);
	while (fgets(line, sizeof(line), fp)) {
		const char *inc = strstr(line, "#include \"../");
		size_t k;

		if (line[0] != '#' || !inc)
			continue;
		inc += strlen("#include \"../");
		k = strcspn(inc, "/\"");
		if (word_in(inc, k, may) || (strlen(layer) == k && strncmp(inc, layer, k) == 0))
			continue;
		n++;
		snprintf(bad + strlen(bad), len - strlen(bad), "src/%s/%s includes ../%.*s\n", layer, name, (int)k, inc);
	}
	fclose(fp);
	return n;
}

Test(layers, includes_follow_the_layer_picture)
{
	char bad[8192] = "", dir[4096];
	int n = 0, files = 0;

	for (size_t r = 0; r < sizeof(rules) / sizeof(rules[0]); r++) {
		DIR *d;
		struct dirent *e;

		snprintf(dir, sizeof(dir), "%s/src/%s", cli_root(), rules[r].layer);
		d = opendir(dir);
		cr_assert_not_null(d, "no %s", dir);
		while ((e = readdir(d))) {
			if (!ends_with(e->d_name, ".c") && !ends_with(e->d_name, ".h"))
				continue;
			if (rules[r].ext[0] && !ends_with(e->d_name, rules[r].ext))
				continue;
			n += check_file(rules[r].layer, dir, e->d_name, rules[r].may, bad, sizeof(bad));
			files++;
		}
		closedir(d);
	}
	cr_assert_gt(files, 30, "too few files checked: %d", files);
	cr_assert_eq(n, 0, "includes against the layers (docs/architecture.md):\n%s", bad);
}

/* The check itself sees a bad include: an api header that reaches into the engine. */
Test(layers, a_header_of_the_api_that_includes_the_engine_is_caught)
{
	char *dir = cli_tmpdir(), bad[1024] = "", path[4096];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/x.h", dir);
	fp = fopen(path, "w");
	cr_assert_not_null(fp);
	fputs("#include \"column.h\"\n#include \"../engine/sweep.h\"\n", fp);
	fclose(fp);
	cr_assert_eq(check_file("api", dir, "x.h", "base", bad, sizeof(bad)), 1, "%s", bad);
	cr_assert(strstr(bad, "../engine"), "%s", bad);
	cli_tmpdir_free(dir);
}
