// SPDX-License-Identifier: GPL-2.0
/* Writes the seed corpus: the valid baselines and every refused case of cases.h. */
#include <stdio.h>
#include <string.h>
#include "cases.h"

static int put(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f)) {
		perror(path);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char name[64];
	int err = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: mkcorpus DIR\n");
		return 2;
	}
	err |= put(argv[1], "good", BL_GOOD);
	err |= put(argv[1], "worse", BL_WORSE);
	for (int i = 0; i < NR_BAD_BASELINES; i++) {
		snprintf(name, sizeof(name), "bad-%02d", i);
		err |= put(argv[1], name, bad_baselines[i].text);
	}
	return err;
}
