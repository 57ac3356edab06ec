// SPDX-License-Identifier: GPL-2.0
/*
 * The trace parser: devices as lspci -D prints them, every malformed line
 * refused with its line number and reason, and nothing parsed from a
 * trace that has an error anywhere.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pci_ser.h"
#include "trace.h"
#include "kselftest_harness.h"

static int parse_str(const char *text, struct trace *t, char *err, size_t n)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int ret;

	if (!f)
		return -2;
	ret = trace_parse(f, "T", t, err, n);
	fclose(f);
	return ret;
}

TEST(devices)
{
	static const struct {
		const char *in;
		uint32_t domain;
		uint16_t bdf;
		const char *out;
	} ok[] = {
		{ "0000:00:00.0", 0, 0, "0000:00:00.0" },
		{ "0:00:01.0", 0, 1 << 3, "0000:00:01.0" },
		{ "10000:3a:00.7", 0x10000, 0x3a07, "10000:3a:00.7" },
		{ "10000:3A:1F.7", 0x10000, 0x3aff, "10000:3a:1f.7" },
		{ "FFFFFFFF:ff:1f.7", 0xffffffff, 0xffff, "ffffffff:ff:1f.7" },
		{ "00000001:80:10.3", 1, 0x8083, "0001:80:10.3" },
	};
	static const char *const bad[] = {
		"", "00:01.0", "0000:00:01", "0000:00:01:0", "123456789:00:00.0",
		":00:00.0", "0000:0:00.0", "0000:000:00.0", "0000:00:20.0",
		"0000:00:0.0", "0000:00:000.0", "0000:00:00.8", "0000:00:00.a",
		"0000:00:00.", "0000:00:00.00", "0000:g0:00.0", "0000:00:00.0x",
		"0000:00:00:00.0", "-1:00:00.0", "0x10:00:00.0",
	};
	char buf[PCI_DEV_STR_LEN];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		uint32_t d = 1234;
		uint16_t b = 1234;

		ASSERT_EQ(NULL, pci_dev_parse(ok[i].in, &d, &b)) {
			TH_LOG("%s refused", ok[i].in);
		}
		EXPECT_EQ(ok[i].domain, d);
		EXPECT_EQ(ok[i].bdf, b);
		pci_dev_format(buf, d, b);
		EXPECT_STREQ(ok[i].out, buf);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		uint32_t d;
		uint16_t b;

		EXPECT_NE(NULL, pci_dev_parse(bad[i], &d, &b)) {
			TH_LOG("'%s' accepted", bad[i]);
		}
	}
}

TEST(good_trace)
{
	const char *text =
		"# comment\n"
		"\n"
		"   capacity 4096   # slots\n"
		"preserve 0000:00:01.0\n"
		"preserve 10000:3a:00.7 vf    # a VF\n"
		"\tunpreserve 0000:00:01.0\r\n"
		"FIND 10000:3a:00.7\n"
		"find 0:00:02.0";
	char err[256] = "";
	struct trace t;

	ASSERT_EQ(0, parse_str(text, &t, err, sizeof(err))) {
		TH_LOG("%s", err);
	}
	ASSERT_TRUE(t.has_capacity);
	ASSERT_EQ(4096, t.capacity);
	ASSERT_EQ(5, t.nr);
	EXPECT_EQ(TRACE_PRESERVE, t.rec[0].op);
	EXPECT_EQ(4, t.rec[0].line);
	EXPECT_TRUE(t.rec[1].vf);
	EXPECT_EQ(0x10000, t.rec[1].domain);
	EXPECT_EQ(TRACE_UNPRESERVE, t.rec[2].op);
	EXPECT_EQ(TRACE_FIND, t.rec[3].op);
	EXPECT_EQ(8, t.rec[4].line);
	trace_free(&t);
}

TEST(bad_traces)
{
	static const struct {
		const char *text;
		const char *err;
	} cases[] = {
		{ "capacity 4\nfrob 0000:00:00.0\n", "T:2: unknown op 'frob'" },
		{ "capacity 4\npreserve\n", "T:2: missing device" },
		{ "capacity 4\npreserve 0000:00:20.0\n",
		  "T:2: device number above 1f: '0000:00:20.0'" },
		{ "capacity 4\nfind 0000:00:00.8\n",
		  "T:2: function number above 7: '0000:00:00.8'" },
		{ "capacity 4\nfind 123456789:00:00.0\n",
		  "T:2: bad domain (1 to 8 hex digits) in device: '123456789:00:00.0'" },
		{ "capacity 4\nfind 00:00.0\n",
		  "T:2: expected a device as DOMAIN:BUS:DEV.FN: '00:00.0'" },
		{ "capacity 4\npreserve 0000:00:00.0 pf\n",
		  "T:2: unexpected 'pf' after the device" },
		{ "capacity 4\npreserve 0000:00:00.0 vf vf\n",
		  "T:2: unexpected 'vf' after the device" },
		{ "capacity\n", "T:1: capacity needs a number" },
		{ "capacity 4 5\n", "T:1: unexpected text after the capacity" },
		{ "capacity -4\n", "T:1: capacity must be a decimal number" },
		{ "capacity 0x10\n", "T:1: capacity must be a decimal number" },
		{ "capacity 99999999999999999999\n",
		  "T:1: capacity above the maximum of 16777216" },
		{ "capacity 16777217\n",
		  "T:1: capacity above the maximum of 16777216" },
		{ "capacity 4\ncapacity 4\n", "T:2: capacity given twice" },
		{ "preserve 0000:00:00.0\ncapacity 4\n",
		  "T:2: capacity must come before the first op" },
		/* rules, bridges and paths */
		{ "rules v3\n", "T:1: unknown rules 'v3' (v2, v6, kho-blocks)" },
		{ "rules\n", "T:1: rules needs a revision (v2, v6, kho-blocks)" },
		{ "rules v6\nrules v6\n", "T:2: rules given twice" },
		{ "capacity 4\nfreeze\nrules v6\n",
		  "T:3: rules must come before the first op" },
		{ "capacity 4\nfreeze now\n", "T:2: unexpected 'now' after freeze" },
		{ "capacity 4\njump 0000:00:01.0\n",
		  "T:2: unexpected '0000:00:01.0' after jump (halfway or again)" },
		/* the fault lines */
		{ "capacity 4\njump again\n",
		  "T:2: jump again before any jump: no handover in memory" },
		{ "capacity 4\njump halfway now\n",
		  "T:2: unexpected text after the jump" },
		{ "capacity 4\nfault alloc any\n",
		  "T:2: fault alloc N: N must be a decimal number 1..1000 (or all)" },
		{ "capacity 4\nfault alloc 0\n",
		  "T:2: fault alloc N: N must be a decimal number 1..1000 (or all)" },
		{ "capacity 4\nfind 0000:03:00.0 again\n",
		  "T:2: unexpected 'again' after the device" },
		{ "capacity 4\nfinish 0000:03:00.0 again again\n",
		  "T:2: unexpected 'again' after the device" },
		{ "capacity 4\nmissing 0000:03:00.0 vf\n",
		  "T:2: 'vf' only applies to preserve, not missing" },
		{ "capacity 4\nbridge 0000:00:01.0\nrenumber 0000:00:01.0\n",
		  "T:3: renumber needs two root ports: renumber A B" },
		{ "capacity 4\nbridge 0000:00:01.0\nrenumber 0000:00:01.0 0000:00:02.0\n",
		  "T:3: renumber: 0000:00:02.0 is not a bridge (no `bridge 0000:00:02.0` line before)" },
		{ "capacity 4\nbridge 0000:00:01.0\nbridge 0000:01:00.0 via 0000:00:01.0\n"
		  "renumber 0000:00:01.0 0000:01:00.0\n",
		  "T:4: renumber: 0000:01:00.0 is not on a root bus (a root port has no via)" },
		{ "capacity 4\nbridge 0000:00:01.0\nrenumber 0000:00:01.0 0:00:01.0\n",
		  "T:3: renumber: the two root ports are the same" },
		{ "capacity 4\nbridge 0000:00:01.0\nbridge 0001:00:01.0\n"
		  "renumber 0000:00:01.0 0001:00:01.0\n",
		  "T:4: renumber: the two root ports are in different domains" },
		{ "capacity 4\nbridge 0000:00:01.0\nbridge 0000:00:02.0\n"
		  "renumber 0000:00:01.0 0000:00:02.0 0000:00:03.0\n",
		  "T:4: unexpected text after renumber A B" },
		{ "capacity 4\npreserve 0000:03:00.0 via 0000:00:01.0\n",
		  "T:2: 0000:00:01.0 is not a bridge (no `bridge 0000:00:01.0` line before)" },
		{ "capacity 4\npreserve 0000:03:00.0 via\n",
		  "T:2: via needs bridges: via BRIDGE[,BRIDGE...]" },
		{ "capacity 4\nbridge 0000:00:01.0\npreserve 0000:03:00.0 via 0000:00:01.0,\n",
		  "T:3: empty element in the via list" },
		{ "capacity 4\nbridge 0000:00:01.0\nbridge 0000:01:00.0\n"
		  "preserve 0000:03:00.0 via 0000:00:01.0,0000:01:00.0\n",
		  "T:4: 0000:01:00.0 sits below 0 bridge(s) (line 3), not the 1 listed before it" },
		{ "capacity 4\nbridge 0000:00:01.0\nbridge 0000:01:00.0 via 0000:00:01.0\n"
		  "preserve 0000:03:00.0 via 0000:01:00.0\n",
		  "T:4: 0000:01:00.0 sits below 1 bridge(s) (line 3), not the 0 listed before it" },
		{ "capacity 4\nbridge 0000:00:01.0\nbridge 0000:00:01.0\n",
		  "T:3: bridge 0000:00:01.0 declared twice (line 2)" },
		{ "capacity 4\nfind 0000:00:01.0\nbridge 0000:00:01.0\n",
		  "T:3: 0000:00:01.0 is used on line 2 before this line makes it a bridge" },
		{ "capacity 4\nbridge 0000:00:01.0 vf\n", "T:2: a bridge is not a VF" },
		{ "capacity 4\nbridge 0000:00:01.0 via 0000:00:01.0\n",
		  "T:2: 0000:00:01.0 is in its own path" },
		{ "capacity 4\nbridge 0000:00:01.0\n"
		  "preserve 0000:03:00.0 via 0000:00:01.0,0000:00:01.0\n",
		  "T:3: 0000:00:01.0 twice in one path" },
		{ "capacity 4\nbridge 0000:00:01.0\npreserve 0000:03:00.0\n"
		  "unpreserve 0000:03:00.0 via 0000:00:01.0\n",
		  "T:4: path of 0000:03:00.0 differs from the one on line 3" },
		{ "capacity 4\nbridge 0000:00:01.0\nfind 0000:03:00.0 via 0000:00:01.0 vf\n",
		  "T:3: unexpected 'vf' after the device" },
		{ "capacity 4\nbridge 0000:00:01.0\nfind 0000:03:00.0 via 0000:00:01.0 via 0000:00:01.0\n",
		  "T:3: unexpected 'via' after the device" },
		{ "capacity 4\nfinish 0000:03:00.0 vf\n",
		  "T:2: 'vf' only applies to preserve, not finish" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char err[256] = "";
		struct trace t;

		EXPECT_EQ(-1, parse_str(cases[i].text, &t, err, sizeof(err)));
		EXPECT_STREQ(cases[i].err, err);
		/* Nothing of a refused trace survives. */
		EXPECT_EQ(0, t.nr);
		EXPECT_EQ(NULL, t.rec);
	}
}

/*
 * The fault lines run: a halfway blob refused and the table kept, not
 * frozen; the jump again gives the same table; a missing device's entry
 * came across; renumbered root ports move the paths (v6) or keep them
 * when the rules keep bus numbers and an entry is below (kho-blocks);
 * finish again is ENOENT.
 */
TEST(fault_lines)
{
	static const char text[] =
		"capacity 8\n"
		"bridge 0000:00:01.0\n"
		"bridge 0000:00:03.0\n"
		"bridge 0000:00:05.0\n"
		"bridge 0000:00:07.0\n"
		"bridge 0000:01:00.0 via 0000:00:01.0\n"
		"preserve 0000:02:00.0 via 0000:00:01.0,0000:01:00.0\n"
		"freeze\n"
		"jump halfway\n"
		"unpreserve 0000:02:00.0\n"
		"preserve 0000:02:00.0\n"
		"freeze\n"
		"jump\n"
		"jump again\n"
		"missing 0000:02:00.0\n"
		"renumber 0000:00:05.0 0000:00:07.0\n"
		"renumber 0000:00:01.0 0000:00:03.0\n"
		"unpreserve 0000:02:00.0\n"
		"refcount 0000:00:01.0\n"
		"refcount 0000:00:03.0\n"
		"finish 0000:02:00.0 again\n";
	static const char *const rules[] = { "v6", "kho-blocks" };
	/* From `jump again` on, as each rules' layout must answer. */
	static const int want[2][8] = {
		{ 0, TRACE_RESULT_FOUND, TRACE_RESULT_ALIASED + 0,
		  TRACE_RESULT_ALIASED + 2, 0, TRACE_RESULT_REFCOUNT + 1,
		  TRACE_RESULT_REFCOUNT + 0, -ENOENT },
		{ 0, TRACE_RESULT_FOUND, TRACE_RESULT_ALIASED + 0,
		  TRACE_RESULT_KEPT, 0, TRACE_RESULT_REFCOUNT + 0,
		  TRACE_RESULT_REFCOUNT + 0, -ENOENT },
	};
	char err[256] = "";
	struct trace t;
	unsigned int v;
	size_t k;

	ASSERT_EQ(0, parse_str(text, &t, err, sizeof(err))) {
		TH_LOG("%s", err);
	}
	EXPECT_EQ(TRACE_JUMP_HALFWAY, t.rec[2].how);
	EXPECT_EQ(TRACE_JUMP_AGAIN, t.rec[7].how);
	EXPECT_EQ(1, t.rec[14].how);
	for (v = 0; v < 2; v++) {
		const struct pci_ser_ops *const *o;

		for (o = pci_ser_variants; *o; o++) {
			struct pci_ser ser = { .ops = *o, .capacity = 8 };
			struct trace_env env = { .capacity = 8 };
			int got[15];

			if (strcmp(pci_ser_rules_name((*o)->rules), rules[v]))
				continue;
			ASSERT_EQ(15, t.nr);
			for (k = 0; k < t.nr; k++)
				got[k] = trace_run_op(&ser, &t, &t.rec[k], &env);
			EXPECT_GE(TRACE_RESULT_DEFECT_BASE, got[2]);
			EXPECT_TRUE(env.handover_bad || got[7] == 0);
			/* Kept, not frozen: the unpreserve works. */
			EXPECT_EQ(0, got[3]) {
				TH_LOG("%s: %s after the halfway jump", (*o)->name,
				       trace_result_str(got[3]));
			}
			for (k = 0; k < 8; k++) {
				EXPECT_EQ(want[v][k], got[7 + k]) {
					TH_LOG("%s: line %u gave %s",
					       (*o)->name, t.rec[7 + k].line,
					       trace_result_str(got[7 + k]));
				}
			}
			pci_ser_destroy(&ser);
			trace_env_release(&env);
		}
	}
	trace_free(&t);
}

TEST(nul_byte)
{
	static const char text[] = "capacity 4\npreserve 0000:00:00.0\0junk\n";
	FILE *f = fmemopen((void *)text, sizeof(text) - 1, "r");
	char err[256] = "";
	struct trace t;

	ASSERT_NE(NULL, f);
	EXPECT_EQ(-1, trace_parse(f, "T", &t, err, sizeof(err)));
	EXPECT_STREQ("T:2: NUL byte in the line", err);
	fclose(f);
}

TEST(empty_trace)
{
	char err[256] = "";
	struct trace t;

	ASSERT_EQ(0, parse_str("# nothing\n\n", &t, err, sizeof(err)));
	EXPECT_EQ(0, t.nr);
	EXPECT_FALSE(t.has_capacity);
	trace_free(&t);
}

TEST_HARNESS_MAIN
