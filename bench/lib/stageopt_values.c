// SPDX-License-Identifier: GPL-2.0
/* Values more than one stage's table takes (stageopt_values.h). */
#include <errno.h>
#include <string.h>

#include "pci_ser.h"
#include "stageopt.h"
#include "stageopt_values.h"

int lb_opt_duration(const char *opt, const char *val, bool hours,
		    uint64_t max_ms, uint64_t *ms, char *err, size_t len)
{
	size_t n = strlen(val), k = 1;
	uint64_t unit = 0, v;
	char num[32];

	if (n > 2 && !strcmp(val + n - 2, "ms")) {
		unit = 1;
		k = 2;
	} else if (n > 1 && val[n - 1] == 's') {
		unit = 1000;
	} else if (n > 1 && val[n - 1] == 'm') {
		unit = 60000;
	} else if (hours && n > 1 && val[n - 1] == 'h') {
		unit = 3600000;
	}
	if (!unit || n - k >= sizeof(num))
		return -EINVAL;
	memcpy(num, val, n - k);
	num[n - k] = '\0';
	if (lb_opt_num(opt, num, 1, max_ms / unit, &v, err, len))
		return -1;
	*ms = v * unit;
	return 0;
}

void lb_layout_choices(FILE *f)
{
	const struct pci_ser_ops *const *v;

	for (v = pci_ser_variants; *v; v++)
		fprintf(f, " %s", (*v)->name);
}
