// SPDX-License-Identifier: GPL-2.0
/*
 * What the machine is (hwloc, uname, the build) and pinning to one core.
 * The build facts are compile-time definitions from CMake, and the commit
 * comes from the header generated at build time (lubench_version.h), so a
 * result names the flags and the commit its binary was really built from.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <hwloc.h>

#include "lubench_version.h"
#include "topology.h"

#ifndef LUBENCH_SOURCE_DIR
#define LUBENCH_SOURCE_DIR "."
#endif
#ifndef LUBENCH_COMPILER
#define LUBENCH_COMPILER "unknown"
#endif
#ifndef LUBENCH_CFLAGS
#define LUBENCH_CFLAGS "unknown"
#endif
#ifndef LUBENCH_BUILD_TYPE
#define LUBENCH_BUILD_TYPE "unknown"
#endif

static hwloc_topology_t topo;

static void copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

static void read_line(const char *path, char *out, size_t len)
{
	FILE *f = fopen(path, "r");

	out[0] = '\0';
	if (!f)
		return;
	if (fgets(out, (int)len, f))
		out[strcspn(out, "\n")] = '\0';
	fclose(f);
}

static void probe_build(struct topology *t)
{
	copy(t->compiler, sizeof(t->compiler), LUBENCH_COMPILER);
	copy(t->cflags, sizeof(t->cflags), LUBENCH_CFLAGS);
	copy(t->build_type, sizeof(t->build_type), LUBENCH_BUILD_TYPE);
	copy(t->source_dir, sizeof(t->source_dir), LUBENCH_SOURCE_DIR);
	copy(t->git_commit, sizeof(t->git_commit), LUBENCH_GIT_COMMIT);
	t->git_dirty = LUBENCH_GIT_DIRTY;
}

static void probe_system(struct topology *t)
{
	struct utsname u;

	if (!uname(&u))
		snprintf(t->kernel, sizeof(t->kernel), "%s %s %s %s",
			 u.sysname, u.release, u.version, u.machine);
	if (gethostname(t->hostname, sizeof(t->hostname)))
		copy(t->hostname, sizeof(t->hostname), "unknown");
	t->hostname[sizeof(t->hostname) - 1] = '\0';
	read_line("/sys/devices/system/clocksource/clocksource0/current_clocksource",
		  t->clocksource, sizeof(t->clocksource));
	read_line("/proc/sys/kernel/random/boot_id", t->boot_id,
		  sizeof(t->boot_id));
}

static void probe_caches(struct topology *t, hwloc_obj_t pu)
{
	hwloc_obj_t o;

	for (o = pu->parent; o; o = o->parent) {
		uint64_t size;

		if (!hwloc_obj_type_is_cache(o->type))
			continue;
		size = o->attr->cache.size;
		switch (o->type) {
		case HWLOC_OBJ_L1CACHE:
			t->l1d_bytes = size;
			break;
		case HWLOC_OBJ_L1ICACHE:
			t->l1i_bytes = size;
			break;
		case HWLOC_OBJ_L2CACHE:
			t->l2_bytes = size;
			break;
		case HWLOC_OBJ_L3CACHE:
			t->l3_bytes = size;
			t->l3_shared_pus = hwloc_bitmap_weight(o->cpuset);
			break;
		default:
			break;
		}
	}
}

/* CPUModel lives on the package (x86) or the root, depending on the OS. */
static void probe_cpu(struct topology *t, hwloc_obj_t pu)
{
	hwloc_obj_t o;
	const char *model = NULL, *vendor = NULL;

	for (o = pu; o && (!model || !vendor); o = o->parent) {
		if (!model)
			model = hwloc_obj_get_info_by_name(o, "CPUModel");
		if (!vendor)
			vendor = hwloc_obj_get_info_by_name(o, "CPUVendor");
	}
	copy(t->cpu_model, sizeof(t->cpu_model), model ? model : "unknown");
	copy(t->cpu_vendor, sizeof(t->cpu_vendor), vendor ? vendor : "unknown");
}

/* The first PU of the last core: away from core 0's interrupts. */
static hwloc_obj_t pick_pu(int cpu)
{
	hwloc_obj_t core;
	int nr;

	if (cpu >= 0)
		return hwloc_get_pu_obj_by_os_index(topo, (unsigned int)cpu);
	nr = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
	core = nr > 0 ? hwloc_get_obj_by_type(topo, HWLOC_OBJ_CORE, nr - 1) :
			NULL;
	if (core)
		return hwloc_get_obj_inside_cpuset_by_type(topo, core->cpuset,
							   HWLOC_OBJ_PU, 0);
	return hwloc_get_obj_by_type(topo, HWLOC_OBJ_PU, 0);
}

static void pin(struct topology *t, hwloc_obj_t pu)
{
	t->pinned_pu = -1;
	if (hwloc_set_cpubind(topo, pu->cpuset,
			      HWLOC_CPUBIND_THREAD | HWLOC_CPUBIND_STRICT)) {
		snprintf(t->pin_note, sizeof(t->pin_note),
			 "hwloc_set_cpubind PU %u: %s", pu->os_index,
			 strerror(errno));
		return;
	}
	t->pinned_pu = (int)pu->os_index;
	/* First-touch on the right node; on one node this is a no-op. */
	t->membind = !hwloc_set_membind(topo, pu->nodeset,
					HWLOC_MEMBIND_BIND,
					HWLOC_MEMBIND_THREAD |
					HWLOC_MEMBIND_BYNODESET);
}

int topology_probe(struct topology *t, int cpu)
{
	hwloc_obj_t pu, root;
	unsigned int v;

	memset(t, 0, sizeof(*t));
	t->pinned_pu = -1;
	probe_build(t);
	probe_system(t);
	v = hwloc_get_api_version();
	snprintf(t->hwloc_version, sizeof(t->hwloc_version), "%u.%u.%u",
		 v >> 16, (v >> 8) & 0xff, v & 0xff);

	if (hwloc_topology_init(&topo))
		return -errno;
	hwloc_topology_set_icache_types_filter(topo, HWLOC_TYPE_FILTER_KEEP_ALL);
	if (hwloc_topology_load(topo)) {
		hwloc_topology_destroy(topo);
		topo = NULL;
		return -errno;
	}
	t->nr_pus = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
	t->nr_cores = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
	t->nr_packages = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PACKAGE);
	t->nr_numa = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE);
	root = hwloc_get_root_obj(topo);
	t->mem_bytes = root->total_memory;

	pu = pick_pu(cpu);
	if (!pu) {
		if (cpu >= 0)
			return -ENODEV;
		pu = hwloc_get_obj_by_type(topo, HWLOC_OBJ_PU, 0);
	}
	probe_caches(t, pu);
	probe_cpu(t, pu);
	if (cpu == TOPO_CPU_NONE)
		copy(t->pin_note, sizeof(t->pin_note), "not pinned (--cpu none)");
	else
		pin(t, pu);
	if (cpu >= 0 && t->pinned_pu < 0)
		return -EPERM;
	return 0;
}

void topology_release(void)
{
	if (topo)
		hwloc_topology_destroy(topo);
	topo = NULL;
}

void topology_json(const struct topology *t, struct json *j)
{
	json_str(j, "hostname", t->hostname);
	json_str(j, "boot_id", t->boot_id[0] ? t->boot_id : NULL);
	json_str(j, "cpu_model", t->cpu_model);
	json_str(j, "cpu_vendor", t->cpu_vendor);
	json_u64(j, "packages", t->nr_packages);
	json_u64(j, "cores", t->nr_cores);
	json_u64(j, "pus", t->nr_pus);
	json_u64(j, "numa_nodes", t->nr_numa);
	json_u64(j, "mem_bytes", t->mem_bytes);
	json_u64(j, "l1d_bytes", t->l1d_bytes);
	json_u64(j, "l1i_bytes", t->l1i_bytes);
	json_u64(j, "l2_bytes", t->l2_bytes);
	json_u64(j, "l3_bytes", t->l3_bytes);
	json_u64(j, "l3_shared_pus", t->l3_shared_pus);
	json_i64(j, "pinned_cpu", t->pinned_pu);
	json_bool(j, "membind", t->membind);
	json_str(j, "pin_note", t->pin_note[0] ? t->pin_note : NULL);
	json_str(j, "kernel", t->kernel);
	json_str(j, "clocksource", t->clocksource);
	json_str(j, "hwloc_api_version", t->hwloc_version);
	json_str(j, "compiler", t->compiler);
	json_str(j, "cflags", t->cflags);
	json_str(j, "build_type", t->build_type);
	json_str(j, "git_commit", t->git_commit);
	json_bool(j, "git_dirty", t->git_dirty);
}

void topology_json_host(struct json *j)
{
	struct topology t;

	if (topology_probe(&t, TOPO_CPU_NONE))
		return;
	json_obj_begin(j, "machine");
	topology_json(&t, j);
	json_obj_end(j);
	topology_release();
}
