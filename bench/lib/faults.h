/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The faults a live-update cycle can inject (LUBENCH_FOR_EACH_FAULT in
 * kmod/lubench_uapi.h), for user-space tools that do not include the
 * uapi header: by number, their name and the defect the next kernel
 * must refuse the blob with.
 */
#ifndef LUBENCH_FAULTS_H
#define LUBENCH_FAULTS_H

/* Fault @nr's name ("none" is 0), NULL past the last. */
const char *lb_fault_name(unsigned int nr);

/* The defect it must produce (pci_ser_defect_str()); NULL for none. */
const char *lb_fault_defect(unsigned int nr);

/* The number of the fault named @name, or -1. */
int lb_fault_parse(const char *name);

/*
 * The same for the module's populations (LUBENCH_FOR_EACH_TOPOLOGY, its
 * topology= parameter): topology @nr's name, NULL past the last.
 */
const char *lb_topology_name(unsigned int nr);

#endif /* LUBENCH_FAULTS_H */
